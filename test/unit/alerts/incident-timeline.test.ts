import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncidentDetail } from '../../../agent/api/types';
import { AnomalyEvaluator, baseline } from '../../../agent/alerts/anomaly-rule';
import { mdText, renderPostmortem } from '../../../agent/alerts/postmortem';
import { buildTimeline, MAX_RUN_ENTRIES } from '../../../agent/alerts/timeline';

const T0 = Date.parse('2026-11-25T10:00:00Z');

test('the timeline merges stored events with failed runs, error groups and resource peaks, in time order', () => {
  const stored = [
    { ts: T0, kind: 'opened' as const, text: 'Incident opened' },
    { ts: T0 + 60_000, kind: 'acknowledged' as const, text: 'acknowledged', by: 'me' },
  ];
  const runs = [{ runId: 'r1', ts: T0 - 30_000, app: 'shop', phase: 'codegen' }];
  const groups = [{ fingerprint: 'f', category: 'generation' as const, message: 'Model timeout\nafter 30 s', status: 'new' as const, count: 3, firstTs: T0 + 30_000, isNew: true }];
  const peaks = [{ metric: 'cpu' as const, ts: T0 + 90_000, value: 97 }, { metric: 'memory' as const, ts: T0 + 10, value: 40 }];
  const timeline = buildTimeline(stored, runs, groups, peaks);
  assert.deepEqual(timeline.map((e) => e.kind), ['run_failed', 'opened', 'error_group', 'acknowledged', 'resource_peak']);
  assert.equal(timeline[0].text, 'Run of shop failed in codegen');
  assert.equal(timeline[2].text, 'New error group (generation, 3 in the window): Model timeout after 30 s');
  assert.equal(timeline[4].text, 'CPU peaked at 97 %');
});

test('many failed runs: the first are listed, the rest counted', () => {
  const runs = Array.from({ length: MAX_RUN_ENTRIES + 5 }, (_, i) => ({ runId: `r${i}`, ts: T0 + i, app: null, phase: null }));
  const timeline = buildTimeline([], runs, [], []);
  assert.equal(timeline.length, MAX_RUN_ENTRIES + 1);
  assert.equal(timeline.at(-1)!.text, '5 more runs failed');
});

const detail: IncidentDetail = {
  incident: {
    id: 7, title: 'GenerationFailureRate firing: 0.8 of generations failed', severity: 'critical', status: 'resolved', labels: { alertname: 'GenerationFailureRate' },
    openedAt: T0, acknowledgedAt: T0 + 5 * 60_000, acknowledgedBy: 'ana', resolvedAt: T0 + 42 * 60_000, resolvedBy: 'ana',
    alerts: [{ fingerprint: 'x', rule: 'GenerationFailureRate', labels: {}, severity: 'critical', firing: false, since: T0 + 40 * 60_000 }],
  },
  timeline: [
    { ts: T0, kind: 'opened', text: 'Incident opened: GenerationFailureRate firing' },
    { ts: T0 + 60_000, kind: 'error_group', text: 'New error group: <img src=x onerror=alert(1)> | [link](http://evil)' },
    { ts: T0 + 5 * 60_000, kind: 'note', text: 'rolling back', by: 'ana' },
  ],
  impact: { runsFailed: 8, runsEnded: 10, usersAffected: 3, errors: 12, costWastedUsd: 1.234 },
  errorGroups: [{ fingerprint: 'abc', category: 'deployment', message: '# not a heading', count: 12, status: 'resolved' }],
  resources: { cpuPeak: 97.2, memoryPeakPercent: null, load1Peak: 3.5 },
  actions: [{
    id: 'a', incidentId: 7, rule: 'GenerationFailureRate', alertFingerprint: 'x', command: 'npm', args: ['run', 'regen'], task: null, display: 'npm run regen', timeoutMs: 60_000, unattended: false,
    origin: 'alerts.yaml:3', rulesFile: null, status: 'succeeded', requestedAt: T0, updatedAt: T0, claimedBy: 'window', exitCode: 0, output: null, durationMs: 1000,
  }],
};

test('the postmortem draft has summary, impact, timeline, errors, resources, actions and sections to fill', () => {
  const md = renderPostmortem(detail, T0 + 3600_000);
  for (const heading of ['## Summary', '## Impact', '## Timeline', '## Contributing errors', '## Resources', '## Automated response', '## Root cause', '## Action items']) {
    assert.ok(md.includes(`\n${heading}\n`), heading);
  }
  assert.match(md, /^# Postmortem: incident #7, GenerationFailureRate firing: 0\.8 of generations failed$/m);
  assert.match(md, /\*\*Acknowledged:\*\* 2026-11-25T10:05:00Z, after 5 min by ana/);
  assert.match(md, /\*\*Resolved:\*\* 2026-11-25T10:42:00Z, after 42 min/);
  assert.match(md, /\*\*Generations failed:\*\* 8 of 10 that ended \(80 %\)/);
  assert.match(md, /\*\*Model cost of failed generations:\*\* \$1\.23/);
  assert.match(md, /\| 2026-11-25T10:05:00Z \| note \| rolling back \(ana\) \|/);
  assert.match(md, /- GenerationFailureRate: `npm run regen`, succeeded, exit 0, run from window/);
  assert.match(md, /\*\*CPU peak:\*\* 97 %/);
});

test('log text in a postmortem stays text: no tags, links, headings or table breaks', () => {
  const md = renderPostmortem(detail, T0);
  assert.ok(!/[^\\]<img/.test(md) && md.includes('\\<img'), 'the tag is escaped');
  assert.ok(!md.includes('[link](http://evil)'), 'no live link');
  assert.ok(md.includes('\\# not a heading'));
  assert.equal(mdText('a | b\nc'), 'a \\| b c');
});

test('anomaly evaluation: a spike against a flat history holds, a normal value does not, a short history never does', () => {
  const spec = { kind: 'anomaly' as const, metric: 'failure_rate' as const, phase: null, direction: 'up' as const, threshold: 4, minSamples: 20, minRuns: 3, bucketMs: 300_000, historyMs: 86_400_000, baseline: 'recent' as const };
  let current = 0.9;
  const evaluator = new AnomalyEvaluator((_m, _p, _from, _bucket, buckets) =>
    buckets === 1
      ? { values: [current], counts: [10] }
      : { values: Array.from({ length: buckets }, (_, i) => 0.1 + (i % 5) * 0.01), counts: new Array(buckets).fill(10) },
  );
  assert.equal(evaluator.evaluate('R', spec, T0).holds, true);
  current = 0.12;
  assert.equal(evaluator.evaluate('R', spec, T0).holds, false);
  const quiet = new AnomalyEvaluator((_m, _p, _f, _b, buckets) => ({ values: buckets === 1 ? [0.9] : new Array(buckets).fill(null), counts: new Array(buckets).fill(0) }));
  const verdict = quiet.evaluate('R', spec, T0);
  assert.equal(verdict.holds, false, 'no history: no page');
  assert.equal(verdict.annotations?.baseline, '0 buckets');
});

test('a daily baseline compares with the same time on earlier days only', () => {
  const spec = { kind: 'anomaly' as const, metric: 'cpu' as const, phase: null, direction: 'up' as const, threshold: 4, minSamples: 5, minRuns: 1, bucketMs: 3600_000, historyMs: 7 * 86_400_000, baseline: 'daily' as const };
  // Busy at 10:00 every day (80 %), quiet otherwise (10 %).
  const historyFrom = Date.parse('2026-11-18T10:00:00Z');
  const values = Array.from({ length: 7 * 24 }, (_, i) => (new Date(historyFrom + i * 3600_000).getUTCHours() === 10 ? 80 + (i % 3) : 10 + (i % 3)));
  const history = { values, counts: values.map(() => 60) };
  const windowStart = Date.parse('2026-11-25T10:00:00Z');
  const daily = baseline(spec, history, historyFrom, windowStart);
  assert.ok(daily.length >= 7 && daily.length <= 7 * 5, `${daily.length} buckets`);
  assert.ok(daily.filter((v) => v >= 80).length >= 6, 'the busy 10:00 buckets are in it');
  const recent = baseline({ ...spec, baseline: 'recent' }, history, historyFrom, windowStart);
  assert.equal(recent.length, 7 * 24);
});
