/** Hand-made inputs for the template tests. */
import type { ErrorGroup, IncidentDetail, Percentiles, Summary } from '../../../agent/api/types';
import type { CostRow } from '../../../agent/report/data';
import type { BuildContext } from '../../../agent/report/template';

export const H = 3600_000;
export const DAY = 24 * H;
export const T0 = Date.UTC(2026, 2, 2, 7);

export function ctx(span: number, zone = 'UTC'): BuildContext {
  return { from: T0, to: T0 + span, generatedAt: T0 + span + 1000, timezone: zone };
}

const p = (count: number, v: number | null): Percentiles => ({ count, p50: v, p95: v, p99: v, max: v });

export function summary(over: Partial<Summary> = {}): Summary {
  const phase = { ...p(4, 1200), ok: 4, failed: 0, skipped: 0 };
  return {
    from: T0, to: T0 + DAY, attempts: 10, successes: 7, failures: 2, partials: 1, running: 0, successRate: 0.7,
    phases: { blueprint: phase, codegen: { ...p(4, 8000), ok: 3, failed: 1, skipped: 0 }, validation: phase, deployment: phase }, total: p(10, 20_000),
    errorsByCategory: { validation: 1, generation: 2, deployment: 0, system: 0 },
    errorsBySeverity: { critical: 1, error: 2, warning: 0, info: 0 },
    lastRun: null, latestSample: null, mounts: [{ ts: T0, mount: '/', fs: 'ext4', size: 1000, used: 250 }],
    peaks: { from: T0, to: T0 + DAY, cpu: 42.5, memUsed: 2 * 1024 ** 3, diskReadBytes: 0, diskWriteBytes: 1024, netRxBytes: null, netTxBytes: null, load1: 1.5 },
    ...over,
  };
}

export function group(fingerprint: string, over: Partial<ErrorGroup> = {}): ErrorGroup {
  return {
    fingerprint, category: 'generation', severity: 'error', message: `message of ${fingerprint}`, firstSeen: T0 - DAY, lastSeen: T0 + H, count: 5, countInRange: 3,
    runsAffected: 2, usersAffected: 1, phases: ['codegen'], models: [], templates: [], status: 'ongoing', statusChangedAt: null, resolvedAt: null, reopenCount: 0,
    ...over,
  };
}

export function costRow(key: string, usd: number, over: Partial<CostRow> = {}): CostRow {
  return { key, runs: 4, successes: 2, inferences: 10, inputTokens: 1000, outputTokens: 500, usd, priced: 10, wastedUsd: 0, ...over };
}

export function incident(id: number, over: { openedAt?: number; acknowledgedAt?: number | null; resolvedAt?: number | null; severity?: 'critical' | 'error' | 'warning' | 'info'; runsFailed?: number; cost?: number | null } = {}): IncidentDetail {
  const openedAt = over.openedAt ?? T0 + id * H;
  const resolvedAt = over.resolvedAt === undefined ? openedAt + 30 * 60_000 : over.resolvedAt;
  return {
    incident: {
      id, title: `Incident ${id}`, severity: over.severity ?? 'error', status: resolvedAt === null ? 'open' : 'resolved', labels: {}, openedAt,
      acknowledgedAt: over.acknowledgedAt === undefined ? openedAt + 5 * 60_000 : over.acknowledgedAt, acknowledgedBy: 'ana', resolvedAt, resolvedBy: resolvedAt === null ? null : 'ana', alerts: [],
    },
    timeline: [
      { ts: openedAt, kind: 'opened', text: 'Opened by HighFailureRate' },
      { ts: openedAt + 60_000, kind: 'note', text: 'Looking <b>now</b>', by: 'ana' },
    ],
    impact: { runsFailed: over.runsFailed ?? 3, runsEnded: 10, usersAffected: 2, errors: 4, costWastedUsd: over.cost === undefined ? 0.5 : over.cost },
    errorGroups: [{ fingerprint: 'g1', category: 'generation', message: 'Model timeout', count: 4, status: 'ongoing' }],
    resources: { cpuPeak: 91, memoryPeakPercent: 60, load1Peak: 3 },
    actions: [],
  };
}
