import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDurations, runSeries } from '../../../webview/data/runs';
import { run } from './fixtures';

test('runs are counted by outcome in the bucket they started in', () => {
  const runs = [run('a', 100, 'success', 5), run('b', 150, 'failed', 5), run('c', 250, 'partial', 5), run('d', 260, 'running'), run('e', 5000, 'success', 1)];
  const s = runSeries(runs, 0, 300, 100);
  assert.deepEqual(s.starts, [0, 100, 200, 300]);
  assert.deepEqual(s.counts.success, [0, 1, 0, 0]);
  assert.deepEqual(s.counts.failed, [0, 1, 0, 0]);
  assert.deepEqual(s.counts.partial, [0, 0, 1, 0]);
  assert.deepEqual(s.counts.running, [0, 0, 1, 0]);
});

test('success rate counts only ended runs and is null for buckets without any', () => {
  const runs = [run('a', 10, 'success', 1), run('b', 20, 'success', 1), run('c', 30, 'failed', 1), run('d', 40, 'partial', 1), run('e', 150, 'running')];
  const s = runSeries(runs, 0, 199, 100);
  assert.deepEqual(s.successRate, [0.5, null]);
});

test('runs before the range are left out even when they share its first bucket', () => {
  const s = runSeries([run('a', 50, 'success', 1), run('b', 120, 'success', 1)], 100, 300, 100);
  assert.deepEqual(s.starts, [100, 200, 300]);
  assert.deepEqual(s.counts.success, [1, 0, 0]);
});

test('durations come only from ended runs', () => {
  assert.deepEqual(runDurations([run('a', 0, 'success', 30), run('b', 0, 'running'), run('c', 0, 'failed', 70)]), [30, 70]);
});
