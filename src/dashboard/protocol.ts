/**
 * Messages between the dashboard panel (extension host) and its webview.
 * Both sides import this module by type only; there is no runtime code here.
 */
import type { ErrorRecord, PhaseRecord, PhaseStats, RunSummary, Sample, Summary, TopError } from '../../agent/api/types';

/** The time ranges the picker offers, always ending now. */
export type RangeKey = '15m' | '1h' | '24h' | '7d' | '30d' | '90d';

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

/** Everything one range of the dashboard shows. */
export interface DashboardData extends Aggregates {
  range: RangeKey;
  from: number;
  to: number;
  /** Runs started in the range, newest first. */
  runs: RunSummary[];
  /** False when the range holds more runs than the host fetched, so run-based series cover only the newest ones. */
  runsComplete: boolean;
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

export type HostMessage =
  /** A whole range: after `ready`, `setRange`, a reconnect, or the panel becoming visible again. */
  | { type: 'init'; data: DashboardData; connection: ConnectionView }
  /** Pushed changes since the last message, in arrival order; at most a few per second. */
  | { type: 'update'; deltas: LiveDelta[] }
  /** Fresh aggregates for the current range, after runs ended. */
  | { type: 'aggregates'; range: RangeKey; aggregates: Aggregates }
  | { type: 'connection'; connection: ConnectionView }
  /** The host is fetching `range`; the webview shows progress until the next `init` or `fetchFailed`. */
  | { type: 'loading'; range: RangeKey }
  | { type: 'fetchFailed'; range: RangeKey; message: string };

export type WebviewMessage =
  /** The webview is listening; `range` is the one it restored from its state, if any. */
  | { type: 'ready'; range: RangeKey | null }
  | { type: 'setRange'; range: RangeKey }
  | { type: 'refresh' }
  | { type: 'openRun'; runId: string };

/** What the webview keeps with `setState`, handed back to the serializer after a window reload. */
export interface DashboardState {
  range: RangeKey;
}
