/**
 * Generator run log format v1: one JSON object per line. These types are the
 * shape after validation; `schema/log-event.v1.schema.json` is the contract a
 * generator writes against, and `docs/log-format.md` explains it.
 */

export const PHASES = ['blueprint', 'codegen', 'validation', 'deployment'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_STATUSES = ['ok', 'failed', 'skipped'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export const RUN_OUTCOMES = ['success', 'failed', 'partial'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const ERROR_CATEGORIES = ['validation', 'generation', 'deployment', 'system'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Fields every event carries. `ts` is ISO 8601 with a zone, or epoch milliseconds. */
export interface EventBase {
  v?: 1;
  ts: string | number;
  run_id: string;
  type: string;
  [extra: string]: unknown;
}

export interface RunStarted extends EventBase {
  type: 'run.started';
  app?: string;
  project_type?: string;
  template?: string;
  features?: string[];
  user_id?: string;
  session_id?: string;
  /** Run id of the earlier run this one regenerates, if any. */
  regenerates?: string | null;
  request?: string;
}

export interface PhaseStarted extends EventBase {
  type: 'phase.started';
  phase: Phase;
  /** 1 for the first try, 2 for the first retry; the agent counts when absent. */
  attempt?: number;
}

export interface PhaseEnded extends EventBase {
  type: 'phase.ended';
  phase: Phase;
  status: PhaseStatus;
  duration_ms: number;
  attempt?: number;
}

export interface ModelInference extends EventBase {
  type: 'model.inference';
  model: string;
  latency_ms: number;
  queue_ms?: number;
  batch_size?: number;
  input_tokens?: number;
  output_tokens?: number;
  /** What the call cost, in US dollars. */
  cost_usd?: number;
  phase?: Phase;
  /** Requests waiting for the model when this one was sent. */
  queue_length?: number;
}

export interface ApiRequest extends EventBase {
  type: 'api.request';
  /** Route pattern (`/api/runs/:id`), not the concrete URL, so requests group. */
  route: string;
  method?: string;
  status_code?: number;
  duration_ms: number;
  in_flight?: number;
}

export interface DbQuery extends EventBase {
  type: 'db.query';
  operation: string;
  duration_ms: number;
  pool_in_use?: number;
  pool_size?: number;
  deadlock?: boolean;
  replication_lag_ms?: number;
}

export interface ErrorEvent extends EventBase {
  type: 'error';
  category: ErrorCategory;
  severity: Severity;
  message: string;
  stack?: string;
  context?: Record<string, unknown>;
  phase?: Phase;
}

export interface QualityScores extends EventBase {
  type: 'quality';
  /** Scores 0..100. */
  lint?: number;
  coverage?: number;
  security?: number;
  performance?: number;
  requirements?: number;
  blueprint_accuracy?: number;
  correctness?: number;
  documentation?: number;
}

export interface UserFeedback extends EventBase {
  type: 'feedback';
  /** 1..5 */
  score: number;
  comment?: string;
}

export interface UserModification extends EventBase {
  type: 'modification';
  files_changed?: number;
  lines_changed?: number;
  description?: string;
}

/** Feedback and modifications may still follow it. */
export interface RunEnded extends EventBase {
  type: 'run.ended';
  status: RunOutcome;
  duration_ms: number;
  /** Bytes of the generated app kept in storage. */
  artifact_bytes?: number;
}

/** The user gave up on the run; later events of the run still count, but its outcome is abandoned. */
export interface RunAbandoned extends EventBase {
  type: 'run.abandoned';
  reason?: string;
}

/** A round-trip time the generator measured to a service it depends on. */
export interface NetworkProbe extends EventBase {
  type: 'network.probe';
  target?: string;
  latency_ms: number;
}

export type KnownEvent =
  | RunStarted
  | PhaseStarted
  | PhaseEnded
  | ModelInference
  | ApiRequest
  | DbQuery
  | ErrorEvent
  | QualityScores
  | UserFeedback
  | UserModification
  | RunEnded
  | RunAbandoned
  | NetworkProbe;

export type KnownEventType = KnownEvent['type'];

export const KNOWN_EVENT_TYPES: readonly KnownEventType[] = [
  'run.started',
  'phase.started',
  'phase.ended',
  'model.inference',
  'api.request',
  'db.query',
  'error',
  'quality',
  'feedback',
  'modification',
  'run.ended',
  'run.abandoned',
  'network.probe',
];
