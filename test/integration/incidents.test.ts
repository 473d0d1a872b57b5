import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ActionView, ErrorGroup, ErrorGroupDetail, ErrorTrend, IncidentDetail, IncidentSummary } from '../../agent/api/types';
import { apiPost, rawRequest } from '../../agent/cli/client';
import { eventually, line, startAgent, workspace } from './harness';

function failingRun(runId: string, template: string): string {
  return (
    line({ run_id: runId, type: 'run.started', app: 'shop', template, user_id: `u-${runId}` }) +
    line({ run_id: runId, type: 'model.inference', model: 'gpt-4o', latency_ms: 800, cost_usd: 0.25 }) +
    line({ run_id: runId, type: 'error', category: 'deployment', severity: 'error', message: `Upload ${runId}0001 failed`, phase: 'deployment' }) +
    line({ run_id: runId, type: 'run.ended', status: 'failed', duration_ms: 1000 })
  );
}

test('an incident from failing runs: timeline, acknowledgement, a rule action claimed and reported, notes, resolution and a postmortem; error-group patterns', async () => {
  const ws = workspace();
  const rules = join(ws.root, 'alerts.yaml');
  writeFileSync(rules, `rules:
  - name: GenerationFailureRate
    kind: failure_rate
    threshold: 0.5
    min_runs: 3
    severity: critical
    annotations: { summary: "{{value}} of runs failed" }
    action: { command: npm, args: [run, regenerate], timeout: 1m }
  - { name: NewErrorGroup, kind: new_error_group, enabled: false }
`);
  const agent = await startAgent(ws, ['--rules', rules]);
  const d = agent.discovery!;
  try {
    appendFileSync(join(ws.logDir, 'runs.jsonl'), failingRun('a', 'vue') + failingRun('b', 'vue') + failingRun('c', 'vue'));
    const [incident] = await eventually(async () => {
      const list = await agent.get<IncidentSummary[]>('/incidents?status=open');
      return list.length > 0 && list[0].alerts.length === 2 ? list : null;
    }, 'an open incident with both alerts');
    assert.equal(incident.severity, 'critical');
    assert.equal(incident.title, 'GenerationFailureRate firing: 1 of runs failed');
    assert.deepEqual(incident.alerts.map((a) => a.rule).sort(), ['GenerationFailureRate', 'NoSuccessfulGeneration'], 'both alerts of the outage in one incident');

    const [action] = await eventually(async () => {
      const list = await agent.get<ActionView[]>('/actions?status=requested');
      return list.length > 0 ? list : null;
    }, 'the action requested');
    assert.deepEqual([action.command, action.args, action.incidentId, action.rulesFile], ['npm', ['run', 'regenerate'], incident.id, rules]);
    await apiPost(d, `/actions/${action.id}/claim`, { by: 'test-window' });
    const again = await rawRequest('POST', `${d.url}/api/v1/actions/${action.id}/claim`, { Authorization: `Bearer ${d.token}`, 'Content-Type': 'application/json' }, '{"by":"other"}');
    assert.equal(again.status, 409, 'one window runs it');
    await apiPost(d, `/actions/${action.id}/outcome`, { status: 'failed', exitCode: 2, output: 'npm ERR! missing script', durationMs: 300 });

    await apiPost(d, '/alerts/ack', { fingerprints: [incident.alerts[0].fingerprint], by: 'ana' });
    const noted = await apiPost<IncidentDetail>(d, `/incidents/${incident.id}/notes`, { text: 'rolling back the uploader', by: 'ana' });
    const kinds = noted.timeline.map((e) => e.kind);
    for (const k of ['run_failed', 'error_group', 'opened', 'action', 'acknowledged', 'note']) assert.ok(kinds.includes(k as never), `${k} in ${kinds.join(',')}`);
    assert.equal(noted.timeline.filter((e) => e.kind === 'run_failed').length, 3);
    assert.deepEqual(noted.impact, { runsFailed: 3, runsEnded: 3, usersAffected: 3, errors: 3, costWastedUsd: 0.75 });
    assert.equal(noted.incident.acknowledgedBy, 'ana');
    assert.equal(noted.actions[0].status, 'failed');

    const resolved = await apiPost<IncidentDetail>(d, `/incidents/${incident.id}/resolve`, { by: 'ana', note: 'uploader rolled back' });
    assert.equal(resolved.incident.status, 'resolved');
    const { markdown } = await agent.get<{ markdown: string }>(`/incidents/${incident.id}/postmortem`);
    assert.match(markdown, new RegExp(`^# Postmortem: incident #${incident.id}`));
    assert.match(markdown, /\*\*Generations failed:\*\* 3 of 3/);
    assert.match(markdown, /`npm run regenerate`, failed, exit 2, run from test-window/);
    assert.match(markdown, /Resolved by ana: uploader rolled back/);
    assert.equal((await rawRequest('GET', `${d.url}/api/v1/incidents/999`, { Authorization: `Bearer ${d.token}` })).status, 404);

    const [group] = await agent.get<ErrorGroup[]>('/errors/groups');
    const detail = await agent.get<ErrorGroupDetail>(`/errors/groups/${group.fingerprint}?from=${Date.now() - 3600_000}&buckets=12`);
    assert.equal(detail.frequency.counts.length, 12);
    assert.equal(detail.frequency.counts.reduce((a, b) => a + b, 0), 3);
    assert.deepEqual(detail.impact, { errors: 3, runsAffected: 3, runsFailed: 3, usersAffected: 3, costWastedUsd: 0.75 });
    assert.ok(detail.correlations.some((c) => c.dimension === 'template' && c.value === 'vue' && c.groupRate === 1));
    const trend = await agent.get<ErrorTrend>('/errors/trend?buckets=24');
    assert.equal(trend.groups[0].fingerprint, group.fingerprint);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});
