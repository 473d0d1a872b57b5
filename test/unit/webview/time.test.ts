import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketSize, bucketStarts, floorTo, formatTick, timeTicks } from '../../../webview/data/time';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test('bucket sizes per range stay at or under 96 buckets', () => {
  assert.equal(bucketSize(15 * MIN), 30_000);
  assert.equal(bucketSize(HOUR), MIN);
  assert.equal(bucketSize(DAY), 15 * MIN);
  assert.equal(bucketSize(7 * DAY), 2 * HOUR);
  assert.equal(bucketSize(30 * DAY), 12 * HOUR);
  assert.equal(bucketSize(90 * DAY), DAY);
});

test('buckets align to local boundaries through the zone offset', () => {
  const offset = 2 * HOUR;
  const from = Date.UTC(2025, 0, 10, 21, 30);
  assert.equal(floorTo(from, DAY, offset), Date.UTC(2025, 0, 10, 22, 0) - DAY);
  const starts = bucketStarts(from, from + 2 * DAY, DAY, offset);
  assert.equal(starts.length, 3);
  assert.equal(starts[1] - starts[0], DAY);
  assert.equal(starts[1], Date.UTC(2025, 0, 10, 22, 0));
});

test('bucket starts cover the whole range including its end', () => {
  const starts = bucketStarts(1000, 10_000, 3000);
  assert.deepEqual(starts, [0, 3000, 6000, 9000]);
});

test('time ticks fall inside the range on aligned steps', () => {
  const min = Date.UTC(2025, 0, 10, 10, 7);
  const { values, step } = timeTicks(min, min + HOUR, 8);
  assert.equal(step, 10 * MIN);
  assert.equal(values[0], Date.UTC(2025, 0, 10, 10, 10));
  assert.ok(values.every((v) => v >= min && v <= min + HOUR));
  assert.ok(values.length <= 8);
});

test('tick labels show the time of day, and the date at midnight or for whole-day steps', () => {
  const ts = new Date(2025, 0, 10, 9, 5).getTime();
  assert.equal(formatTick(ts, 5 * MIN), '09:05');
  assert.equal(formatTick(new Date(2025, 0, 10).getTime(), 6 * HOUR), '10 Jan');
  assert.equal(formatTick(new Date(2025, 0, 10, 12).getTime(), DAY), '10 Jan');
  assert.equal(formatTick(new Date(2025, 0, 10, 9, 5, 30).getTime(), 30_000), '09:05:30');
});
