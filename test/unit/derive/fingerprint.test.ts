import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprint, normalizeMessage, topFrames } from '../../../agent/derive/fingerprint';

const stack = (dir: string, line: number) =>
  `TypeError: Cannot read properties of undefined\n    at buildRoutes (${dir}/src/codegen/routes.ts:${line}:17)\n    at async generate (${dir}/src/codegen/index.ts:88:5)\n    at node:internal/process/task_queues:95:5`;

test('variable parts of a message become placeholders', () => {
  assert.equal(normalizeMessage('Timeout after 30000 ms calling https://api.example.com/v1/x?id=5'), 'timeout after <n> ms calling <url>');
  assert.equal(normalizeMessage('Run 3f2a9c1e-1b2c-4d5e-8f90-123456789abc failed'), 'run <uuid> failed');
  assert.equal(normalizeMessage('Cannot find module /home/alice/app/src/x.ts'), 'cannot find module <path>');
  assert.equal(normalizeMessage('object 0x7ffd5e8a1b2c freed twice'), 'object <hex> freed twice');
  assert.equal(normalizeMessage('deploy of "shop-frontend" rejected'), 'deploy of <str> rejected');
  assert.equal(normalizeMessage('user_42 over quota at 2026-11-25T10:00:00Z'), '<id> over quota at <time>');
  assert.equal(normalizeMessage('gpt-4o returned 429'), 'gpt-4o returned <n>');
});

test('the same error with different ids, numbers and paths groups together', () => {
  const a = fingerprint({ category: 'generation', message: 'Run 1234 failed: timeout after 30000 ms', stack: stack('/home/alice/gen', 41) });
  const b = fingerprint({ category: 'generation', message: 'Run 98765 failed: timeout after 45000 ms', stack: stack('/srv/ci/build-7/gen', 44) });
  assert.equal(a, b);
});

test('different errors do not group', () => {
  const base = { category: 'generation', message: 'Run 1234 failed: timeout after 30000 ms', stack: stack('/a', 1) };
  const a = fingerprint(base);
  assert.notEqual(a, fingerprint({ ...base, category: 'deployment' }), 'another category');
  assert.notEqual(a, fingerprint({ ...base, message: 'Run 1234 failed: out of memory' }), 'another message');
  assert.notEqual(a, fingerprint({ ...base, stack: base.stack.replace('buildRoutes', 'buildSchema') }), 'another call site');
  assert.notEqual(
    fingerprint({ category: 'system', message: 'gpt-4o returned 429' }),
    fingerprint({ category: 'system', message: 'claude-sonnet returned 429' }),
    'another model',
  );
});

test('top frames keep function and file, drop directories, positions and runtime frames', () => {
  assert.deepEqual(topFrames(stack('/x/y', 12)), ['buildRoutes@routes.ts', 'generate@index.ts']);
  assert.deepEqual(topFrames('Traceback (most recent call last):\n  File "/app/gen/plan.py", line 10, in make_plan\n  File "/app/gen/llm.py", line 3, in call'), [
    'make_plan@plan.py',
    'call@llm.py',
  ]);
  assert.deepEqual(topFrames(undefined), []);
  assert.deepEqual(topFrames('at /srv/app/dist/main.js:1:2000'), ['<anonymous>@main.js']);
});
