/**
 * Messages between the dashboard panel (extension host) and its webview.
 * Both sides import this module by type only; there is no runtime code here.
 */
import type { Endpoints, ErrorRecord, MetricEndpoints, MetricFilters, PhaseRecord, PhaseStats, RunSummary, Sample, Summary, TopError } from '../../agent/api/types';

/** The time ranges the picker offers, always ending now. `1y` only when the agent keeps that much. */
export type RangeKey = '15m' | '1h' | '24h' | '7d' | '30d' | '90d' | '1y';

/** The four dashboards of the spec's visualization section, as tabs of one panel. */
export type DashboardTab = 'overview' | 'performance' | 'errors' | 'usage';

/** The filters every dashboard offers; each is one label value, or absent for all. */
export type FilterKey = 'project_type' | 'model' | 'user';
export type Filters = Partial<Record<FilterKey, string>>;

/** The agent connection as the webview shows it in its banner. */
export type ConnectionView =
  | { kind: 'noAgent' }
  | { kind: 'starting' }
  | { kind: 'connected'; version: string }
  | { kind: 'unreachable'; message: string; retryInMs: number };

/** Aggregates the agent computes over the whole range; refetched after runs end. */
export interface Aggregates {
  summary: Summary;
  phases: PhaseStats;
  topErrors: TopError[];
}

/** What every tab shares for one range: counts, machine samples and the newest runs, all kept live from pushes. */
export interface DashboardData extends Aggregates {
  range: RangeKey;
  from: number;
  to: number;
  /** The newest runs started in the range, newest first (for the recent-runs table). */
  runs: RunSummary[];
  /** Machine samples in the range, oldest first, already reduced by the agent to at most `maxPoints`. */
  samples: Sample[];
  maxPoints: number;
}

/** One pushed change, as the agent sent it. */
export type LiveDelta =
  | { type: 'run'; run: RunSummary }
  | { type: 'phase'; runId: string; phase: PhaseRecord }
  | { type: 'error'; error: ErrorRecord }
  | { type: 'sample'; sample: Sample };

/**
 * The GET endpoints a dashboard panel may ask the host for. The host adds
 * `from` and `to` (the range, ending now) and, for the metric endpoints, the filters.
 */
export type PanelEndpoints = Pick<MetricEndpoints, '/query' | '/stat' | '/histogram' | '/funnel' | '/cost'> &
  Pick<Endpoints, '/errors/groups' | '/errors/trend' | '/errors/groups/:fingerprint'>;
export type PanelPath = keyof PanelEndpoints;
export type PanelResponse<P extends PanelPath> = PanelEndpoints[P]['response'];

/** Which pushes make a panel's answer stale: ended runs, errors, any ingested log line, machine samples. */
export type LiveKind = 'runs' | 'errors' | 'events' | 'machine';

export interface PanelRequestOf<P extends PanelPath> {
  path: P;
  query: Omit<PanelEndpoints[P]['query'], 'from' | 'to' | keyof MetricFilters>;
  /** Values of the path's `:name` parts. */
  params?: Record<string, string>;
  live: LiveKind[];
  /** False for figures of the machine, which no run filter narrows. Default true. */
  filtered?: boolean;
}
export type PanelRequest = { [P in PanelPath]: PanelRequestOf<P> }[PanelPath];
/** A tab's requests by panel id. */
export type PanelRequests = Record<string, PanelRequest>;

export type PanelResult = { ok: true; data: unknown } | { ok: false; message: string };

/** What the webview keeps with `setState`, handed back to the serializer after a window reload. */
export interface DashboardState {
  range: RangeKey;
  tab: DashboardTab;
  filters: Filters;
  /** The error group the Errors dashboard details (its fingerprint). */
  group?: string;
}

/** What the webview shows now and what its tab needs fetched. */
export interface ViewRequest {
  state: DashboardState;
  requests: PanelRequests;
}

export type HostMessage =
  /** A whole range: after `ready`, a range change, a reconnect, or the panel becoming visible again. */
  | { type: 'init'; data: DashboardData; connection: ConnectionView; ranges: RangeKey[] }
  /** Pushed changes since the last message, in arrival order; at most a few per second. */
  | { type: 'update'; deltas: LiveDelta[] }
  /** Fresh aggregates for the current range, after runs ended. */
  | { type: 'aggregates'; range: RangeKey; aggregates: Aggregates }
  /**
   * Answers for panels of `tab` over [from, to] with `filters`: all of them
   * after a view change, only the stale ones after pushes (`partial`).
   */
  | { type: 'panels'; tab: DashboardTab; range: RangeKey; filters: Filters; from: number; to: number; partial: boolean; results: Record<string, PanelResult> }
  /** Values seen in the range for each filter, for the dropdowns. */
  | { type: 'labels'; range: RangeKey; labels: Record<FilterKey, string[]> }
  /** A command asked for this tab ("Genmon: Show Errors Dashboard"). */
  | { type: 'showTab'; tab: DashboardTab }
  | { type: 'connection'; connection: ConnectionView }
  /** The host is fetching `range`; the webview shows progress until the next `init` or `fetchFailed`. */
  | { type: 'loading'; range: RangeKey }
  | { type: 'fetchFailed'; range: RangeKey; message: string };

export type WebviewMessage =
  /** The webview is listening; `view.state` is the one it restored, if any (null: a new panel). */
  | { type: 'ready'; view: ViewRequest; restored: boolean }
  /** The tab, the range or the filters changed, or a panel needs another request. */
  | { type: 'setView'; view: ViewRequest }
  | { type: 'refresh' }
  | { type: 'openRun'; runId: string };
