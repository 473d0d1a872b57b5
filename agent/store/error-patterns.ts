/**
 * Error-group patterns, as Sentry shows them: how often a group occurs over
 * time, which phase, model, template, project type or resource pressure
 * comes with it more than with runs in general, what it cost (runs failed,
 * users affected, model spend of the failed runs), and how it was resolved.
 */
import type { Correlation, CorrelationDimension, ErrorGroup, ErrorGroupDetail, ErrorTrend, FrequencySeries } from '../api/types';
import type { ErrorCategory, Phase } from '../ingest/events';
import { costOfRuns } from './cost';
import { errorFromRow } from './rows';
import type { Statements } from './statements';

/** Machine load at or above these marks during a run counts as resource pressure. */
export const PRESSURE = { cpu: 80, memory: 85 } as const;
/** Runs looked at for correlations, newest first. */
const MAX_RUNS = 20_000;

const bucketOf = 'CAST((ts - ?) / ? AS INTEGER)';

export function bucketing(from: number, to: number, buckets: number): { bucketMs: number; buckets: number } {
  const bucketMs = Math.max(1000, Math.ceil((to - from) / buckets));
  return { bucketMs, buckets: Math.ceil((to - from) / bucketMs) };
}

export function frequency(st: Statements, fingerprint: string, from: number, to: number, buckets: number): FrequencySeries {
  const b = bucketing(from, to, buckets);
  const counts = new Array<number>(b.buckets).fill(0);
  for (const r of st.all<{ b: number; n: number }>(
    `SELECT ${bucketOf} AS b, COUNT(*) AS n FROM errors WHERE fingerprint = ? AND ts >= ? AND ts < ? GROUP BY b`,
    [from, b.bucketMs, fingerprint, from, to],
  )) {
    if (r.b >= 0 && r.b < counts.length) counts[r.b] = Number(r.n);
  }
  return { from, to, bucketMs: b.bucketMs, counts };
}

function correlation(dimension: CorrelationDimension, value: string, groupCount: number, groupTotal: number, baseCount: number, baseTotal: number): Correlation {
  const groupRate = groupTotal > 0 ? groupCount / groupTotal : 0;
  const baseRate = baseTotal > 0 ? baseCount / baseTotal : 0;
  return { dimension, value, groupCount, groupTotal, groupRate, baseCount, baseTotal, baseRate, lift: baseRate > 0 ? groupRate / baseRate : null };
}

/** Rows of (value, runs with it, runs with it and the group), totalled into correlations. */
function fromCounts(dimension: CorrelationDimension, rows: { v: unknown; base: number; grp: number }[], baseTotal: number, groupTotal: number): Correlation[] {
  return rows
    .filter((r) => r.v !== null && Number(r.grp) > 0)
    .map((r) => correlation(dimension, String(r.v), Number(r.grp), groupTotal, Number(r.base), baseTotal));
}

export function correlations(st: Statements, fingerprint: string, from: number, to: number): Correlation[] {
  const runsInRange = `SELECT run_id FROM runs WHERE started_at >= ? AND started_at <= ? ORDER BY started_at DESC LIMIT ${MAX_RUNS}`;
  const groupRuns = 'SELECT run_id FROM errors WHERE fingerprint = ?';
  const totals = st.one<{ base: number; grp: number }>(
    `SELECT COUNT(*) AS base, COALESCE(SUM(run_id IN (${groupRuns})), 0) AS grp FROM (${runsInRange})`,
    [fingerprint, from, to],
  );
  const baseTotal = Number(totals?.base ?? 0);
  const groupTotal = Number(totals?.grp ?? 0);
  const out: Correlation[] = [];
  for (const [dimension, column] of [['template', 'template'], ['projectType', 'project_type']] as const) {
    const rows = st.all<{ v: unknown; base: number; grp: number }>(
      `SELECT r.${column} AS v, COUNT(*) AS base, SUM(r.run_id IN (${groupRuns})) AS grp
       FROM runs r WHERE r.run_id IN (${runsInRange}) GROUP BY v`,
      [fingerprint, from, to],
    );
    out.push(...fromCounts(dimension, rows, baseTotal, groupTotal));
  }
  // Inferences are indexed by time only: look in the range and an hour after it.
  const models = st.all<{ v: unknown; base: number; grp: number }>(
    `SELECT i.model AS v, COUNT(DISTINCT i.run_id) AS base,
            COUNT(DISTINCT CASE WHEN i.run_id IN (${groupRuns}) THEN i.run_id END) AS grp
     FROM inferences i WHERE i.ts >= ? AND i.ts <= ? AND i.run_id IN (${runsInRange}) GROUP BY v`,
    [fingerprint, from, to + 3600_000, from, to],
  );
  out.push(...fromCounts('model', models, baseTotal, groupTotal));
  const pressure = st.all<{ v: unknown; base: number; grp: number }>(
    `SELECT CASE WHEN cpu IS NULL THEN NULL WHEN cpu >= ${PRESSURE.cpu} OR mem >= ${PRESSURE.memory} THEN 'high' ELSE 'normal' END AS v,
            COUNT(*) AS base, SUM(run_id IN (${groupRuns})) AS grp
     FROM (SELECT r.run_id,
                  (SELECT MAX(s.cpu) FROM samples s WHERE s.ts >= r.started_at AND s.ts <= COALESCE(r.ended_at, r.started_at)) AS cpu,
                  (SELECT MAX(s.mem_used * 100.0 / s.mem_total) FROM samples s WHERE s.ts >= r.started_at AND s.ts <= COALESCE(r.ended_at, r.started_at) AND s.mem_total > 0) AS mem
           FROM runs r WHERE r.run_id IN (${runsInRange}))
     GROUP BY v`,
    [fingerprint, from, to],
  );
  const sampled = pressure.filter((r) => r.v !== null);
  const sum = (k: 'base' | 'grp') => sampled.reduce((n, r) => n + Number(r[k]), 0);
  out.push(...fromCounts('resourcePressure', sampled, sum('base'), sum('grp')));
  // Phases are per error: the group's errors by phase against all errors by phase.
  const phases = st.all<{ v: unknown; base: number; grp: number }>(
    'SELECT phase AS v, COUNT(*) AS base, SUM(fingerprint = ?) AS grp FROM errors WHERE ts >= ? AND ts <= ? GROUP BY v',
    [fingerprint, from, to],
  );
  const phaseTotals = { base: phases.reduce((n, r) => n + Number(r.base), 0), grp: phases.reduce((n, r) => n + Number(r.grp), 0) };
  out.push(...fromCounts('phase', phases, phaseTotals.base, phaseTotals.grp));
  return out.sort((a, b) => (b.lift ?? 0) - (a.lift ?? 0) || b.groupCount - a.groupCount);
}

export function groupDetail(st: Statements, group: ErrorGroup, from: number, to: number, buckets: number): ErrorGroupDetail {
  const fp = group.fingerprint;
  const runs = st.all<{ run_id: string; status: string; user_id: string | null }>(
    'SELECT DISTINCT e.run_id, r.status, r.user_id FROM errors e LEFT JOIN runs r ON r.run_id = e.run_id WHERE e.fingerprint = ? AND e.ts >= ? AND e.ts <= ?',
    [fp, from, to],
  );
  const failed = runs.filter((r) => r.status === 'failed').map((r) => r.run_id);
  const cost = costOfRuns(st, failed, { from: from - 6 * 3600_000, to: to + 3600_000 });
  const errors = Number(st.one<{ n: number }>('SELECT COUNT(*) AS n FROM errors WHERE fingerprint = ? AND ts >= ? AND ts <= ?', [fp, from, to])?.n ?? 0);
  return {
    group,
    from,
    to,
    frequency: frequency(st, fp, from, to, buckets),
    correlations: correlations(st, fp, from, to),
    impact: {
      errors,
      runsAffected: runs.length,
      runsFailed: failed.length,
      usersAffected: new Set(runs.map((r) => r.user_id).filter((u) => u !== null)).size,
      costWastedUsd: cost.priced > 0 ? Math.round(cost.usd * 10_000) / 10_000 : null,
    },
    resolution: {
      status: group.status,
      firstSeen: group.firstSeen,
      resolvedAt: group.resolvedAt,
      timeToResolveMs: group.resolvedAt === null ? null : group.resolvedAt - group.firstSeen,
      reopenCount: group.reopenCount,
    },
    recent: st.all('SELECT * FROM errors WHERE fingerprint = ? ORDER BY ts DESC, id DESC LIMIT 20', [fp]).map(errorFromRow),
  };
}

/** The most frequent groups of a range, each with its counts per bucket. */
export function errorTrend(st: Statements, from: number, to: number, buckets: number, limit: number): ErrorTrend {
  const b = bucketing(from, to, buckets);
  const top = st.all<{ fingerprint: string; category: string; message: string; status: string; n: number; phases: string | null }>(
    `SELECT e.fingerprint, g.category, g.message, g.status, COUNT(*) AS n, GROUP_CONCAT(DISTINCT e.phase) AS phases
     FROM errors e JOIN error_groups g ON g.fingerprint = e.fingerprint
     WHERE e.ts >= ? AND e.ts < ? GROUP BY e.fingerprint ORDER BY n DESC LIMIT ?`,
    [from, to, limit],
  );
  const series = new Map(top.map((g) => [g.fingerprint, new Array<number>(b.buckets).fill(0)]));
  for (const r of st.all<{ fingerprint: string; b: number; n: number }>(
    `SELECT fingerprint, ${bucketOf} AS b, COUNT(*) AS n FROM errors
     WHERE ts >= ? AND ts < ? AND fingerprint IN (SELECT value FROM json_each(?)) GROUP BY fingerprint, b`,
    [from, b.bucketMs, from, to, JSON.stringify([...series.keys()])],
  )) {
    const counts = series.get(r.fingerprint);
    if (counts && r.b >= 0 && r.b < counts.length) counts[r.b] = Number(r.n);
  }
  return {
    from,
    to,
    bucketMs: b.bucketMs,
    groups: top.map((g) => ({
      fingerprint: g.fingerprint,
      category: g.category as ErrorCategory,
      message: g.message,
      status: g.status as ErrorGroup['status'],
      phases: (g.phases ? g.phases.split(',') : []) as Phase[],
      total: Number(g.n),
      counts: series.get(g.fingerprint)!,
    })),
  };
}
