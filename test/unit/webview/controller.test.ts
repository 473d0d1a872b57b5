import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import type { Health, PushMessage } from '../../../agent/api/types';
import type { ConnectionState } from '../../../src/agent/connection';
import { DashboardController, rangesFor, RECENT_RUNS, type Clock, type DashboardSource } from '../../../src/dashboard/controller';
import { MACHINE_REFRESH_MS, PANEL_DEBOUNCE_MS } from '../../../src/dashboard/panels';
import type { DashboardState, HostMessage, PanelRequests, RangeKey, WebviewMessage } from '../../../src/dashboard/protocol';
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
  /** Queries of the panel endpoints, in call order. */
  panelCalls: { path: string; query: Record<string, string | number> }[] = [];
  failing = new Set<string>();
  labels: Record<string, string[]> = { project_type: ['api', 'spa'], model: ['gpt-4o'], user: [] };
  /** A method, as on the extension's client: a caller that loses `this` fails here too. */
  get = FakeSource.prototype.answer as DashboardSource['get'];
  async answer(path: string, query?: Record<string, number>, params?: Record<string, string>): Promise<never> {
    return this.respond(path, query, params) as never;
  }
  private respond(path: string, query?: Record<string, number>, params?: Record<string, string>): unknown {
    this.calls.push(path);
    if (this.failing.has(path)) throw new Error(`${path} failed`);
    switch (path) {
      case '/query':
      case '/stat':
      case '/histogram':
      case '/funnel':
      case '/cost':
      case '/errors/groups':
      case '/errors/groups/:fingerprint':
        this.panelCalls.push({ path, query: { ...query, ...params } });
        return { answer: path };
      case '/labels/:name':
        return this.labels[params!.name];
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
  }
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
/** Host messages about the shared range data; panels and labels have their own tests. */
const baseTypes = (posted: HostMessage[]) => types(posted).filter((t) => t !== 'panels' && t !== 'labels');

function ready(range: RangeKey | null, requests: PanelRequests = {}, state: Partial<DashboardState> = {}): WebviewMessage {
  return { type: 'ready', view: { state: { range: range ?? '24h', tab: 'overview', filters: {}, ...state }, requests }, restored: range !== null };
}

test('ready loads the restored range and posts init with the runs in it', async () => {
  const { controller, posted } = setup();
  controller.receive(ready('1h'));
  await tick();
  assert.deepEqual(baseTypes(posted), ['loading', 'init']);
  const init = posted.find((m) => m.type === 'init') as Extract<HostMessage, { type: 'init' }>;
  assert.equal(init.data.range, '1h');
  assert.equal(init.data.to - init.data.from, 3600_000);
  assert.deepEqual(init.data.runs.map((r) => r.runId), ['r2', 'r1']);
  assert.deepEqual(init.connection, { kind: 'connected', version: '1.2.3' });
});

test('an unknown range from the webview falls back to the default', async () => {
  const { controller, posted } = setup();
  controller.receive(ready('forever' as never));
  await tick();
  assert.equal((posted.find((m) => m.type === 'init') as Extract<HostMessage, { type: 'init' }>).data.range, '24h');
});

test('pushes are batched into at most one update per 250 ms, runs coalesced by id', async () => {
  const { controller, posted, source, clock } = setup();
  controller.receive(ready(null));
  await tick();
  posted.length = 0;
  source.push({ type: 'run', run: run('r3', 1_000_000, 'running') });
  source.push({ type: 'sample', sample: { ts: 1 } as never });
  source.push({ type: 'ingest', lines: 1, bad: 0, sources: 1 });
  await clock.advance(0);
  assert.deepEqual(baseTypes(posted), ['update']);
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
  controller.receive(ready(null));
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
  controller.receive(ready(null));
  await tick();
  posted.length = 0;
  controller.setVisible(false);
  source.push({ type: 'run', run: run('r9', 1_000_000, 'failed', 10) });
  await clock.advance(20_000);
  assert.deepEqual(posted, []);
  controller.setVisible(true);
  controller.receive(ready('7d'));
  await tick();
  assert.deepEqual(baseTypes(posted), ['loading', 'init']);
});

test('a ready that arrives before the panel reports itself visible still loads, once visible', async () => {
  const { controller, posted } = setup();
  controller.setVisible(false);
  controller.receive(ready(null));
  await tick();
  assert.deepEqual(posted, []);
  controller.setVisible(true);
  await tick();
  assert.deepEqual(baseTypes(posted), ['loading', 'init']);
});

test('pushes during a load wait for its init', async () => {
  const { controller, posted, source, clock } = setup();
  controller.receive(ready(null));
  source.push({ type: 'sample', sample: { ts: 5 } as never });
  await clock.advance(1000);
  assert.deepEqual(baseTypes(posted), ['loading', 'init', 'update']);
});

test('without an agent the webview gets the connection state, then data once it connects', async () => {
  const { controller, posted, source } = setup();
  source.state = { kind: 'noAgent' };
  controller.receive(ready(null));
  await tick();
  assert.deepEqual(posted, [{ type: 'connection', connection: { kind: 'noAgent' } }]);
  source.setState({ kind: 'connected', health });
  await tick();
  assert.deepEqual(baseTypes(posted), ['connection', 'connection', 'loading', 'init']);
});

test('a failed fetch is reported with its message', async () => {
  const { controller, posted, source } = setup();
  source.get = (async () => {
    throw new Error('agent said no');
  }) as DashboardSource['get'];
  controller.receive(ready(null));
  await tick();
  assert.deepEqual(posted.find((m) => m.type === 'fetchFailed'), { type: 'fetchFailed', range: '24h', message: 'agent said no' });
});

test('an answer for a range the user already left is dropped', async () => {
  const { controller, posted } = setup();
  controller.receive(ready('1h'));
  controller.receive({ type: 'setView', view: { state: { range: '30d', tab: 'overview', filters: {} }, requests: {} } });
  await tick();
  const inits = posted.filter((m) => m.type === 'init');
  assert.equal(inits.length, 1);
  assert.equal(inits[0].type === 'init' && inits[0].data.range, '30d');
});

test('the newest runs of the range come in one page', async () => {
  const { controller, posted, source } = setup();
  source.runs = Array.from({ length: RECENT_RUNS + 10 }, (_, i) => run(`r${i}`, 999_999 - i * 100_000, 'success', 1));
  controller.receive(ready('1h'));
  await tick();
  const init = posted.find((m) => m.type === 'init');
  assert.ok(init && init.type === 'init');
  assert.equal(init.data.runs.length, 36, 'only runs started in the hour');
  assert.equal(init.data.runs[0].runId, 'r0');
  assert.equal(source.calls.filter((c) => c === '/runs').length, 1);
});

test('openRun goes to the panel; dispose clears timers and listeners', async () => {
  const { controller, opened, source, clock } = setup();
  controller.receive(ready(null));
  await tick();
  controller.receive({ type: 'openRun', runId: 'r1' });
  assert.deepEqual(opened, ['r1']);
  source.push({ type: 'run', run: run('x', 1, 'failed', 1) });
  controller.dispose();
  assert.equal(clock.pending, 0);
  assert.equal(source.listeners, 0);
});

const REQUESTS: PanelRequests = {
  rate: { path: '/query', query: { metric: 'genmon_generation_success_ratio' }, live: ['runs'] },
  groups: { path: '/errors/groups', query: { limit: 5 }, live: ['errors'] },
  disk: { path: '/query', query: { metric: 'genmon_disk_used_ratio' }, live: ['machine'], filtered: false },
  api: { path: '/histogram', query: { metric: 'genmon_api_request_duration_seconds' }, live: ['events'] },
};
const panelMessages = (posted: HostMessage[]) => posted.filter((m): m is Extract<HostMessage, { type: 'panels' }> => m.type === 'panels');

test('ready fetches every panel over the range with the filters, but filters only metric panels of runs', async () => {
  const { controller, posted, source } = setup();
  controller.receive(ready('1h', REQUESTS, { filters: { model: 'gpt-4o' }, tab: 'performance' }));
  await tick();
  await tick();
  const [panels] = panelMessages(posted);
  assert.equal(panels.tab, 'performance');
  assert.equal(panels.partial, false);
  assert.equal(panels.to - panels.from, 3600_000);
  assert.deepEqual(Object.keys(panels.results).sort(), ['api', 'disk', 'groups', 'rate']);
  assert.deepEqual(panels.results.rate, { ok: true, data: { answer: '/query' } });
  const byMetric = (m: string) => source.panelCalls.find((c) => c.query.metric === m)!.query;
  assert.deepEqual(byMetric('genmon_generation_success_ratio'), { metric: 'genmon_generation_success_ratio', from: panels.from, to: panels.to, model: 'gpt-4o' });
  assert.equal(byMetric('genmon_disk_used_ratio').model, undefined, 'machine figures are not narrowed by a run filter');
  assert.equal(source.panelCalls.find((c) => c.path === '/errors/groups')!.query.model, undefined, '/errors/groups takes no filters');
});

test('a failing panel says why, and the others still draw', async () => {
  const { controller, posted, source } = setup();
  source.failing.add('/histogram');
  controller.receive(ready(null, REQUESTS));
  await tick();
  const [panels] = panelMessages(posted);
  assert.deepEqual(panels.results.api, { ok: false, message: '/histogram failed' });
  assert.equal(panels.results.rate.ok, true);
});

test('a new tab or filter refetches the panels only; an answer for a view already left is dropped', async () => {
  const { controller, posted, source } = setup();
  controller.receive(ready(null, REQUESTS));
  await tick();
  posted.length = 0;
  source.calls.length = 0;
  controller.receive({ type: 'setView', view: { state: { range: '24h', tab: 'errors', filters: {} }, requests: { groups: REQUESTS.groups } } });
  controller.receive({ type: 'setView', view: { state: { range: '24h', tab: 'errors', filters: { user: 'u-ada' } }, requests: { groups: REQUESTS.groups } } });
  await tick();
  assert.deepEqual(types(posted), ['panels']);
  assert.deepEqual(panelMessages(posted)[0].filters, { user: 'u-ada' });
  assert.ok(!source.calls.includes('/runs') && !source.calls.includes('/summary'));
});

test('requests for endpoints a panel may not use, and malformed filters, are dropped', async () => {
  const { controller, posted, source } = setup();
  const hostile = {
    ...REQUESTS,
    bad: { path: '/runs/:id', query: {}, live: ['runs'] },
    odd: { path: '/stat', query: { q: { nested: 1 } }, live: ['nope'] },
    noParam: { path: '/errors/groups/:fingerprint', query: {}, live: [] },
    group: { path: '/errors/groups/:fingerprint', query: {}, params: { fingerprint: 'abc', extra: 'x' }, live: ['errors'] },
  } as unknown as PanelRequests;
  controller.receive(ready(null, hostile, { filters: { model: 42, user: '' } as never }));
  await tick();
  const [panels] = panelMessages(posted);
  assert.deepEqual(Object.keys(panels.results).sort(), ['api', 'disk', 'group', 'groups', 'odd', 'rate']);
  assert.deepEqual(panels.filters, {});
  assert.deepEqual(source.panelCalls.find((c) => c.path === '/stat')!.query, { from: panels.from, to: panels.to });
  assert.deepEqual(source.panelCalls.find((c) => c.path === '/errors/groups/:fingerprint')!.query, { from: panels.from, to: panels.to, fingerprint: 'abc' }, 'only the path\'s own parts are sent');
});

test('pushes refetch only the panels they make stale, throttled: runs after the debounce, machine figures on their slow beat', async () => {
  const { controller, posted, source, clock } = setup();
  controller.receive(ready(null, REQUESTS));
  await tick();
  posted.length = 0;
  source.push({ type: 'run', run: run('r5', 1_000_000, 'running') });
  await clock.advance(PANEL_DEBOUNCE_MS * 2);
  assert.deepEqual(panelMessages(posted), [], 'a run that starts changes no panel');
  source.push({ type: 'run', run: run('r5', 1_000_000, 'success', 10) });
  source.push({ type: 'ingest', lines: 3, bad: 0, sources: 1 });
  await clock.advance(PANEL_DEBOUNCE_MS - 1);
  assert.deepEqual(panelMessages(posted), []);
  await clock.advance(1);
  const [stale] = panelMessages(posted);
  assert.equal(stale.partial, true);
  assert.deepEqual(Object.keys(stale.results).sort(), ['api', 'rate']);
  posted.length = 0;
  for (let i = 0; i < MACHINE_REFRESH_MS / 1000 + 2; i++) {
    source.push({ type: 'sample', sample: { ts: clock.t } as never });
    await clock.advance(1000);
  }
  const machine = panelMessages(posted);
  assert.equal(machine.length, 1, 'samples every second refresh machine panels once per beat');
  assert.deepEqual(Object.keys(machine[0].results), ['disk']);
});

test('the filter dropdowns get the label values of the range; a label the agent cannot list is empty', async () => {
  const { controller, posted, source } = setup();
  source.failing.add('/labels/:name');
  controller.receive(ready(null));
  await tick();
  assert.deepEqual(posted.find((m) => m.type === 'labels'), { type: 'labels', range: '24h', labels: { project_type: [], model: [], user: [] } });
  source.failing.clear();
  posted.length = 0;
  controller.receive({ type: 'refresh' });
  await tick();
  assert.deepEqual(posted.find((m) => m.type === 'labels'), { type: 'labels', range: '24h', labels: { project_type: ['api', 'spa'], model: ['gpt-4o'], user: [] } });
});

test('a command opens the panel at its tab: on a new page it wins, and the webview is told', async () => {
  const clock = new FakeClock();
  const source = new FakeSource();
  const posted: HostMessage[] = [];
  const controller = new DashboardController({ source, clock, post: (m) => posted.push(m), openRun: () => undefined, tab: 'errors' });
  controller.receive(ready(null));
  await tick();
  assert.deepEqual(posted[0], { type: 'showTab', tab: 'errors' });
  assert.equal(controller.state.tab, 'errors');
  assert.deepEqual(panelMessages(posted), [], 'the overview requests of the new page are not fetched for the errors tab');
  posted.length = 0;
  controller.showTab('usage');
  assert.deepEqual(posted, [{ type: 'showTab', tab: 'usage' }]);
});

test('the picker reaches a year only when the agent keeps that long, and a year from an old state is refused otherwise', async () => {
  assert.ok(!rangesFor(null).includes('1y'));
  assert.ok(!rangesFor(90 * 86_400_000).includes('1y'));
  assert.ok(rangesFor(400 * 86_400_000).includes('1y'));
  const { controller, posted } = setup();
  controller.receive(ready('1y'));
  await tick();
  const init = posted.find((m) => m.type === 'init') as Extract<HostMessage, { type: 'init' }>;
  assert.equal(init.data.range, '24h');
  assert.deepEqual(init.ranges, ['15m', '1h', '24h', '7d', '30d', '90d']);
});
