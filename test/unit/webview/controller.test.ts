import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import type { Health, PushMessage } from '../../../agent/api/types';
import type { ConnectionState } from '../../../src/agent/connection';
import { DashboardController, MAX_RUNS, type Clock, type DashboardSource } from '../../../src/dashboard/controller';
import type { HostMessage } from '../../../src/dashboard/protocol';
import { phases, run, summary } from './fixtures';

class FakeClock implements Clock {
  t = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await tick();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await tick();
  }
  get pending(): number {
    return this.timers.length;
  }
}

const health = { ok: true, version: '1.2.3' } as Health;

class FakeSource implements DashboardSource {
  state: ConnectionState = { kind: 'connected', health };
  calls: string[] = [];
  runs = [run('r2', 999_000, 'running'), run('r1', 998_000, 'success', 500)];
  private stateListeners: ((s: ConnectionState) => unknown)[] = [];
  private pushListeners: ((m: PushMessage) => unknown)[] = [];
  onDidChangeState = (l: (s: ConnectionState) => unknown) => this.listen(this.stateListeners, l);
  onDidPush = (l: (m: PushMessage) => unknown) => this.listen(this.pushListeners, l);
  private listen<T>(list: T[], l: T) {
    list.push(l);
    return { dispose: () => list.splice(list.indexOf(l), 1) };
  }
  setState(s: ConnectionState) {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }
  push(m: PushMessage) {
    for (const l of this.pushListeners) l(m);
  }
  get listeners(): number {
    return this.stateListeners.length + this.pushListeners.length;
  }
  get = (async (path: string, query?: Record<string, number>) => {
    this.calls.push(path);
    switch (path) {
      case '/summary':
        return summary(query!.from, query!.to);
      case '/phases':
        return phases(query!.from, query!.to);
      case '/errors/top':
      case '/samples':
        return [];
      case '/runs': {
        const before = query?.before;
        return this.runs.filter((r) => before === undefined || r.startedAt < before).slice(0, query!.limit);
      }
    }
    throw new Error(`unexpected ${path}`);
  }) as DashboardSource['get'];
}

function setup() {
  const clock = new FakeClock();
  const source = new FakeSource();
  const posted: HostMessage[] = [];
  const opened: string[] = [];
  const controller = new DashboardController({ source, clock, post: (m) => posted.push(m), openRun: (id) => opened.push(id) });
  return { clock, source, posted, opened, controller };
}

const types = (posted: HostMessage[]) => posted.map((m) => m.type);

test('ready loads the restored range and posts init with the runs in it', async () => {
  const { controller, posted } = setup();
  controller.receive({ type: 'ready', range: '1h' });
  await tick();
  assert.deepEqual(types(posted), ['loading', 'init']);
  const init = posted[1] as Extract<HostMessage, { type: 'init' }>;
  assert.equal(init.data.range, '1h');
  assert.equal(init.data.to - init.data.from, 3600_000);
  assert.deepEqual(init.data.runs.map((r) => r.runId), ['r2', 'r1']);
  assert.equal(init.data.runsComplete, true);
  assert.deepEqual(init.connection, { kind: 'connected', version: '1.2.3' });
});

test('an unknown range from the webview falls back to the default', async () => {
  const { controller, posted } = setup();
  controller.receive({ type: 'ready', range: 'forever' as never });
  await tick();
  assert.equal((posted[1] as Extract<HostMessage, { type: 'init' }>).data.range, '24h');
});

test('pushes are batched into at most one update per 250 ms, runs coalesced by id', async () => {
  const { controller, posted, source, clock } = setup();
  controller.receive({ type: 'ready', range: null });
  await tick();
  posted.length = 0;
  source.push({ type: 'run', run: run('r3', 1_000_000, 'running') });
  source.push({ type: 'sample', sample: { ts: 1 } as never });
  source.push({ type: 'ingest', lines: 1, bad: 0, sources: 1 });
  await clock.advance(0);
  assert.deepEqual(types(posted), ['update']);
  source.push({ type: 'run', run: run('r3', 1_000_000, 'running') });
  source.push({ type: 'run', run: { ...run('r3', 1_000_000, 'running'), currentPhase: 'codegen' } });
  await clock.advance(100);
  assert.equal(posted.length, 1);
  await clock.advance(150);
  assert.equal(posted.length, 2);
  const update = posted[1] as Extract<HostMessage, { type: 'update' }>;
  assert.equal(update.deltas.length, 1);
  assert.equal(update.deltas[0].type === 'run' && update.deltas[0].run.currentPhase, 'codegen');
});

test('ended runs refetch aggregates once, after the debounce, and at the latest after the max wait', async () => {
  const { controller, posted, source, clock } = setup();
  controller.receive({ type: 'ready', range: null });
  await tick();
  posted.length = 0;
  source.calls.length = 0;
  for (let i = 0; i < 12; i++) {
    source.push({ type: 'run', run: run(`e${i}`, 1_000_000, 'success', 10) });
    await clock.advance(1000);
  }
  assert.ok(types(posted).includes('aggregates'), 'a steady stream of ended runs still refreshes within the max wait');
  const before = posted.filter((m) => m.type === 'aggregates').length;
  await clock.advance(2000);
  assert.equal(posted.filter((m) => m.type === 'aggregates').length, before + 1);
  assert.ok(!source.calls.includes('/runs'), 'aggregates do not refetch runs');
});

test('a hidden panel forwards nothing and waits for the new webview to be ready', async () => {
  const { controller, posted, source, clock } = setup();
  controller.receive({ type: 'ready', range: null });
  await tick();
  posted.length = 0;
  controller.setVisible(false);
  source.push({ type: 'run', run: run('r9', 1_000_000, 'failed', 10) });
  await clock.advance(20_000);
  assert.deepEqual(posted, []);
  controller.setVisible(true);
  controller.receive({ type: 'ready', range: '7d' });
  await tick();
  assert.deepEqual(types(posted), ['loading', 'init']);
});

test('a ready that arrives before the panel reports itself visible still loads, once visible', async () => {
  const { controller, posted } = setup();
  controller.setVisible(false);
  controller.receive({ type: 'ready', range: null });
  await tick();
  assert.deepEqual(posted, []);
  controller.setVisible(true);
  await tick();
  assert.deepEqual(types(posted), ['loading', 'init']);
});

test('pushes during a load wait for its init', async () => {
  const { controller, posted, source, clock } = setup();
  controller.receive({ type: 'ready', range: null });
  source.push({ type: 'sample', sample: { ts: 5 } as never });
  await clock.advance(1000);
  assert.deepEqual(types(posted), ['loading', 'init', 'update']);
});

test('without an agent the webview gets the connection state, then data once it connects', async () => {
  const { controller, posted, source } = setup();
  source.state = { kind: 'noAgent' };
  controller.receive({ type: 'ready', range: null });
  await tick();
  assert.deepEqual(posted, [{ type: 'connection', connection: { kind: 'noAgent' } }]);
  source.setState({ kind: 'connected', health });
  await tick();
  assert.deepEqual(types(posted), ['connection', 'connection', 'loading', 'init']);
});

test('a failed fetch is reported with its message', async () => {
  const { controller, posted, source } = setup();
  source.get = (async () => {
    throw new Error('agent said no');
  }) as DashboardSource['get'];
  controller.receive({ type: 'ready', range: null });
  await tick();
  assert.deepEqual(posted[1], { type: 'fetchFailed', range: '24h', message: 'agent said no' });
});

test('an answer for a range the user already left is dropped', async () => {
  const { controller, posted } = setup();
  controller.receive({ type: 'ready', range: '1h' });
  controller.receive({ type: 'setRange', range: '30d' });
  await tick();
  const inits = posted.filter((m) => m.type === 'init');
  assert.equal(inits.length, 1);
  assert.equal(inits[0].type === 'init' && inits[0].data.range, '30d');
});

test('runs are paged back to the start of the range and capped', async () => {
  const { controller, posted, source } = setup();
  source.runs = Array.from({ length: MAX_RUNS + 10 }, (_, i) => run(`r${i}`, 999_999 - i, 'success', 1));
  controller.receive({ type: 'ready', range: '1h' });
  await tick();
  await tick();
  const init = posted.find((m) => m.type === 'init');
  assert.ok(init && init.type === 'init');
  assert.equal(init.data.runs.length, MAX_RUNS);
  assert.equal(init.data.runsComplete, false);
  assert.equal(source.calls.filter((c) => c === '/runs').length, Math.ceil(MAX_RUNS / 1000) + 1);
});

test('openRun goes to the panel; dispose clears timers and listeners', async () => {
  const { controller, opened, source, clock } = setup();
  controller.receive({ type: 'ready', range: null });
  await tick();
  controller.receive({ type: 'openRun', runId: 'r1' });
  assert.deepEqual(opened, ['r1']);
  source.push({ type: 'run', run: run('x', 1, 'failed', 1) });
  controller.dispose();
  assert.equal(clock.pending, 0);
  assert.equal(source.listeners, 0);
});
