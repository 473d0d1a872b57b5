import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INACTIVE, step, type AlertState, type AlertTiming } from '../../../agent/alerts/state';

/** Feeds one evaluation a second and returns the transitions seen, with their times. */
function run(input: boolean[], timing: AlertTiming): string[] {
  let state: AlertState = INACTIVE;
  const seen: string[] = [];
  input.forEach((holds, t) => {
    const r = step(state, holds, holds ? 1 : null, t * 1000, timing);
    state = r.state;
    if (r.transition) seen.push(`${t}:${r.transition.kind}`);
  });
  return seen;
}

test('pending, then firing after `for`, then resolved', () => {
  assert.deepEqual(run([false, true, true, true, true, false, false], { forMs: 2000, keepFiringForMs: 0 }), ['1:pending', '3:firing', '5:resolved']);
});

test('for 0 fires at once', () => {
  assert.deepEqual(run([true, false], { forMs: 0, keepFiringForMs: 0 }), ['0:firing', '1:resolved']);
});

test('a condition that stops before `for` never fires', () => {
  assert.deepEqual(run([true, true, false, true, false], { forMs: 3000, keepFiringForMs: 0 }), ['0:pending', '2:cleared', '3:pending', '4:cleared']);
});

test('keep_firing_for holds a firing alert through short gaps', () => {
  assert.deepEqual(run([true, true, false, false, true, false, false, false, false], { forMs: 1000, keepFiringForMs: 3000 }), ['0:pending', '1:firing', '8:resolved']);
});

test('flapping input does not flap notifications', () => {
  const flapping = Array.from({ length: 60 }, (_, i) => i % 2 === 0);
  const seen = run(flapping, { forMs: 0, keepFiringForMs: 5000 });
  assert.deepEqual(seen.filter((s) => s.endsWith('firing') || s.endsWith('resolved')), ['0:firing']);
  const noKeep = run(flapping, { forMs: 2000, keepFiringForMs: 0 });
  assert.equal(noKeep.filter((s) => s.endsWith('firing')).length, 0, '`for` alone filters one-second blips');
});

test('the value follows the latest evaluation that held', () => {
  let s = step(INACTIVE, true, 0.4, 0, { forMs: 0, keepFiringForMs: 10_000 }).state;
  s = step(s, true, 0.7, 1000, { forMs: 0, keepFiringForMs: 10_000 }).state;
  s = step(s, false, null, 2000, { forMs: 0, keepFiringForMs: 10_000 }).state;
  assert.equal(s.phase, 'firing');
  assert.equal(s.value, 0.7);
  assert.equal(s.firedAt, 0);
});
