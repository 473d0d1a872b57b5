import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planSegments } from '../../../agent/metrics/plan';
import { mergeEncoded, Sketch, SKETCH_RELATIVE_ACCURACY } from '../../../agent/metrics/sketch';

/** A deterministic spread of values over six orders of magnitude. */
function values(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.exp((x / 2 ** 31) * 14 - 7);
  });
}

/** The exact value DDSketch's rank rule aims at: rank ⌊q·(n−1)⌋ of the sorted values. */
function exact(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

test('quantiles are within the documented relative error of the exact rank value', () => {
  const data = values(20_000, 7);
  const s = new Sketch();
  for (const v of data) s.add(v);
  const sorted = [...data].sort((a, b) => a - b);
  for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
    const got = s.quantile(q)!;
    const want = exact(sorted, q);
    assert.ok(Math.abs(got - want) <= want * SKETCH_RELATIVE_ACCURACY + 1e-12, `q=${q}: ${got} vs ${want}`);
  }
});

test('merging sketches equals sketching the union, also through the encoded form', () => {
  const a = values(5000, 1);
  const b = values(7000, 2);
  const sa = new Sketch();
  const sb = new Sketch();
  const all = new Sketch();
  for (const v of a) sa.add(v), all.add(v);
  for (const v of b) sb.add(v), all.add(v);
  const merged = Sketch.decode(mergeEncoded(sa.encode(), sb.encode())!);
  assert.deepEqual(merged.entries(), all.entries());
  assert.equal(merged.count, 12_000);
  // Sorted keys as deltas: two bytes a bin for counts under 128.
  const bins = sa.entries().length;
  assert.ok(sa.encode().length <= 4 + bins * 3, `encoded size ${sa.encode().length} for ${bins} bins`);
});

test('zero and negative values go to the zero bucket; an empty sketch has no quantile', () => {
  const s = new Sketch();
  assert.equal(s.quantile(0.5), null);
  s.add(0);
  s.add(-3);
  s.add(5);
  assert.equal(s.zeros, 2);
  assert.equal(s.quantile(0.5), 0);
  assert.ok(Math.abs(s.quantile(1, 0, 5)! - 5) < 1e-9);
  assert.throws(() => Sketch.decode(Uint8Array.from([9])), /unknown sketch format/);
  assert.throws(() => Sketch.decode(Uint8Array.from([1, 0, 3, 2])), /truncated/);
});

test('a range is covered by whole days in the middle and hours, then minutes, at its edges', () => {
  const day = 86_400_000;
  const hour = 3_600_000;
  const min = 60_000;
  const from = 10 * day + 5 * hour + 30 * min;
  const to = 40 * day + 2 * hour + 10 * min;
  const plan = planSegments(from, to, day);
  assert.deepEqual(plan.map((s) => [s.tier, s.from, s.to]), [
    ['1m', from, 10 * day + 6 * hour],
    ['1h', 10 * day + 6 * hour, 11 * day],
    ['1d', 11 * day, 40 * day],
    ['1h', 40 * day, 40 * day + 2 * hour],
    ['1m', 40 * day + 2 * hour, to],
  ]);
  // Where minutes are no longer kept, the edge goes to the hour around it.
  const old = planSegments(from, to, day, (tier) => (tier === '1m' ? 39 * day : -Infinity));
  assert.deepEqual(old[0], { tier: '1h', from: 10 * day + 5 * hour, to: 11 * day });
  assert.equal(old[old.length - 1].tier, '1m');
});
