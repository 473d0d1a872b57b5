import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../../agent/api/types';
import { connectionMessage, runListNodes } from '../../../src/views/model';
import { RUNS_PAGE, RunList } from '../../../src/views/run-list';

const run = (runId: string, startedAt: number): RunSummary => ({
  runId, status: 'failed', app: `app ${runId}`, projectType: null, template: null, userId: null, sessionId: null, regenerates: null, features: [],
  startedAt, endedAt: startedAt + 1000, durationMs: 1000, errorCount: 1, currentPhase: 'codegen', source: null,
});

/** An agent holding `all` runs, newest first, answering like GET /runs and GET /runs/:id. */
function agentWith(all: RunSummary[]) {
  const asked: string[] = [];
  const list = new RunList(
    async (limit) => all.slice(0, limit),
    async (id) => {
      asked.push(id);
      return all.find((r) => r.runId === id) ?? null;
    },
  );
  return { list, asked };
}

const history = Array.from({ length: 250 }, (_, i) => run(`r${i}`, 1_000_000 - i * 1000));

test('without pins the tree lists the newest page only', async () => {
  const { list, asked } = agentWith(history);
  const { page, pinned } = await list.load();
  assert.equal(page.length, RUNS_PAGE);
  assert.deepEqual(pinned, []);
  assert.deepEqual(asked, []);
});

test('a run older than the page, once asked for, is listed below the page, newest pin first', async () => {
  const { list } = agentWith(history);
  list.pin('r200');
  list.pin('r150');
  const listing = await list.load();
  assert.deepEqual(listing.pinned.map((r) => r.runId), ['r150', 'r200']);
  const nodes = runListNodes(listing, 1_000_000);
  assert.equal(nodes.length, RUNS_PAGE + 2);
  assert.equal(nodes[0].id, 'run-r0');
  assert.equal(nodes[RUNS_PAGE].id, 'run-r150');
  assert.match(nodes[RUNS_PAGE].contextValue!, /\bpinned\b/);
  assert.match(nodes[RUNS_PAGE].description!, /shown on request/);
  assert.doesNotMatch(nodes[0].contextValue!, /pinned/);
});

test('a pinned run that is in the page is not listed twice and its pin goes', async () => {
  const { list, asked } = agentWith(history);
  list.pin('r5');
  const { page, pinned } = await list.load();
  assert.deepEqual(pinned, []);
  assert.equal(page.filter((r) => r.runId === 'r5').length, 1);
  assert.deepEqual(list.pinned(), []);
  assert.deepEqual(asked, [], 'no fetch for a run the page holds');
});

test('a pin for a run the agent no longer has is dropped; a failing fetch keeps the pins', async () => {
  const { list } = agentWith(history);
  list.pin('gone');
  list.pin('r240');
  assert.deepEqual((await list.load()).pinned.map((r) => r.runId), ['r240']);
  assert.deepEqual(list.pinned(), ['r240']);
  const broken = new RunList(async () => history.slice(0, 10), async () => Promise.reject(new Error('agent away')));
  broken.pin('r240');
  await assert.rejects(broken.load(), /agent away/);
  assert.deepEqual(broken.pinned(), ['r240']);
});

test('pins are bounded: asking for many keeps the most recent twenty', () => {
  const { list } = agentWith(history);
  for (let i = 0; i < 30; i++) list.pin(`r${200 + i}`);
  list.pin('r205');
  assert.equal(list.pinned().length, 20);
  assert.equal(list.pinned()[19], 'r205');
  assert.ok(!list.pinned().includes('r200'));
});

test('trees holding figures say when the agent is away, and nothing when connected', () => {
  assert.equal(connectionMessage({ kind: 'connected', health: {} as never }), undefined);
  assert.match(connectionMessage({ kind: 'unreachable', message: 'x', retryInMs: 2000 })!, /not reachable; retrying in 2 s/);
  assert.match(connectionMessage({ kind: 'starting' })!, /Starting/);
  assert.match(connectionMessage({ kind: 'noAgent' })!, /No Genmon agent/);
});
