/**
 * The active tab's panels on the host side: fetched whole after a change of
 * view, fetched again (only the stale ones) after pushes that touch them,
 * throttled, and the filter dropdowns' values. Answers for a view already
 * left are dropped.
 */
import type { Clock } from './controller';
import { FILTER_KEYS, fetchPanels, MACHINE_REFRESH_MS, PANEL_DEBOUNCE_MS, PANEL_MAX_WAIT_MS, staleRequests } from './panels';
import type { DashboardState, FilterKey, HostMessage, LiveKind, PanelRequests, RangeKey } from './protocol';

export interface PanelFeedHost {
  clock: Clock;
  get(path: string, query: Record<string, string | number>, params: Record<string, string>): Promise<unknown>;
  post(message: HostMessage): void;
  /** Whether answers may still go to the webview. */
  live(): boolean;
  view(): DashboardState;
  spanMs(range: RangeKey): number;
}

export class PanelFeed {
  requests: PanelRequests = {};
  /** Bumped by every fetch of a whole view, so answers for a tab or filters already left are dropped. */
  private generation = 0;
  private readonly dirty = new Set<LiveKind>();
  private timer: unknown = null;
  private firstAsk: number | null = null;
  private lastFetch = -Infinity;
  private lastLabels = -Infinity;

  constructor(private readonly host: PanelFeedHost) {}

  /** Every panel of the current view, after a change of tab, filters, range or a reload. */
  async loadAll(): Promise<void> {
    const generation = ++this.generation;
    this.cancelTimer();
    if (Object.keys(this.requests).length > 0) await this.fetchAndPost(this.requests, false, generation);
  }

  /**
   * A push made panels of `kind` stale. Log-driven kinds wait for a quiet
   * moment (at most the max wait); machine samples alone refresh on their own slower beat.
   */
  markStale(kind: LiveKind): void {
    if (!Object.values(this.requests).some((r) => r.live.includes(kind))) return;
    this.dirty.add(kind);
    const clock = this.host.clock;
    const now = clock.now();
    let wait: number;
    if ([...this.dirty].every((k) => k === 'machine')) {
      if (this.timer !== null) return;
      wait = Math.max(0, this.lastFetch + MACHINE_REFRESH_MS - now);
    } else {
      this.firstAsk ??= now;
      wait = Math.min(PANEL_DEBOUNCE_MS, Math.max(0, this.firstAsk + PANEL_MAX_WAIT_MS - now));
    }
    if (this.timer !== null) clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => {
      this.timer = null;
      this.firstAsk = null;
      void this.refreshStale();
    }, wait);
  }

  /** The webview went away or the panel closed: nothing in flight may post. */
  cancel(): void {
    this.generation++;
    this.cancelTimer();
  }

  labelsDue(refreshMs: number): boolean {
    return this.host.clock.now() - this.lastLabels >= refreshMs;
  }

  /** Values for the filter dropdowns; a label the agent cannot list yet gives an empty list. */
  async loadLabels(): Promise<void> {
    const range = this.host.view().range;
    const to = this.host.clock.now();
    this.lastLabels = to;
    const lists = await Promise.all(
      FILTER_KEYS.map(async (name) => {
        try {
          const values = await this.host.get('/labels/:name', { from: to - this.host.spanMs(range), to }, { name });
          return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
        } catch {
          return [];
        }
      }),
    );
    if (!this.host.live() || range !== this.host.view().range) return;
    this.host.post({ type: 'labels', range, labels: Object.fromEntries(FILTER_KEYS.map((k, i) => [k, lists[i]])) as Record<FilterKey, string[]> });
  }

  private async refreshStale(): Promise<void> {
    if (!this.host.live()) return;
    const stale = staleRequests(this.requests, this.dirty);
    this.dirty.clear();
    if (Object.keys(stale).length > 0) await this.fetchAndPost(stale, true, this.generation);
  }

  private async fetchAndPost(requests: PanelRequests, partial: boolean, generation: number): Promise<void> {
    const view = structuredClone(this.host.view());
    const to = this.host.clock.now();
    const from = to - this.host.spanMs(view.range);
    this.lastFetch = to;
    const results = await fetchPanels((path, query, params) => this.host.get(path, query, params), requests, from, to, view.filters);
    if (generation !== this.generation || !this.host.live()) return;
    this.host.post({ type: 'panels', tab: view.tab, range: view.range, filters: view.filters, from, to, partial, results });
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.host.clock.clearTimeout(this.timer);
    this.timer = null;
    this.firstAsk = null;
    this.dirty.clear();
  }
}
