import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectAnomaly } from '../../../agent/alerts/anomaly';

/** A noisy but steady series: codegen p95 around 12 s. */
function steady(n: number, seed = 1): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 16807) % 2147483647;
    return 12_000 + ((x / 2147483647) - 0.5) * 2000;
  });
}

test('a series without an anomaly raises nothing', () => {
  const series = steady(200);
  for (let i = 30; i < series.length; i++) {
    assert.equal(detectAnomaly(series.slice(i - 30, i), series[i]).anomalous, false, `point ${i}`);
  }
});

test('a spike is found, with its score', () => {
  const v = detectAnomaly(steady(60), 30_000);
  assert.equal(v.anomalous, true);
  assert.ok(v.score! > 4);
  assert.ok(Math.abs(v.median! - 12_000) < 300);
});

test('one earlier spike in the history does not hide the next one', () => {
  const history = [...steady(59), 80_000];
  assert.equal(detectAnomaly(history, 30_000).anomalous, true);
});

test('direction: a drop in success rate counts only when asked for drops', () => {
  const rates = Array.from({ length: 40 }, (_, i) => 0.9 + (i % 5) * 0.01);
  assert.equal(detectAnomaly(rates, 0.4, { direction: 'down' }).anomalous, true);
  assert.equal(detectAnomaly(rates, 0.4, { direction: 'up' }).anomalous, false);
});

test('too little history: never anomalous, however odd the value', () => {
  const v = detectAnomaly([1, 1, 1], 1000);
  assert.deepEqual(v, { anomalous: false, score: null, median: null, spread: null });
});

test('a flat history does not make a tiny wiggle anomalous', () => {
  const flat = Array.from({ length: 30 }, () => 100);
  assert.equal(detectAnomaly(flat, 101).anomalous, false);
  assert.equal(detectAnomaly(flat, 200).anomalous, true);
});
