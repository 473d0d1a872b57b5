import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertView, PushMessage, SilenceView } from '../../agent/api/types';
import { apiPost, rawRequest } from '../../agent/cli/client';
import { eventually, line, openStream, sleep, startAgent, workspace } from './harness';

function failedRun(runId: string): string {
  return line({ run_id: runId, type: 'run.started', app: 'shop' }) + line({ run_id: runId, type: 'run.ended', status: 'failed', duration_ms: 1000 });
}

const isFailureNotification = (m: PushMessage) =>
  m.type === 'notification' && m.notification.firing.some((a) => a.labels.alertname === 'GenerationFailureRate');

test('a silence made through the API holds while the alert fires, across a kill -9 restart; expired, the alert is notified once', async () => {
  const ws = workspace();
  const rules = join(ws.root, 'alerts.yaml');
  writeFileSync(rules, `route: { group_interval: 2s }
rules:
  - { name: GenerationFailureRate, kind: failure_rate, threshold: 0.5, min_runs: 3, severity: error }
  - { name: NoSuccessfulGeneration, kind: no_success, window: 30m, enabled: false }
`);
  let agent = await startAgent(ws, ['--rules', rules]);
  try {
    const silence = await apiPost<SilenceView>(agent.discovery!, '/silences', { matchers: ['alertname="GenerationFailureRate"'], durationMs: 3600_000, comment: 'known outage', createdBy: 'test' });
    assert.equal(silence.state, 'active');
    const bad = await rawRequest('POST', `${agent.discovery!.url}/api/v1/silences`, { Authorization: `Bearer ${agent.discovery!.token}`, 'Content-Type': 'application/json' }, '{"matchers":["alertname=~\\"(\\""]}');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /bad regular expression/);

    let stream = openStream(agent.discovery!);
    appendFileSync(join(ws.logDir, 'runs.jsonl'), failedRun('f1') + failedRun('f2') + failedRun('f3'));
    await stream.next((m) => m.type === 'alert' && m.alert.rule === 'GenerationFailureRate' && m.transition === 'firing');
    await sleep(1500);
    assert.deepEqual(stream.messages.filter(isFailureNotification), [], 'silenced: no notification');
    const [firing] = await agent.get<AlertView[]>('/alerts');
    assert.equal(firing.silencedBy, silence.id);
    stream.close();

    await agent.kill9();
    agent = await startAgent(ws, ['--rules', rules]);
    stream = openStream(agent.discovery!);
    await sleep(6000);
    assert.deepEqual(stream.messages.filter(isFailureNotification), [], 'still silenced after the restart');
    assert.deepEqual((await agent.get<SilenceView[]>('/silences')).map((s) => [s.id, s.state]), [[silence.id, 'active']]);
    assert.equal((await agent.get<AlertView[]>('/alerts'))[0].silencedBy, silence.id);

    const expired = await apiPost<SilenceView>(agent.discovery!, `/silences/${silence.id}/expire`, {});
    assert.equal(expired.state, 'expired');
    await stream.next(isFailureNotification, 15_000);
    await sleep(3000);
    assert.equal(stream.messages.filter(isFailureNotification).length, 1, 'notified once');
    assert.equal((await agent.get<AlertView[]>('/alerts'))[0].silencedBy, null);
    stream.close();
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('acknowledging through the API: the alert shows who and when; unknown fingerprints are refused', async () => {
  const ws = workspace();
  const rules = join(ws.root, 'alerts.yaml');
  writeFileSync(rules, 'rules:\n  - { name: GenerationFailureRate, kind: failure_rate, threshold: 0.5, min_runs: 1, severity: warning }\n');
  const agent = await startAgent(ws, ['--rules', rules]);
  try {
    appendFileSync(join(ws.logDir, 'runs.jsonl'), failedRun('a1'));
    const alert = await eventually(async () => (await agent.get<AlertView[]>('/alerts')).find((a) => a.state === 'firing'), 'a firing alert');
    const [acked] = await apiPost<AlertView[]>(agent.discovery!, '/alerts/ack', { fingerprints: [alert.fingerprint], by: 'ana' });
    assert.equal(acked.acknowledgedBy, 'ana');
    assert.ok(acked.acknowledgedAt);
    const refused = await rawRequest('POST', `${agent.discovery!.url}/api/v1/alerts/ack`, { Authorization: `Bearer ${agent.discovery!.token}`, 'Content-Type': 'application/json' }, '{"fingerprints":["nope"]}');
    assert.equal(refused.status, 404);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});
