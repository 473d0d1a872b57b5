import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsample } from '../../../webview/data/samples';
import { sample } from './fixtures';

test('few samples pass through untouched', () => {
  const s = [sample(0), sample(1000)];
  assert.deepEqual(downsample(s, 10), s);
});

test('many samples are averaged into at most maxPoints slices in time order', () => {
  const s = Array.from({ length: 1000 }, (_, i) => sample(i * 1000, i % 2 === 0 ? 0 : 100));
  const out = downsample(s, 100);
  assert.ok(out.length <= 100 && out.length >= 90);
  assert.ok(out.every((p, i) => i === 0 || p.ts > out[i - 1].ts));
  assert.ok(out.every((p) => p.cpu === 50));
  assert.deepEqual(out[0].cores, []);
  assert.equal(out[0].memTotal, 1000);
});
