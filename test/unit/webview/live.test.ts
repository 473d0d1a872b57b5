import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAggregates, applyDeltas, modelFrom } from '../../../webview/data/live';
import { data, error, phases, run, sample, summary } from './fixtures';

test('a new running run counts as an attempt, and its end moves it between counts', () => {
  const model = modelFrom(data(0, 1000));
  applyDeltas(model, [{ type: 'run', run: run('r1', 500, 'running') }]);
  assert.equal(model.summary.attempts, 1);
  assert.equal(model.summary.running, 1);
  assert.equal(model.summary.successRate, null);
  applyDeltas(model, [{ type: 'run', run: run('r1', 500, 'success', 300) }]);
  assert.equal(model.summary.attempts, 1);
  assert.equal(model.summary.running, 0);
  assert.equal(model.summary.successes, 1);
  assert.equal(model.summary.successRate, 1);
  assert.equal(model.runs.length, 1);
  assert.equal(model.summary.lastRun?.status, 'success');
});

test('runs stay newest first', () => {
  const model = modelFrom(data(0, 1000, { runs: [run('b', 600, 'success', 1), run('a', 100, 'success', 1)] }));
  applyDeltas(model, [{ type: 'run', run: run('c', 300, 'running') }, { type: 'run', run: run('d', 900, 'running') }]);
  assert.deepEqual(model.runs.map((r) => r.runId), ['d', 'b', 'c', 'a']);
});

test('a phase start shows as the run current phase', () => {
  const model = modelFrom(data(0, 1000, { runs: [run('a', 100, 'running')] }));
  const changes = applyDeltas(model, [{ type: 'phase', runId: 'a', phase: { phase: 'validation', attempt: 1, status: 'running', startedAt: 200, endedAt: null, durationMs: null } }]);
  assert.equal(model.runs[0].currentPhase, 'validation');
  assert.equal(changes.runs, true);
});

test('errors bump their top-error row once, or add one', () => {
  const model = modelFrom(data(0, 1000, { topErrors: [{ category: 'generation', severity: 'error', message: 'boom', count: 2, lastSeen: 10, lastRunId: 'x' }] }));
  applyDeltas(model, [{ type: 'error', error: error(1, 500, 'boom', 'r9') }, { type: 'error', error: error(1, 500, 'boom', 'r9') }, { type: 'error', error: error(2, 600, 'new one') }]);
  assert.equal(model.topErrors[0].count, 3);
  assert.equal(model.topErrors[0].lastRunId, 'r9');
  assert.equal(model.topErrors[1].message, 'new one');
  assert.equal(model.summary.errorsByCategory.generation, 2);
});

test('samples append in order, slide the window and are averaged down past twice maxPoints', () => {
  const model = modelFrom(data(0, 1000, { samples: [sample(50), sample(900)], maxPoints: 10 }));
  applyDeltas(model, [{ type: 'sample', sample: sample(900) }, { type: 'sample', sample: sample(1100) }]);
  assert.deepEqual(model.samples.map((s) => s.ts), [900, 1100]);
  assert.equal(model.to, 1100);
  assert.equal(model.from, 100);
  for (let ts = 1101; ts < 1130; ts++) applyDeltas(model, [{ type: 'sample', sample: sample(ts) }]);
  assert.ok(model.samples.length <= 20);
  assert.equal(model.summary.latestSample?.ts, 1129);
});

test('runs that started before the slid window are dropped', () => {
  const model = modelFrom(data(0, 1000, { runs: [run('old', 50, 'success', 1)] }));
  applyDeltas(model, [{ type: 'sample', sample: sample(1200) }]);
  assert.deepEqual(model.runs, []);
});

test('aggregates replace the summary, percentiles and top errors', () => {
  const model = modelFrom(data(0, 1000));
  applyAggregates(model, { summary: summary(0, 1000, { attempts: 7 }), phases: phases(0, 1000), topErrors: [] });
  assert.equal(model.summary.attempts, 7);
});

test('the model is a copy: applying deltas leaves the init data alone', () => {
  const d = data(0, 1000);
  const model = modelFrom(d);
  applyDeltas(model, [{ type: 'run', run: run('r', 10, 'running') }]);
  assert.equal(d.summary.attempts, 0);
});
