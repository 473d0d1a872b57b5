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

test('the Overview glance: outcomes, phase p50/p95, the machine now and errors by category, from the summary', async () => {
  const { overviewNodes } = await import('../../../src/views/model');
  const p = (p50: number | null, p95: number | null) => ({ count: p50 === null ? 0 : 3, p50, p90: p95, p95, p99: p95 });
  const nodes = overviewNodes({
    from: 0, to: 1, attempts: 12, successes: 7, failures: 2, partials: 1, running: 1, abandoned: 1, successRate: 0.7,
    phases: { blueprint: p(1200, 4000), codegen: p(20_000, 65_000), validation: p(null, null), deployment: p(900, 900) },
    total: p(30_000, 70_000),
    errorsByCategory: { generation: 3, validation: 1, deployment: 0, system: 2 },
    errorsBySeverity: { info: 0, warning: 1, error: 4, critical: 1 },
    lastRun: null, latestSample: null, mounts: [], peaks: { cpu: null, memUsed: null, load1: null, diskReadBytes: null, diskWriteBytes: null, netRxBytes: null, netTxBytes: null },
  } as never);
  const row = (id: string) => nodes.find((n) => n.id === id);
  assert.deepEqual(nodes.slice(0, 7).map((n) => `${n.label} ${n.description}`), ['Success rate 70.0%', 'Attempts 12', 'Successes 7', 'Failures 2', 'Partial successes 1', 'Abandoned 1', 'Running 1']);
  assert.deepEqual(row('phases')!.children!.map((c) => `${c.label} ${c.description}`), ['blueprint 1.2 s / 4.0 s', 'codegen 20.0 s / 1 min 5 s', 'validation – / –', 'deployment 900 ms / 900 ms']);
  assert.equal(row('machine')!.description, 'no sample yet');
  assert.equal(row('errors')!.description, '6');
  assert.deepEqual(row('errors')!.children!.map((c) => `${c.label} ${c.description}`), ['validation 1', 'generation 3', 'deployment 0', 'system 2']);
});
