import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatPercent, formatRate } from '../../../webview/data/format';

test('durations read naturally from milliseconds to hours', () => {
  assert.equal(formatDuration(450), '450 ms');
  assert.equal(formatDuration(4500), '4.5 s');
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(125_000), '2 m 5 s');
  assert.equal(formatDuration(120_000), '2 m');
  assert.equal(formatDuration(3 * 3600_000 + 120_000), '3 h 2 m');
  assert.equal(formatDuration(null), '–');
});

test('bytes use binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(20 * 1024 ** 3), '20.0 GiB');
  assert.equal(formatRate(2048), '2.00 KiB/s');
});

test('percent takes a ratio', () => {
  assert.equal(formatPercent(0.9234), '92.3 %');
  assert.equal(formatPercent(null), '–');
});
