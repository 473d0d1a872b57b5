/** Row → API shape mappings, shared by the apply step (push messages) and the queries. */
import type { ErrorRecord, PhaseRecord, RunStatus, RunSummary, Sample } from '../api/types';
import type { ErrorCategory, Phase, PhaseStatus, Severity } from '../ingest/events';

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export const RUN_COLUMNS =
  'r.run_id, r.status, r.started_at, r.ended_at, r.duration_ms, r.app, r.project_type, r.template, r.features, r.user_id, r.session_id, r.regenerates, r.error_count, r.current_phase, r.line, s.path AS source_path';

export const RUN_FROM = 'runs r LEFT JOIN sources s ON s.id = r.source_id';

export function runFromRow(row: Row): RunSummary {
  const features = parseJson<unknown>(row.features, []);
  return {
    runId: String(row.run_id),
    status: String(row.status) as RunStatus,
    app: str(row.app),
    projectType: str(row.project_type),
    template: str(row.template),
    userId: str(row.user_id),
    sessionId: str(row.session_id),
    regenerates: str(row.regenerates),
    features: Array.isArray(features) ? features.map(String) : [],
    startedAt: Number(row.started_at),
    endedAt: num(row.ended_at),
    durationMs: num(row.duration_ms),
    errorCount: Number(row.error_count ?? 0),
    currentPhase: str(row.current_phase) as Phase | null,
    source: row.source_path ? { path: String(row.source_path), line: Number(row.line ?? 0) } : null,
  };
}

export function phaseFromRow(row: Row): PhaseRecord {
  return {
    phase: String(row.phase) as Phase,
    attempt: Number(row.attempt),
    status: String(row.status) as PhaseStatus | 'running',
    startedAt: num(row.started_at),
    endedAt: num(row.ended_at),
    durationMs: num(row.duration_ms),
  };
}

export function errorFromRow(row: Row): ErrorRecord {
  const context = parseJson<unknown>(row.context, null);
  return {
    id: Number(row.id),
    ts: Number(row.ts),
    runId: String(row.run_id),
    category: String(row.category) as ErrorCategory,
    severity: String(row.severity) as Severity,
    message: String(row.message),
    stack: str(row.stack),
    context: context && typeof context === 'object' && !Array.isArray(context) ? (context as Record<string, unknown>) : null,
    phase: str(row.phase) as Phase | null,
  };
}

export const SAMPLE_COLUMNS =
  'ts, cpu, cores, mem_used, mem_available, mem_total, swap_used, swap_total, load1, load5, load15, processes, threads, disk_read_bytes, disk_write_bytes, disk_read_ops, disk_write_ops, net_rx_bytes, net_tx_bytes, net_rx_errors, net_tx_errors';

export function sampleToParams(s: Sample): (number | string)[] {
  return [
    s.ts, s.cpu, JSON.stringify(s.cores), s.memUsed, s.memAvailable, s.memTotal, s.swapUsed, s.swapTotal,
    s.load1, s.load5, s.load15, s.processes, s.threads, s.diskReadBytes, s.diskWriteBytes, s.diskReadOps,
    s.diskWriteOps, s.netRxBytes, s.netTxBytes, s.netRxErrors, s.netTxErrors,
  ];
}

export function sampleFromRow(row: Row): Sample {
  const cores = parseJson<unknown>(row.cores, []);
  return {
    ts: Number(row.ts),
    cpu: Number(row.cpu),
    cores: Array.isArray(cores) ? cores.map(Number) : [],
    memUsed: Number(row.mem_used),
    memAvailable: Number(row.mem_available),
    memTotal: Number(row.mem_total),
    swapUsed: Number(row.swap_used),
    swapTotal: Number(row.swap_total),
    load1: Number(row.load1),
    load5: Number(row.load5),
    load15: Number(row.load15),
    processes: Number(row.processes),
    threads: Number(row.threads),
    diskReadBytes: Number(row.disk_read_bytes),
    diskWriteBytes: Number(row.disk_write_bytes),
    diskReadOps: Number(row.disk_read_ops),
    diskWriteOps: Number(row.disk_write_ops),
    netRxBytes: Number(row.net_rx_bytes),
    netTxBytes: Number(row.net_tx_bytes),
    netRxErrors: Number(row.net_rx_errors),
    netTxErrors: Number(row.net_tx_errors),
  };
}
