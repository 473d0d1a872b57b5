/**
 * Model cost, as the generator logs it (`cost_usd` on model.inference
 * events). The one place alerting reads cost from: when the metric registry
 * prices inferences per model, these functions are what to repoint.
 */
import type { Statements } from './statements';

export interface Cost {
  usd: number;
  /** Inferences that carried a cost; 0 means "unknown", not "free". */
  priced: number;
}

export function inferenceCost(st: Statements, range: { from: number; to: number }): Cost {
  const row = st.one<{ usd: number | null; n: number }>('SELECT SUM(cost_usd) AS usd, COUNT(cost_usd) AS n FROM inferences WHERE ts >= ? AND ts <= ?', [range.from, range.to]);
  return { usd: Number(row?.usd ?? 0), priced: Number(row?.n ?? 0) };
}

/** Cost of the inferences of these runs, looked up within a time range around them (inferences are indexed by time only). */
export function costOfRuns(st: Statements, runIds: readonly string[], range: { from: number; to: number }): Cost {
  if (runIds.length === 0) return { usd: 0, priced: 0 };
  const row = st.one<{ usd: number | null; n: number }>(
    'SELECT SUM(cost_usd) AS usd, COUNT(cost_usd) AS n FROM inferences WHERE ts >= ? AND ts <= ? AND run_id IN (SELECT value FROM json_each(?))',
    [range.from, range.to, JSON.stringify(runIds)],
  );
  return { usd: Number(row?.usd ?? 0), priced: Number(row?.n ?? 0) };
}

/** Cost per equal bucket of a range (null where no inference carried a cost). */
export function costSeries(st: Statements, from: number, bucketMs: number, buckets: number): (number | null)[] {
  const out: (number | null)[] = new Array(buckets).fill(null);
  for (const r of st.all<{ b: number; usd: number; n: number }>(
    'SELECT CAST((ts - ?) / ? AS INTEGER) AS b, SUM(cost_usd) AS usd, COUNT(cost_usd) AS n FROM inferences WHERE ts >= ? AND ts < ? GROUP BY b',
    [from, bucketMs, from, from + bucketMs * buckets],
  )) {
    if (Number(r.n) > 0 && r.b >= 0 && r.b < buckets) out[r.b] = Number(r.usd);
  }
  return out;
}
