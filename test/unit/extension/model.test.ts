import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorRecord, RunSummary } from '../../../agent/api/types';
import { RunEndGrouper } from '../../../src/notify-group';
import { errorMarkdown, oneLine, runNode, statusIcon } from '../../../src/views/model';

const run = (runId: string, status: RunSummary['status'], app: string | null = null): RunSummary => ({
  runId, status, app, projectType: 'spa', template: null, userId: null, sessionId: null, regenerates: null, features: [],
  startedAt: 0, endedAt: 1000, durationMs: 1000, errorCount: 0, currentPhase: 'codegen', source: { path: '/l.jsonl', line: 3 },
});

const error = (id: number, category: ErrorRecord['category'], severity: ErrorRecord['severity'], ts: number, message = 'boom'): ErrorRecord => ({
  id, ts, runId: 'r', category, severity, message, stack: null, context: null, phase: 'codegen',
});

test('status icons', () => {
  assert.deepEqual(statusIcon('failed'), { id: 'error', color: 'testing.iconFailed' });
  assert.deepEqual(statusIcon('running'), { id: 'sync~spin' });
  assert.equal(statusIcon('partial').id, 'warning');
});

test('a run node: label, tags for menus, what it opens', () => {
  const n = runNode(run('r1', 'failed', 'shop'), 61_000);
  assert.equal(n.label, 'shop');
  assert.equal(n.contextValue, 'run failed hasSource');
  assert.equal(n.description, '1.0 s · 1m ago');
  assert.deepEqual(n.open, { kind: 'run', runId: 'r1' });
});

test('log text in labels stays one line and markup stays text in documents', () => {
  assert.equal(oneLine('a\n  b\tc'), 'a b c');
  assert.equal(oneLine('x'.repeat(300)).length, 120);
  const md = errorMarkdown({ ...error(1, 'system', 'error', 0), message: '<img src=x onerror=alert(1)> ``` [x](http://e)' });
  assert.match(md, /```text\n<img src=x onerror=alert\(1\)> `\u200b`` \[x\]\(http:\/\/e\)\n```/);
});

test('a burst of failures becomes one toast; partials only when asked; mute holds', () => {
  const g = new RunEndGrouper(2000);
  for (let i = 0; i < 5; i++) g.add(run(`f${i}`, 'failed'), 'failuresAndPartials', 0, 100 + i);
  g.add(run('p', 'partial'), 'failuresAndPartials', 0, 500);
  g.add(run('f0', 'failed'), 'failuresAndPartials', 0, 600);
  assert.equal(g.take(1000), null, 'the window is still open');
  assert.deepEqual(g.take(2100), { severity: 'error', message: '5 generations failed, 1 ended partially in the last 2 s', runIds: ['f0', 'f1', 'f2', 'f3', 'f4', 'p'] });
  g.add(run('one', 'failed', 'shop'), 'failures', 0, 3000);
  g.add(run('p2', 'partial'), 'failures', 0, 3000);
  assert.deepEqual(g.take(5000), { severity: 'error', message: 'Generation of shop failed in codegen', runIds: ['one'] });
  g.add(run('m', 'failed'), 'failures', 10_000, 6000);
  g.add(run('s', 'success'), 'failures', 0, 6000);
  g.add(run('o', 'failed'), 'off', 0, 6000);
  assert.equal(g.dueAt(), null);
});

test('a run that ended long ago (a log read late, an agent catching up) does not notify; one that just ended does', () => {
  const g = new RunEndGrouper(2000);
  const now = 10 * 3600_000;
  g.add({ ...run('old', 'failed'), endedAt: now - 3600_000 }, 'failures', 0, now);
  assert.equal(g.dueAt(), null);
  g.add({ ...run('fresh', 'failed'), endedAt: now - 1000 }, 'failures', 0, now);
  assert.deepEqual(g.take(now + 2000)?.runIds, ['fresh']);
});
