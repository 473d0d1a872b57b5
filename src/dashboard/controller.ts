/**
 * The host side of the dashboard without `vscode`: fetches a range from the
 * agent, forwards pushed changes in throttled batches, refetches aggregates
 * after runs end, and fetches the active tab's panels (again, only the stale
 * ones, after pushes that touch them). The panel and the test harness both drive it.
 */
import type { PushMessage } from '../../agent/api/types';
import type { AgentConnection, AgentEndpoints, ConnectionState } from '../agent/connection';
import { PanelFeed } from './panel-feed';
import { isTab, liveKindOf, sanitizeFilters, sanitizeGroup, sanitizeRequests } from './panels';
import type {
  Aggregates, ConnectionView, DashboardData, DashboardState, DashboardTab, HostMessage, LiveDelta, RangeKey, ViewRequest, WebviewMessage,
} from './protocol';

type Listen<T> = (listener: (value: T) => unknown) => { dispose(): unknown };

/** The part of `AgentConnection` the dashboard uses. */
export interface DashboardSource {
  readonly state: ConnectionState;
  readonly onDidChangeState: Listen<ConnectionState>;
  readonly onDidPush: Listen<PushMessage>;
  readonly get: AgentConnection['get'];
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const DAY = 24 * 3600_000;
export const RANGE_SPANS: Record<RangeKey, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
  '1y': 365 * DAY,
};
export const DEFAULT_RANGE: RangeKey = '24h';
export const DEFAULT_TAB: DashboardTab = 'overview';
/** The picker reaches a year when the agent keeps at least this much history. */
export const YEAR_RETENTION_MS = 400 * DAY;

export function isRangeKey(value: unknown): value is RangeKey {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANGE_SPANS, value);
}

/** The ranges to offer for a retention period (unknown: up to the 90 days every agent keeps). */
export function rangesFor(retentionMs: number | null): RangeKey[] {
  const all = Object.keys(RANGE_SPANS) as RangeKey[];
  return all.filter((r) => r !== '1y' || (retentionMs !== null && retentionMs >= YEAR_RETENTION_MS));
}

/** At most one `update` per this many ms. */
export const UPDATE_INTERVAL_MS = 250;
/** Aggregates are refetched this long after the last run ended, and at least this often while runs keep ending. */
export const AGGREGATES_DEBOUNCE_MS = 1500;
export const AGGREGATES_MAX_WAIT_MS = 10_000;
/** About one point per two pixels of a half-width chart. */
export const SAMPLE_POINTS = 400;
/** The recent-runs table shows the newest of these that pass the filters. */
export const RECENT_RUNS = 200;
/** Filter dropdowns are refreshed at most this often while runs end. */
export const LABELS_REFRESH_MS = 60_000;

export interface ControllerOptions {
  source: DashboardSource;
  post: (message: HostMessage) => void;
  /** Opening a run needs editors, so the panel does it. */
  openRun: (runId: string) => void;
  range?: RangeKey;
  /** The tab a command asked for; it wins over the tab a new webview starts on. */
  tab?: DashboardTab;
  /** Whether the panel starts visible; a panel restored in a background tab does not. */
  visible?: boolean;
  /** How much history the agent keeps, when known; decides whether the picker offers a year. */
  retentionMs?: () => number | null;
  clock?: Clock;
}

export class DashboardController {
  private readonly source: DashboardSource;
  private readonly post: (message: HostMessage) => void;
  private readonly openRun: (runId: string) => void;
  private readonly clock: Clock;
  private readonly retentionMs: () => number | null;
  private readonly subscriptions: { dispose(): unknown }[] = [];
  private view: DashboardState;
  private readonly panels: PanelFeed;
  private requestedTab: DashboardTab | null;
  private ready = false;
  private visible = true;
  private loading = false;
  /** Bumped by every load so answers for an older range or an older load are dropped. */
  private generation = 0;
  private pending: LiveDelta[] = [];
  private flushTimer: unknown = null;
  private lastFlush = -Infinity;
  private aggregatesTimer: unknown = null;
  private aggregatesFirstAsk: number | null = null;
  private disposed = false;

  constructor(opts: ControllerOptions) {
    this.source = opts.source;
    this.post = opts.post;
    this.openRun = opts.openRun;
    this.clock = opts.clock ?? systemClock;
    this.retentionMs = opts.retentionMs ?? (() => null);
    this.view = { range: opts.range ?? DEFAULT_RANGE, tab: opts.tab ?? DEFAULT_TAB, filters: {} };
    this.requestedTab = opts.tab ?? null;
    this.visible = opts.visible ?? true;
    this.panels = new PanelFeed({
      clock: this.clock,
      // Called on the source: the extension's client is a class whose `get` needs its `this`.
      get: (path, query, params) => this.source.get(path as keyof AgentEndpoints, query as never, params),
      post: (message) => this.post(message),
      live: () => this.live,
      view: () => this.view,
      spanMs: (range) => RANGE_SPANS[range],
    });
    this.subscriptions.push(
      this.source.onDidChangeState((state) => this.onState(state)),
      this.source.onDidPush((message) => this.onPush(message)),
    );
  }

  get range(): RangeKey {
    return this.view.range;
  }

  get state(): DashboardState {
    return structuredClone(this.view);
  }

  /** A command asked for `tab`: the webview switches to it and answers with its requests. */
  showTab(tab: DashboardTab): void {
    if (this.live) this.post({ type: 'showTab', tab });
    else this.requestedTab = tab;
  }

  receive(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        // After a reload the webview's own state is the newer word on the view; on a new page a command's tab wins.
        const asked = message.restored ? null : this.requestedTab;
        this.requestedTab = null;
        this.adopt(message.view);
        if (asked && asked !== this.view.tab) {
          this.view.tab = asked;
          // The webview answers `showTab` with that tab's requests; its current ones belong to another tab.
          this.panels.requests = {};
          this.post({ type: 'showTab', tab: asked });
        }
        void this.load();
        break;
      }
      case 'setView': {
        const before = this.view;
        this.adopt(message.view);
        if (before.range !== this.view.range) void this.load();
        else void this.loadPanels();
        break;
      }
      case 'refresh':
        void this.load();
        break;
      case 'openRun':
        if (typeof message.runId === 'string') this.openRun(message.runId);
        break;
    }
  }

  /** Takes the webview's view, checked: it is ours, but its messages are still input. */
  private adopt(view: ViewRequest | undefined): void {
    const state = view?.state;
    this.view = {
      range: isRangeKey(state?.range) && rangesFor(this.retentionMs()).includes(state.range) ? state.range : this.view.range,
      tab: isTab(state?.tab) ? state.tab : this.view.tab,
      filters: state ? sanitizeFilters(state.filters) : this.view.filters,
      ...(state ? (sanitizeGroup(state.group) ? { group: sanitizeGroup(state.group) } : {}) : this.view.group ? { group: this.view.group } : {}),
    };
    this.panels.requests = sanitizeRequests(view?.requests);
  }

  /**
   * A hidden panel's webview is torn down (the panel does not retain its
   * context), so nothing is forwarded until it says `ready` again. Its
   * `ready` may also arrive just before the panel reports itself visible.
   */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (visible) {
      if (this.ready) void this.load();
    } else {
      this.ready = false;
      this.generation++;
      this.panels.cancel();
      this.loading = false;
      this.pending = [];
      this.cancelTimers();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.panels.cancel();
    this.cancelTimers();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private get live(): boolean {
    return this.ready && this.visible && !this.disposed;
  }

  private onState(state: ConnectionState): void {
    if (!this.live) return;
    this.post({ type: 'connection', connection: connectionView(state) });
    if (state.kind === 'connected') void this.load();
  }

  private onPush(message: PushMessage): void {
    if (!this.live) return;
    const kind = liveKindOf(message);
    if (kind) this.panels.markStale(kind);
    switch (message.type) {
      case 'run':
        this.pending = this.pending.filter((d) => !(d.type === 'run' && d.run.runId === message.run.runId));
        this.pending.push({ type: 'run', run: message.run });
        if (message.run.status !== 'running') this.askForAggregates();
        break;
      case 'phase':
        this.pending.push({ type: 'phase', runId: message.runId, phase: message.phase });
        break;
      case 'error':
        this.pending.push({ type: 'error', error: message.error });
        break;
      case 'sample':
        this.pending.push({ type: 'sample', sample: message.sample });
        break;
      default:
        return;
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null || this.loading || this.pending.length === 0) return;
    const wait = Math.max(0, this.lastFlush + UPDATE_INTERVAL_MS - this.clock.now());
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (!this.live || this.loading || this.pending.length === 0) return;
    const deltas = this.pending;
    this.pending = [];
    this.lastFlush = this.clock.now();
    this.post({ type: 'update', deltas });
  }

  private askForAggregates(): void {
    const now = this.clock.now();
    this.aggregatesFirstAsk ??= now;
    if (this.aggregatesTimer !== null) this.clock.clearTimeout(this.aggregatesTimer);
    const wait = Math.min(AGGREGATES_DEBOUNCE_MS, Math.max(0, this.aggregatesFirstAsk + AGGREGATES_MAX_WAIT_MS - now));
    this.aggregatesTimer = this.clock.setTimeout(() => {
      this.aggregatesTimer = null;
      this.aggregatesFirstAsk = null;
      void this.refetchAggregates();
    }, wait);
  }

  private async refetchAggregates(): Promise<void> {
    if (!this.live || this.loading) return;
    const generation = this.generation;
    const range = this.view.range;
    const to = this.clock.now();
    try {
      const aggregates = await this.fetchAggregates(to - RANGE_SPANS[range], to);
      if (generation === this.generation && this.live) this.post({ type: 'aggregates', range, aggregates });
    } catch {
      // A failed refresh keeps the figures already shown; the next ended run or a reload tries again.
    }
    if (this.panels.labelsDue(LABELS_REFRESH_MS)) void this.panels.loadLabels();
  }

  private async load(): Promise<void> {
    if (!this.live) return;
    const generation = ++this.generation;
    const range = this.view.range;
    if (this.aggregatesTimer !== null) this.clock.clearTimeout(this.aggregatesTimer);
    this.aggregatesTimer = null;
    this.aggregatesFirstAsk = null;
    const state = this.source.state;
    if (state.kind !== 'connected') {
      this.post({ type: 'connection', connection: connectionView(state) });
      return;
    }
    this.loading = true;
    this.post({ type: 'loading', range });
    void this.panels.loadLabels();
    const panels = this.loadPanels();
    try {
      const data = await this.fetchRange(range);
      if (generation !== this.generation || !this.live) return;
      this.post({ type: 'init', data, connection: connectionView(this.source.state), ranges: rangesFor(this.retentionMs()) });
    } catch (err) {
      if (generation !== this.generation || !this.live) return;
      this.post({ type: 'fetchFailed', range, message: err instanceof Error ? err.message : String(err) });
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.scheduleFlush();
      }
    }
    await panels;
  }

  private async loadPanels(): Promise<void> {
    if (this.live && this.source.state.kind === 'connected') await this.panels.loadAll();
  }

  private async fetchRange(range: RangeKey): Promise<DashboardData> {
    const to = this.clock.now();
    const from = to - RANGE_SPANS[range];
    const [aggregates, samples, runs] = await Promise.all([
      this.fetchAggregates(from, to),
      this.source.get('/samples', { from, to, maxPoints: SAMPLE_POINTS }),
      this.source.get('/runs', { limit: RECENT_RUNS }),
    ]);
    return { range, from, to, ...aggregates, samples, maxPoints: SAMPLE_POINTS, runs: runs.filter((r) => r.startedAt >= from) };
  }

  private async fetchAggregates(from: number, to: number): Promise<Aggregates> {
    const [summary, phases, topErrors] = await Promise.all([
      this.source.get('/summary', { from, to }),
      this.source.get('/phases', { from, to }),
      this.source.get('/errors/top', { from, to, limit: 20 }),
    ]);
    return { summary, phases, topErrors };
  }

  private cancelTimers(): void {
    for (const t of [this.flushTimer, this.aggregatesTimer]) if (t !== null) this.clock.clearTimeout(t);
    this.flushTimer = null;
    this.aggregatesTimer = null;
    this.aggregatesFirstAsk = null;
  }
}

export function connectionView(state: ConnectionState): ConnectionView {
  switch (state.kind) {
    case 'connected':
      return { kind: 'connected', version: state.health.version };
    case 'unreachable':
      return { kind: 'unreachable', message: state.message, retryInMs: state.retryInMs };
    default:
      return { kind: state.kind };
  }
}
