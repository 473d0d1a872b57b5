/**
 * The API's alerting part: alerts, silences, incidents, automated actions,
 * notification deliveries and error-group patterns. Re-exported by
 * `types.ts`, which clients import.
 */
import type { ErrorCategory, Phase, Severity } from '../ingest/events';
import type { ErrorGroup, ErrorGroupStatus, ErrorRecord } from './types';

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
  /** The rule's severity, or higher once escalated. */
  severity: Severity;
  /** Escalation steps taken during this firing. */
  escalations: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  /** Why its notifications are held back, if they are. */
  silencedBy: string | null;
  /** Fingerprint of the firing alert inhibiting this one. */
  inhibitedBy: string | null;
  /** The time interval muting it ("weekends", "outside working_hours"). */
  mutedBy: string | null;
  incidentId: number | null;
}

export type SilenceState = 'active' | 'pending' | 'expired';

export interface SilenceView {
  id: string;
  /** Alertmanager syntax: `alertname="HighCpu"`, `severity=~"warning|info"`. */
  matchers: string[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
  state: SilenceState;
}

export interface SilenceRequest {
  matchers: string[];
  /** Default now. */
  startsAt?: number;
  /** Either an end or a duration (default 1 h). */
  endsAt?: number;
  durationMs?: number;
  comment?: string;
  createdBy?: string;
}

export interface IncidentAlert {
  fingerprint: string;
  rule: string;
  labels: Record<string, string>;
  severity: Severity;
  firing: boolean;
  /** When it last started or stopped firing. */
  since: number;
}

export type IncidentStatus = 'open' | 'resolved';

export interface IncidentSummary {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  /** The labels its alerts share (the incident's grouping). */
  labels: Record<string, string>;
  openedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  alerts: IncidentAlert[];
}

export type TimelineKind =
  | 'opened'
  | 'alert_firing'
  | 'alert_resolved'
  | 'escalated'
  | 'acknowledged'
  | 'note'
  | 'action'
  | 'resolved'
  | 'run_failed'
  | 'error_group'
  | 'resource_peak';

export interface TimelineEntry {
  ts: number;
  kind: TimelineKind;
  text: string;
  /** Who did it, for acknowledgements, notes, resolutions and actions. */
  by?: string;
  runId?: string;
  fingerprint?: string;
  actionId?: string;
}

export interface IncidentImpact {
  runsFailed: number;
  runsEnded: number;
  usersAffected: number;
  errors: number;
  /** Model cost of the runs that failed; null when no inference carried a cost. */
  costWastedUsd: number | null;
}

export interface IncidentDetail {
  incident: IncidentSummary;
  /** Stored events and what the store shows around them, oldest first. */
  timeline: TimelineEntry[];
  impact: IncidentImpact;
  errorGroups: { fingerprint: string; category: ErrorCategory; message: string; count: number; status: ErrorGroupStatus }[];
  resources: { cpuPeak: number | null; memoryPeakPercent: number | null; load1Peak: number | null };
  actions: ActionView[];
}

export type ActionStatus = 'requested' | 'claimed' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'declined' | 'expired';

/** A rule's automated response for one incident; VS Code runs it (see docs/alerts.md). */
export interface ActionView {
  id: string;
  incidentId: number;
  rule: string;
  alertFingerprint: string;
  command: string | null;
  args: string[];
  task: string | null;
  /** The command line or task as people read it: `npm run regenerate`, `task "Rerun"`. */
  display: string;
  timeoutMs: number;
  unattended: boolean;
  /** The rules file and line that declared it. */
  origin: string;
  rulesFile: string | null;
  status: ActionStatus;
  requestedAt: number;
  updatedAt: number;
  claimedBy: string | null;
  exitCode: number | null;
  /** The last few KiB of its output. */
  output: string | null;
  durationMs: number | null;
}

export type ActionOutcome = { status: 'running' } | { status: 'succeeded' | 'failed' | 'timed_out' | 'declined'; exitCode?: number | null; output?: string; durationMs?: number; by?: string };

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A notification on its way to a webhook or the log file; kept until delivered. */
export interface DeliveryView {
  id: string;
  channel: 'webhook' | 'log_file';
  status: DeliveryStatus;
  title: string;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
  nextAttemptAt: number | null;
}

/** Counts of a group's errors in equal buckets of the range. */
export interface FrequencySeries {
  from: number;
  to: number;
  bucketMs: number;
  counts: number[];
}

export type CorrelationDimension = 'phase' | 'model' | 'template' | 'projectType' | 'resourcePressure';

/**
 * How often a value comes with the group's errors against how often it comes
 * at all: `groupRate` is the share of the group's runs (errors, for phases)
 * with the value, `baseRate` the share of all runs (all errors) with it, and
 * `lift` their ratio; above 1 the value comes with the group more than usual.
 */
export interface Correlation {
  dimension: CorrelationDimension;
  value: string;
  groupCount: number;
  groupTotal: number;
  groupRate: number;
  baseCount: number;
  baseTotal: number;
  baseRate: number;
  lift: number | null;
}

export interface ErrorGroupImpact {
  errors: number;
  runsAffected: number;
  runsFailed: number;
  usersAffected: number;
  costWastedUsd: number | null;
}

export interface ErrorGroupResolution {
  status: ErrorGroupStatus;
  firstSeen: number;
  resolvedAt: number | null;
  /** From first seen to the latest resolution, if it was resolved. */
  timeToResolveMs: number | null;
  reopenCount: number;
}

export interface ErrorGroupDetail {
  group: ErrorGroup;
  from: number;
  to: number;
  frequency: FrequencySeries;
  correlations: Correlation[];
  impact: ErrorGroupImpact;
  resolution: ErrorGroupResolution;
  /** Its latest errors, newest first. */
  recent: ErrorRecord[];
}

export interface ErrorTrend {
  from: number;
  to: number;
  bucketMs: number;
  groups: { fingerprint: string; category: ErrorCategory; message: string; status: ErrorGroupStatus; phases: Phase[]; total: number; counts: number[] }[];
}

export interface AlertEndpoints {
  '/alerts': { query: Record<string, never>; response: AlertView[] };
  '/silences': { query: { state?: SilenceState }; response: SilenceView[] };
  '/incidents': { query: { status?: IncidentStatus; limit?: number }; response: IncidentSummary[] };
  '/incidents/:id': { query: Record<string, never>; response: IncidentDetail };
  '/incidents/:id/postmortem': { query: Record<string, never>; response: { markdown: string } };
  '/actions': { query: { status?: ActionStatus }; response: ActionView[] };
  '/deliveries': { query: { status?: DeliveryStatus; limit?: number }; response: DeliveryView[] };
  '/errors/groups/:fingerprint': { query: { from?: number; to?: number; buckets?: number }; response: ErrorGroupDetail };
  '/errors/trend': { query: { from?: number; to?: number; buckets?: number; limit?: number }; response: ErrorTrend };
}

export interface AlertActions {
  '/silences': { body: SilenceRequest; response: SilenceView };
  '/silences/:id/expire': { body: Record<string, never>; response: SilenceView };
  '/alerts/ack': { body: { fingerprints: string[]; by?: string }; response: AlertView[] };
  '/incidents/:id/notes': { body: { text: string; by?: string }; response: IncidentDetail };
  '/incidents/:id/resolve': { body: { by?: string; note?: string }; response: IncidentDetail };
  '/actions/:id/claim': { body: { by: string }; response: ActionView };
  '/actions/:id/outcome': { body: ActionOutcome; response: ActionView };
}

/** What the notification pipeline sent for a group of alerts. */
export interface AlertNotification {
  groupKey: string;
  groupLabels: Record<string, string>;
  firing: { fingerprint: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: number; value: number | null }[];
  resolved: { fingerprint: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: number; endsAt: number | null }[];
  reason: 'new' | 'changed' | 'repeat' | 'escalated';
  at: number;
  /** Rendered with the vscode channel's templates. */
  title: string;
  body: string;
  /** The highest severity among the firing alerts (resolved ones when none fires). */
  severity: Severity;
  /** Where it goes; VS Code shows a toast only when `vscode` is among them. */
  channels: string[];
}

export type AlertPushMessage =
  | { type: 'alert'; alert: AlertView; transition: 'pending' | 'firing' | 'resolved' | 'cleared' | 'changed' }
  | { type: 'notification'; notification: AlertNotification }
  | { type: 'silence'; silence: SilenceView }
  | { type: 'incident'; incident: IncidentSummary }
  | { type: 'action'; action: ActionView };
