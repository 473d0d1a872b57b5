/** Builders for API records in webview and dashboard tests. */
import type { ErrorRecord, PhaseStats, RunSummary, Sample, Summary } from '../../../agent/api/types';
import type { DashboardData } from '../../../src/dashboard/protocol';

export function run(runId: string, startedAt: number, status: RunSummary['status'], durationMs: number | null = null): RunSummary {
  return {
    runId, status, app: 'shop', projectType: null, template: null, userId: null, sessionId: null, regenerates: null, features: [],
    startedAt, endedAt: durationMs === null ? null : startedAt + durationMs, durationMs, errorCount: 0, currentPhase: null, source: null,
  };
}

export function sample(ts: number, cpu = 10): Sample {
  return {
    ts, cpu, cores: [cpu], memUsed: 100, memAvailable: 900, memTotal: 1000, swapUsed: 0, swapTotal: 0, load1: 1, load5: 1, load15: 1,
    processes: 10, threads: 20, diskReadBytes: 0, diskWriteBytes: 0, diskReadOps: 0, diskWriteOps: 0, netRxBytes: 0, netTxBytes: 0, netRxErrors: 0, netTxErrors: 0,
  };
}

export function error(id: number, ts: number, message: string, runId = 'r1'): ErrorRecord {
  return { id, ts, runId, category: 'generation', severity: 'error', message, stack: null, context: null, phase: 'codegen' };
}

const percentiles = { count: 0, p50: null, p95: null, p99: null, max: null };
const phaseRow = { ...percentiles, ok: 0, failed: 0, skipped: 0 };

export function phases(from: number, to: number): PhaseStats {
  return { from, to, phases: { blueprint: phaseRow, codegen: phaseRow, validation: phaseRow, deployment: phaseRow }, total: percentiles };
}

export function summary(from: number, to: number, counts: Partial<Summary> = {}): Summary {
  return {
    from, to, attempts: 0, successes: 0, failures: 0, partials: 0, running: 0, successRate: null,
    phases: phases(from, to).phases, total: percentiles,
    errorsByCategory: { validation: 0, generation: 0, deployment: 0, system: 0 },
    errorsBySeverity: { critical: 0, error: 0, warning: 0, info: 0 },
    lastRun: null, latestSample: null, mounts: [],
    peaks: { from, to, cpu: null, memUsed: null, diskReadBytes: null, diskWriteBytes: null, netRxBytes: null, netTxBytes: null, load1: null },
    ...counts,
  };
}

export function data(from: number, to: number, extra: Partial<DashboardData> = {}): DashboardData {
  return {
    range: '1h', from, to, summary: summary(from, to), phases: phases(from, to), topErrors: [],
    runs: [], samples: [], maxPoints: 10, ...extra,
  };
}
