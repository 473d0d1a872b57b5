/**
 * The host side of the dashboard without `vscode`: fetches a range from the
 * agent, forwards pushed changes in throttled batches, refetches aggregates
 * after runs end. The panel and the test harness both drive it.
 */
import type { PushMessage, RunSummary } from '../../agent/api/types';
import type { AgentConnection, ConnectionState } from '../agent/connection';
import type { Aggregates, ConnectionView, DashboardData, HostMessage, LiveDelta, RangeKey, WebviewMessage } from './protocol';

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

export const RANGE_SPANS: Record<RangeKey, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
  '30d': 30 * 24 * 3600_000,
  '90d': 90 * 24 * 3600_000,
};
export const DEFAULT_RANGE: RangeKey = '24h';

export function isRangeKey(value: unknown): value is RangeKey {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANGE_SPANS, value);
}

/** At most one `update` per this many ms. */
export const UPDATE_INTERVAL_MS = 250;
/** Aggregates are refetched this long after the last run ended, and at least this often while runs keep ending. */
export const AGGREGATES_DEBOUNCE_MS = 1500;
export const AGGREGATES_MAX_WAIT_MS = 10_000;
/** About one point per two pixels of a half-width chart. */
export const SAMPLE_POINTS = 400;
const RUNS_PAGE = 1000;
/** Beyond this, run-based series cover only the newest runs (`runsComplete: false`) until the agent serves `/series`. */
export const MAX_RUNS = 5000;

export interface ControllerOptions {
  source: DashboardSource;
  post: (message: HostMessage) => void;
  /** Opening a run needs editors, so the panel does it. */
  openRun: (runId: string) => void;
  range?: RangeKey;
  /** Whether the panel starts visible; a panel restored in a background tab does not. */
  visible?: boolean;
  clock?: Clock;
}

export class DashboardController {
  private readonly source: DashboardSource;
  private readonly post: (message: HostMessage) => void;
  private readonly openRun: (runId: string) => void;
  private readonly clock: Clock;
  private readonly subscriptions: { dispose(): unknown }[] = [];
  private rangeKey: RangeKey;
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
    this.rangeKey = opts.range ?? DEFAULT_RANGE;
    this.visible = opts.visible ?? true;
    this.subscriptions.push(
      this.source.onDidChangeState((state) => this.onState(state)),
      this.source.onDidPush((message) => this.onPush(message)),
    );
  }

  get range(): RangeKey {
    return this.rangeKey;
  }

  receive(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        // After a reload the webview's own state is the newer word on the range.
        if (isRangeKey(message.range)) this.rangeKey = message.range;
        this.ready = true;
        void this.load();
        break;
      case 'setRange':
        if (!isRangeKey(message.range)) return;
        this.rangeKey = message.range;
        void this.load();
        break;
      case 'refresh':
        void this.load();
        break;
      case 'openRun':
        if (typeof message.runId === 'string') this.openRun(message.runId);
        break;
    }
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
      this.loading = false;
      this.pending = [];
      this.cancelTimers();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
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
    const range = this.rangeKey;
    const to = this.clock.now();
    try {
      const aggregates = await this.fetchAggregates(to - RANGE_SPANS[range], to);
      if (generation === this.generation && this.live) this.post({ type: 'aggregates', range, aggregates });
    } catch {
      // A failed refresh keeps the figures already shown; the next ended run or a reload tries again.
    }
  }

  private async load(): Promise<void> {
    if (!this.live) return;
    const generation = ++this.generation;
    const range = this.rangeKey;
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
    try {
      const data = await this.fetchRange(range);
      if (generation !== this.generation || !this.live) return;
      this.post({ type: 'init', data, connection: connectionView(this.source.state) });
    } catch (err) {
      if (generation !== this.generation || !this.live) return;
      this.post({ type: 'fetchFailed', range, message: err instanceof Error ? err.message : String(err) });
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.scheduleFlush();
      }
    }
  }

  private async fetchRange(range: RangeKey): Promise<DashboardData> {
    const to = this.clock.now();
    const from = to - RANGE_SPANS[range];
    const [aggregates, samples, runs] = await Promise.all([
      this.fetchAggregates(from, to),
      this.source.get('/samples', { from, to, maxPoints: SAMPLE_POINTS }),
      this.fetchRuns(from),
    ]);
    return { range, from, to, ...aggregates, samples, maxPoints: SAMPLE_POINTS, runs: runs.runs, runsComplete: runs.complete };
  }

  private async fetchAggregates(from: number, to: number): Promise<Aggregates> {
    const [summary, phases, topErrors] = await Promise.all([
      this.source.get('/summary', { from, to }),
      this.source.get('/phases', { from, to }),
      this.source.get('/errors/top', { from, to, limit: 20 }),
    ]);
    return { summary, phases, topErrors };
  }

  /** Runs started at or after `from`, newest first, paging back with `before`. */
  private async fetchRuns(from: number): Promise<{ runs: RunSummary[]; complete: boolean }> {
    const runs: RunSummary[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.source.get('/runs', before === undefined ? { limit: RUNS_PAGE } : { limit: RUNS_PAGE, before });
      for (const run of page) {
        if (run.startedAt < from) return { runs, complete: true };
        if (runs.length >= MAX_RUNS) return { runs, complete: false };
        runs.push(run);
      }
      if (page.length < RUNS_PAGE) return { runs, complete: true };
      before = page[page.length - 1].startedAt;
    }
  }

  private cancelTimers(): void {
    if (this.flushTimer !== null) this.clock.clearTimeout(this.flushTimer);
    if (this.aggregatesTimer !== null) this.clock.clearTimeout(this.aggregatesTimer);
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
