/**
 * The agent's HTTP API and push stream: every request, response and pushed
 * message. `src/` and `webview/` import this module by type only.
 */
import type { ErrorCategory, Phase, PhaseStatus, RunOutcome, Severity } from '../ingest/events';

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

export type RunStatus = RunOutcome | 'running';

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
}

/** GET endpoints and what they answer. Query parameters are numbers in epoch ms. */
export interface Endpoints {
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
  '/alerts': { query: Record<string, never>; response: AlertView[] };
  '/report': { query: { from?: number; to?: number }; response: { markdown: string } };
}

/** A pending or firing alert. */
export interface AlertView {
  fingerprint: string;
  rule: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: number | null;
  firedAt: number | null;
  value: number | null;
}

/** What the notification pipeline sent for a group of alerts. */
export interface AlertNotification {
  groupKey: string;
  groupLabels: Record<string, string>;
  firing: { fingerprint: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: number; value: number | null }[];
  resolved: { fingerprint: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: number; endsAt: number | null }[];
  reason: 'new' | 'changed' | 'repeat';
  at: number;
}

/** POST endpoints: JSON body in, JSON out. */
export interface Actions {
  '/errors/groups/:fingerprint/status': { body: { status: ErrorGroupStatus }; response: ErrorGroup };
}

/** Messages on `GET /api/v1/stream` (Server-Sent Events, `data:` is this JSON). */
export type PushMessage =
  | { type: 'hello'; health: Health }
  | { type: 'run'; run: RunSummary }
  | { type: 'phase'; runId: string; phase: PhaseRecord }
  | { type: 'error'; error: ErrorRecord }
  | { type: 'errorGroup'; group: ErrorGroup }
  | { type: 'alert'; alert: AlertView; transition: 'pending' | 'firing' | 'resolved' | 'cleared' }
  | { type: 'notification'; notification: AlertNotification }
  | { type: 'sample'; sample: Sample }
  | { type: 'ingest'; lines: number; bad: number; sources: number };

export interface ApiError {
  error: string;
  message: string;
}
