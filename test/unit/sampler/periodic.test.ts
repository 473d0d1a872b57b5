import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPeriodic, delayToNextBoundary } from '../../../agent/sampler/periodic';

/** Waits for a condition rather than a fixed time: timers run late on a loaded machine. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('delayToNextBoundary lands on the next multiple of the interval', () => {
  assert.equal(delayToNextBoundary(12_300, 1000), 700);
  assert.equal(delayToNextBoundary(12_000, 1000), 1000);
  assert.equal(delayToNextBoundary(30_000, 60_000), 30_000);
});

test('delayToNextBoundary passes over a boundary that is too close, so two runs are never a few ms apart', () => {
  assert.equal(delayToNextBoundary(12_999, 1000), 1001);
});

test('a run still going makes the next ticks skip, not queue', async () => {
  let runs = 0;
  let release: () => void = () => {};
  const errors: Error[] = [];
  const periodic = createPeriodic({
    intervalMs: 20,
    now: Date.now,
    onError: (err) => errors.push(err),
    task: () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  periodic.start();
  await sleep(120);
  assert.equal(runs, 1);
  release();
  await until(() => runs === 2, 'the second run');
  await sleep(60);
  assert.equal(runs, 2);
  release();
  await periodic.stop();
  assert.deepEqual(errors, []);
});

test('a task that throws or rejects is reported and the timer keeps going; a throwing onError is dropped', async () => {
  const errors: string[] = [];
  let runs = 0;
  const periodic = createPeriodic({
    intervalMs: 10,
    now: Date.now,
    onError: (err) => {
      errors.push(err.message);
      throw new Error('handler failed too');
    },
    task: () => {
      runs++;
      if (runs % 2) throw new Error('sync');
      return Promise.reject('async');
    },
  });
  periodic.start();
  await until(() => runs >= 3, 'three runs');
  await periodic.stop();
  assert.deepEqual(errors.slice(0, 2), ['sync', 'async']);
});

test('stop waits for the run in progress and no run starts after it', async () => {
  let finished = false;
  let runs = 0;
  const periodic = createPeriodic({
    intervalMs: 10,
    now: Date.now,
    onError: () => {},
    task: async () => {
      runs++;
      await sleep(30);
      finished = true;
    },
  });
  periodic.start();
  await periodic.stop();
  assert.ok(finished);
  const after = runs;
  await sleep(40);
  assert.equal(runs, after);
});

test('an interval that is not a positive number is refused', () => {
  assert.throws(() => createPeriodic({ intervalMs: 0, now: Date.now, onError: () => {}, task: () => {} }), RangeError);
});
