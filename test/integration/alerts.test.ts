import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertView, PushMessage } from '../../agent/api/types';
import { line, openStream, sleep, startAgent, workspace } from './harness';

function failedRun(runId: string): string {
  return line({ run_id: runId, type: 'run.started', app: 'shop' }) + line({ run_id: runId, type: 'run.ended', status: 'failed', duration_ms: 1000 });
}

const isFailureNotification = (m: PushMessage) =>
  m.type === 'notification' && m.notification.firing.some((a) => a.labels.alertname === 'GenerationFailureRate');

test('failing runs written to a log fire an alert and one grouped notification on the push stream; a restart repeats nothing', async () => {
  const ws = workspace();
  // Only the rule under test, from a workspace rules file (which also shows overriding a built-in).
  const rules = join(ws.root, 'alerts.yaml');
  mkdirSync(ws.root, { recursive: true });
  writeFileSync(rules, `rules:
  - name: GenerationFailureRate
    kind: failure_rate
    threshold: 0.5
    min_runs: 3
    window: 15m
    severity: error
    annotations: { summary: "{{value}} of runs failed" }
  - { name: NewErrorGroup, kind: new_error_group, enabled: false }
  - { name: NoSuccessfulGeneration, kind: no_success, window: 30m, enabled: false }
`);
  let agent = await startAgent(ws, ['--rules', rules]);
  try {
    const stream = openStream(agent.discovery!);
    const t0 = Date.now();
    appendFileSync(join(ws.logDir, 'runs.jsonl'), failedRun('f1') + failedRun('f2') + failedRun('f3'));
    const firing = await stream.next((m) => m.type === 'alert' && m.alert.rule === 'GenerationFailureRate' && m.transition === 'firing');
    const notified = await stream.next(isFailureNotification);
    assert.ok(Date.now() - t0 < 5000, 'within seconds of the lines');
    assert.equal(firing.type === 'alert' && firing.alert.annotations.summary, '1 of runs failed');
    assert.ok(notified.type === 'notification' && notified.notification.reason === 'new');
    const active = await agent.get<AlertView[]>('/alerts');
    assert.deepEqual(active.map((a) => [a.rule, a.state]), [['GenerationFailureRate', 'firing']]);
    stream.close();

    await agent.kill9();
    agent = await startAgent(ws, ['--rules', rules]);
    const again = openStream(agent.discovery!);
    await sleep(6000); // past an evaluation and a group wait
    assert.deepEqual(again.messages.filter(isFailureNotification), [], 'no second notification after the restart');
    assert.deepEqual((await agent.get<AlertView[]>('/alerts')).map((a) => [a.rule, a.state]), [['GenerationFailureRate', 'firing']], 'still firing');
    again.close();
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('a rules file with errors is reported with line numbers and the built-ins stay in force', async () => {
  const ws = workspace();
  const rules = join(ws.root, 'bad.yaml');
  writeFileSync(rules, 'rules:\n  - name: X\n    kind: phase_p95\n    phase: compile\n');
  const agent = await startAgent(ws, ['--rules', rules]);
  try {
    await sleep(300);
    assert.match(agent.stderr, /bad\.yaml:4:\d+: \/rules\/0\/phase must be one of blueprint, codegen, validation, deployment/);
    assert.match(agent.stderr, /using the built-in rules only/);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});
