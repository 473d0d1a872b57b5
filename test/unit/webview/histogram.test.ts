import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogram } from '../../../webview/data/histogram';
import { niceStep } from '../../../webview/data/ticks';

test('nice steps are 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(0.3), 0.5);
  assert.equal(niceStep(3), 5);
  assert.equal(niceStep(7), 10);
  assert.equal(niceStep(1500), 2000);
  assert.equal(niceStep(0), 1);
});

test('every value lands in exactly one bin', () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i * 37) % 1000);
  const h = histogram(values, 10);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 1000);
  assert.equal(h.edges.length, h.counts.length + 1);
  assert.equal(h.edges[1] - h.edges[0], 100);
});

test('a far outlier goes to the last bin instead of stretching the axis', () => {
  const values = [...Array.from({ length: 200 }, (_, i) => 1000 + i * 10), 1_000_000];
  const h = histogram(values, 20);
  assert.ok(h.edges[h.edges.length - 1] < 10_000);
  assert.equal(h.tail, 1);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 201);
});

test('no values, no bins; one value, one bin', () => {
  assert.deepEqual(histogram([]), { edges: [], counts: [], tail: 0 });
  const h = histogram([42]);
  assert.deepEqual(h.counts, [1]);
  assert.ok(h.edges[0] <= 42 && 42 < h.edges[1]);
});
