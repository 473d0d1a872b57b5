/**
 * The agent's HTTP API and push stream: every request, response and pushed
 * message. `src/` and `webview/` import this module by type only.
 */
import type { ErrorCategory, Phase, PhaseStatus, RunOutcome, Severity } from '../ingest/events';
import type { AlertActions, AlertEndpoints, AlertPushMessage } from './alert-types';
import type { ReportEndpoints } from './report-types';

export type * from './alert-types';
export type * from './report-types';

export const API_VERSION = 1;
export const API_PREFIX = '/api/v1';

/** Written by the agent next to its database; clients read it to find the agent. Mode 0600. */
export interface DiscoveryFile {
  pid: number;
  version: string;
  url: string;
  token: string;
  dbPath: string;
  logDirs: string[];
  startedAt: number;
}

/** `abandoned`: no run.ended within the abandonment timeout (default 30 min), or a run.abandoned event. */
export type RunStatus = RunOutcome | 'running' | 'abandoned';

export interface RunSummary {
  runId: string;
  status: RunStatus;
  app: string | null;
  projectType: string | null;
  template: string | null;
  userId: string | null;
  sessionId: string | null;
  regenerates: string | null;
  features: string[];
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  errorCount: number;
  /** Last phase seen, for runs still going or failed. */
  currentPhase: Phase | null;
  source: { path: string; line: number } | null;
}

export interface PhaseRecord {
  phase: Phase;
  attempt: number;
  status: PhaseStatus | 'running';
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
}

export interface InferenceRecord {
  ts: number;
  model: string;
  phase: Phase | null;
  latencyMs: number;
  queueMs: number | null;
  batchSize: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface ErrorRecord {
  id: number;
  ts: number;
  runId: string;
  category: ErrorCategory;
  severity: Severity;
  message: string;
  stack: string | null;
  context: Record<string, unknown> | null;
  phase: Phase | null;
}

export interface QualityRecord {
  ts: number;
  lint: number | null;
  coverage: number | null;
  security: number | null;
  performance: number | null;
}

export interface FeedbackRecord {
  ts: number;
  score: number;
  comment: string | null;
}

export interface RunDetail {
  run: RunSummary;
  phases: PhaseRecord[];
  inferences: InferenceRecord[];
  errors: ErrorRecord[];
  quality: QualityRecord[];
  feedback: FeedbackRecord[];
  modifications: number;
  /** Fields of the run's start beyond the format's own: enrichment (host, git...), OpenTelemetry resource attributes. */
  attributes?: Record<string, unknown>;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface PhaseStats {
  from: number;
  to: number;
  phases: Record<Phase, Percentiles & { ok: number; failed: number; skipped: number }>;
  total: Percentiles;
}

export interface Sample {
  ts: number;
  /** Whole-machine CPU busy, 0..100. */
  cpu: number;
  cores: number[];
  memUsed: number;
  memAvailable: number;
  memTotal: number;
  swapUsed: number;
  swapTotal: number;
  load1: number;
  load5: number;
  load15: number;
  processes: number;
  threads: number;
  /** Rates per second over the last interval. */
  diskReadBytes: number;
  diskWriteBytes: number;
  diskReadOps: number;
  diskWriteOps: number;
  netRxBytes: number;
  netTxBytes: number;
  netRxErrors: number;
  netTxErrors: number;
  /** Packets dropped per second (Linux), when the sampler reads them. */
  netRxDropped?: number;
  netTxDropped?: number;
  /** Established TCP connections, when the sampler reads them. */
  tcpConnections?: number;
  /** Average time per disk operation over the interval, ms; null when there was no I/O. */
  diskIoLatencyMs?: number | null;
}

export interface MountUsage {
  ts: number;
  mount: string;
  fs: string;
  size: number;
  used: number;
}

export interface ResourcePeaks {
  from: number;
  to: number;
  cpu: number | null;
  memUsed: number | null;
  diskReadBytes: number | null;
  diskWriteBytes: number | null;
  netRxBytes: number | null;
  netTxBytes: number | null;
  load1: number | null;
}

export interface Summary {
  from: number;
  to: number;
  attempts: number;
  successes: number;
  failures: number;
  partials: number;
  running: number;
  /** Runs started in the range that were abandoned (absent from older agents). */
  abandoned?: number;
  /** successes / (successes + failures + partials), null when none ended. */
  successRate: number | null;
  phases: PhaseStats['phases'];
  total: Percentiles;
  errorsByCategory: Record<ErrorCategory, number>;
  errorsBySeverity: Record<Severity, number>;
  lastRun: RunSummary | null;
  latestSample: Sample | null;
  mounts: MountUsage[];
  peaks: ResourcePeaks;
}

export interface TopError {
  category: ErrorCategory;
  severity: Severity;
  message: string;
  count: number;
  lastSeen: number;
  lastRunId: string;
}

export const ERROR_GROUP_STATUSES = ['new', 'ongoing', 'regressed', 'resolved', 'ignored'] as const;
export type ErrorGroupStatus = (typeof ERROR_GROUP_STATUSES)[number];

/** Errors sharing a fingerprint (category, normalized message, top stack frames). */
export interface ErrorGroup {
  fingerprint: string;
  category: ErrorCategory;
  /** The most severe level seen. */
  severity: Severity;
  /** The latest message of the group, as logged. */
  message: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** Errors of the group inside the queried range. */
  countInRange: number;
  runsAffected: number;
  usersAffected: number;
  phases: Phase[];
  models: string[];
  templates: string[];
  status: ErrorGroupStatus;
  statusChangedAt: number | null;
  resolvedAt: number | null;
  reopenCount: number;
}

export const BAD_LINE_REASONS = [
  'malformed_json',
  'not_an_object',
  'oversized',
  'invalid_utf8',
  'missing_field',
  'wrong_type',
  'bad_timestamp',
  'future_timestamp',
  'unknown_run',
  'too_deep',
  'not_stored',
] as const;
export type BadLineReason = (typeof BAD_LINE_REASONS)[number];

export interface BadLineExample {
  reason: BadLineReason;
  message: string;
  path: string;
  offset: number;
  /** At most 512 characters of the line, as text. */
  excerpt: string;
  at: number;
}

export interface SourceStatus {
  path: string;
  offset: number;
  size: number;
  lines: number;
  updatedAt: number;
}

export interface IngestStatus {
  sources: SourceStatus[];
  badLines: Record<string, number>;
  examples: BadLineExample[];
  eventsStored: number;
}

export interface Health {
  ok: true;
  version: string;
  pid: number;
  startedAt: number;
  dbPath: string;
  logDirs: string[];
  schemaVersion: number;
  /** How far back queries reach (the longest rollup tier's retention), ms; absent from older agents. */
  historyMs?: number;
}

/** GET endpoints and what they answer. Query parameters are numbers in epoch ms. */
export interface Endpoints extends AlertEndpoints, ReportEndpoints {
  '/health': { query: Record<string, never>; response: Health };
  '/summary': { query: { from?: number; to?: number }; response: Summary };
  '/runs': { query: { limit?: number; before?: number; status?: RunStatus }; response: RunSummary[] };
  '/runs/:id': { query: Record<string, never>; response: RunDetail };
  '/phases': { query: { from?: number; to?: number }; response: PhaseStats };
  '/errors': {
    query: { from?: number; to?: number; limit?: number; category?: ErrorCategory; severity?: Severity; runId?: string };
    response: ErrorRecord[];
  };
  '/errors/groups': {
    query: { from?: number; to?: number; limit?: number; status?: ErrorGroupStatus; category?: ErrorCategory };
    response: ErrorGroup[];
  };
  '/errors/top': { query: { from?: number; to?: number; limit?: number }; response: TopError[] };
  '/samples': { query: { from?: number; to?: number; maxPoints?: number }; response: Sample[] };
  '/ingest': { query: Record<string, never>; response: IngestStatus };
  '/otlp': { query: Record<string, never>; response: OtlpStatus };
  '/otlp/metrics': { query: { from?: number; to?: number; name?: string; limit?: number }; response: OtlpMetricPoint[] };
  '/processing': { query: Record<string, never>; response: ProcessingStatus };
}

/** POST endpoints: JSON body in, JSON out. */
export interface Actions extends AlertActions, StorageActions {
  '/errors/groups/:fingerprint/status': { body: { status: ErrorGroupStatus }; response: ErrorGroup };
  /** Follow these log directories too (absolute paths); answers every directory followed now and those just added. */
  '/sources': { body: { dirs: string[] }; response: { logDirs: string[]; added: string[] } };
}

/** Messages on `GET /api/v1/stream` (Server-Sent Events, `data:` is this JSON). */
export type PushMessage =
  | { type: 'hello'; health: Health }
  | { type: 'run'; run: RunSummary }
  | { type: 'phase'; runId: string; phase: PhaseRecord }
  | { type: 'error'; error: ErrorRecord }
  | { type: 'errorGroup'; group: ErrorGroup }
  | AlertPushMessage
  | { type: 'sample'; sample: Sample }
  | { type: 'ingest'; lines: number; bad: number; sources: number };

export interface ApiError {
  error: string;
  message: string;
}

// ---------------------------------------------------------------------------
// Metrics: the registry of every figure and the queries over it.
// Every figure the views, reports and the Prometheus endpoint show is named in
// the registry (`GET /metrics/registry`); queries name a metric and pick the
// storage tier (raw, 1 minute, 1 hour rollups) that answers the range fastest.

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Label names a metric may carry. `user` and `session` are answered from per-run and per-session facts, not rollups. */
export const METRIC_LABELS = [
  'phase', 'status', 'model', 'project_type', 'template', 'feature', 'category', 'severity',
  'route', 'method', 'operation', 'step', 'direction', 'mount', 'kind', 'user', 'session',
] as const;
export type MetricLabel = (typeof METRIC_LABELS)[number];

/** Where in the product spec a figure comes from, e.g. `1.1 success.rate`. */
export type SpecRef = string;

export interface MetricDescriptor {
  /** Prometheus-style name, `genmon_` prefix, base units (`_seconds`, `_bytes`, `_ratio`, `_usd`, `_total` for counters). */
  name: string;
  type: MetricType;
  /** `seconds`, `bytes`, `ratio` (0..1), `score` (0..100 unless said), `usd`, `1` (a count), `bytes/s`, `1/s`. */
  unit: string;
  help: string;
  labels: MetricLabel[];
  /** The spec figures this metric answers (a figure may be one label value of it). */
  spec: SpecRef[];
  /** The area of the spec, for grouping in views: generation, quality, satisfaction, accuracy, api, model, database, compute, storage, network, sessions, features, journey, business, consumption, cost, errors. */
  area: string;
  /** Computed at query time from other metrics (a ratio, a distinct count), rather than stored. */
  derived: boolean;
}

/** Filters every metric query accepts; a run-level filter (user, model) selects the runs, then their figures. */
export interface MetricFilters {
  project_type?: string;
  template?: string;
  model?: string;
  user?: string;
}

/**
 * How values in a step are combined: counters `increase` (default) or `rate` (per second);
 * gauges `avg` (default), `min`, `max`, `last`; histograms `p50`, `p90`, `p95`, `p99`,
 * `avg`, `max`, `count` (default `p95`); derived ratios ignore it.
 */
export type MetricAgg = 'increase' | 'rate' | 'avg' | 'min' | 'max' | 'last' | 'sum' | 'count' | 'p50' | 'p90' | 'p95' | 'p99';

export type StorageTier = 'raw' | '1m' | '1h' | '1d' | 'facts';

export interface MetricSeries {
  labels: Partial<Record<MetricLabel, string>>;
  /** `[bucket start (epoch ms), value]`, one per step across the range; null where nothing was observed. */
  points: [number, number | null][];
}

export interface MetricQueryResult {
  metric: string;
  from: number;
  to: number;
  step: number;
  agg: MetricAgg;
  tier: StorageTier;
  series: MetricSeries[];
  /** Filters this metric cannot take (a user filter on machine figures, say), so the answer is unfiltered by them. */
  ignoredFilters?: string[];
}

/** One figure over a whole range: `/stat?q=name[:agg],…` answers each `name:agg`. */
export interface MetricStat {
  metric: string;
  agg: MetricAgg;
  value: number | null;
  /** Values per label value when `by` was given. */
  by?: { labels: Partial<Record<MetricLabel, string>>; value: number | null }[];
  /** Filters this metric cannot take, so the value is unfiltered by them. */
  ignoredFilters?: string[];
}

export interface HistogramBucket {
  /** Lower and upper bound in the metric's unit; the first bucket starts at 0. */
  lower: number;
  upper: number;
  count: number;
}

export interface HistogramResult {
  metric: string;
  from: number;
  to: number;
  series: { labels: Partial<Record<MetricLabel, string>>; count: number; p50: number | null; p90: number | null; p95: number | null; p99: number | null; buckets: HistogramBucket[] }[];
}

export const JOURNEY_STEPS = ['started', 'blueprint', 'codegen', 'validation', 'deployed'] as const;
export type JourneyStep = (typeof JOURNEY_STEPS)[number];

export interface FunnelResult {
  from: number;
  to: number;
  steps: {
    step: JourneyStep;
    /** Runs that reached this step (for `started`, runs started in the range). */
    reached: number;
    /** Runs whose furthest step was the one before and that ended (or were abandoned) there. */
    droppedBefore: number;
    /** reached / reached at `started`. */
    conversion: number | null;
    /** Time from the previous step to this one, p50 and p95, seconds. */
    p50Seconds: number | null;
    p95Seconds: number | null;
  }[];
  /** deployed / started. */
  conversionRate: number | null;
}

/** Where the money went over a range, grouped by `by`. */
export interface CostBreakdown {
  from: number;
  to: number;
  by: 'day' | 'project_type' | 'model' | 'user' | 'phase' | 'template';
  rows: {
    key: string;
    runs: number;
    successes: number;
    computeUsd: number;
    storageUsd: number;
    apiUsd: number;
    modelUsd: number;
    totalUsd: number;
    /** Spent on runs that failed, were abandoned, on phase retries and on regenerations. */
    wastedUsd: number;
    /** totalUsd / successful deployments, null when none. */
    perSuccessUsd: number | null;
  }[];
  total: { totalUsd: number; wastedUsd: number; perSuccessUsd: number | null; inputTokens: number; outputTokens: number };
}

export interface MetricEndpoints {
  '/metrics/registry': { query: Record<string, never>; response: MetricDescriptor[] };
  '/query': { query: MetricFilters & { metric: string; from?: number; to?: number; step?: number; agg?: MetricAgg; by?: string }; response: MetricQueryResult };
  '/stat': { query: MetricFilters & { q: string; from?: number; to?: number; by?: string }; response: MetricStat[] };
  '/histogram': { query: MetricFilters & { metric: string; from?: number; to?: number; by?: string }; response: HistogramResult };
  '/funnel': { query: MetricFilters & { from?: number; to?: number }; response: FunnelResult };
  '/cost': { query: MetricFilters & { from?: number; to?: number; by?: CostBreakdown['by'] }; response: CostBreakdown };
  '/labels/:name': { query: { from?: number; to?: number }; response: string[] };
}

// ---------------------------------------------------------------------------
// OpenTelemetry intake (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`) and processing rules.

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export interface OtlpSignalStatus {
  requests: number;
  /** Request bytes after decompression. */
  bytes: number;
  /** Events made plus items rejected. */
  items: number;
  /** Events stored (before processing rules drop any). */
  events: number;
  rejected: number;
  /** Understood but of no use to Genmon: plain internal spans, logs below WARN. */
  ignored: number;
  /** Answered 429 by the rate limit. */
  refused: number;
  /** Answered 4xx or 5xx for another reason. */
  failed: number;
  lastAt: number | null;
}

export interface OtlpStatus {
  paths: Record<OtlpSignal, string>;
  limits: { maxBodyBytes: number; maxDecodedBytes: number; requestsPerSecond: number; burst: number };
  signals: Record<OtlpSignal, OtlpSignalStatus>;
}

/** An OpenTelemetry metric data point as stored (`otel.metric` events). */
export interface OtlpMetricPoint {
  ts: number;
  runId: string;
  name: string;
  /** What Genmon reads it as (`api.request.duration`, `model.tokens`...), null for metrics it keeps as they are. */
  figure: string | null;
  fields: Record<string, unknown>;
}

export interface SinkStatus {
  name: 'otlp' | 'webhook';
  target: string;
  sent: number;
  failed: number;
  dropped: number;
  queued: number;
  lastError: string | null;
  lastSentAt: number | null;
}

export interface ProcessingStatus {
  /** Events dropped by `filter` rules, sampled out, or of a run whose start was dropped. */
  dropped: number;
  sampledOut: number;
  transformed: number;
  enriched: number;
  /** The enrichment values in force (host, git branch and commit, workspace, agent version). */
  facts: Record<string, string>;
  rules: { transform: number; filter: number; enrich: boolean };
  sinks: SinkStatus[];
}

/** What `POST /backup` wrote: a consistent backup of the running agent (a `.tar.gz`, see docs/storage.md). */
export interface BackupAnswer {
  file: string;
  bytes: number;
  /** The last journal record the backup contains. */
  seq: number;
  createdAt: number;
}

export interface StorageActions {
  /** `path`: an absolute `.tar.gz` path that does not exist yet; default a new file in the backup directory. */
  '/backup': { body: { path?: string }; response: BackupAnswer };
}
