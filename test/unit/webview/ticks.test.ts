import { test } from 'node:test';
import assert from 'node:assert/strict';
import { valueStep, valueTicks } from '../../../webview/data/ticks';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

test('byte steps are round in binary units', () => {
  assert.equal(valueStep(3.9 * GiB, 'bytes'), 4 * GiB);
  assert.equal(valueStep(4.5 * GiB, 'bytes'), 5 * GiB);
  assert.equal(valueStep(1.9 * MiB, 'bytes'), 2 * MiB);
  assert.equal(valueStep(700, 'bytes'), 1024);
});

test('duration steps are round on the clock', () => {
  assert.equal(valueStep(40_000, 'duration'), 60_000);
  assert.equal(valueStep(12_000, 'duration'), 15_000);
  assert.equal(valueStep(7 * 60_000, 'duration'), 10 * 60_000);
});

test('ticks start at zero and end at the first round value above the data', () => {
  assert.deepEqual(valueTicks(7.6 * MiB, 4, 'bytes'), { values: [0, 2 * MiB, 4 * MiB, 6 * MiB, 8 * MiB], top: 8 * MiB });
  assert.deepEqual(valueTicks(250_000, 5, 'duration').top, 300_000);
  assert.deepEqual(valueTicks(9, 5, 'plain').values, [0, 2, 4, 6, 8, 10]);
});

test('a fixed top keeps every tick at or below it', () => {
  assert.deepEqual(valueTicks(1, 4, 'plain', 9).values, [0, 5]);
  const { values, top } = valueTicks(10 * GiB, 4, 'bytes', 16 * GiB);
  assert.equal(top, 16 * GiB);
  assert.deepEqual(values, [0, 4 * GiB, 8 * GiB, 12 * GiB, 16 * GiB]);
});

test('count axes never step by fractions', () => {
  assert.deepEqual(valueTicks(1, 4, 'count').values, [0, 1]);
  assert.deepEqual(valueTicks(1, 4, 'plain').values, [0, 0.5, 1]);
});

test('no data still gives an axis', () => {
  assert.deepEqual(valueTicks(0, 5, 'plain'), { values: [0], top: 1 });
});
