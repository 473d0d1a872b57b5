/**
 * The figures anomaly rules watch, per equal time bucket: one grouped query
 * per figure. A bucket with nothing to measure (no run ended, no sample) is
 * null, so it is left out of a baseline rather than counted as zero.
 */
import type { Phase } from '../ingest/events';
import { percentile } from '../derive/percentile';
import { costSeries } from './cost';
import type { Statements } from './statements';

export type SeriesMetric = 'failure_rate' | 'phase_p95' | 'run_duration_p95' | 'error_rate' | 'cpu' | 'memory' | 'cost_per_hour';

export interface Series {
  values: (number | null)[];
  /** What each value was computed from (runs, phases, samples, inferences). */
  counts: number[];
}

const BUCKET = 'CAST((%c - ?) / ? AS INTEGER)';

export function figureSeries(st: Statements, metric: SeriesMetric, phase: Phase | null, from: number, bucketMs: number, buckets: number): Series {
  const to = from + bucketMs * buckets;
  const values: (number | null)[] = new Array(buckets).fill(null);
  const counts: number[] = new Array(buckets).fill(0);
  const grouped = <T extends { b: number }>(sql: string, column: string, extra: (string | number)[] = []): T[] =>
    st.all<T>(sql.replace('%b', BUCKET.replace('%c', column)), [from, bucketMs, ...extra, from, to]).filter((r) => r.b >= 0 && r.b < buckets);
  const spread = (rows: { b: number; v: number }[]) => {
    const per = new Map<number, number[]>();
    for (const r of rows) {
      const list = per.get(r.b) ?? [];
      list.push(Number(r.v));
      per.set(r.b, list);
    }
    for (const [b, list] of per) {
      list.sort((x, y) => x - y);
      values[b] = percentile(list, 0.95);
      counts[b] = list.length;
    }
  };
  switch (metric) {
    case 'failure_rate':
      for (const r of grouped<{ b: number; failed: number; n: number }>(
        "SELECT %b AS b, SUM(status = 'failed') AS failed, COUNT(*) AS n FROM runs WHERE ended_at >= ? AND ended_at < ? GROUP BY b",
        'ended_at',
      )) {
        values[r.b] = Number(r.failed) / Number(r.n);
        counts[r.b] = Number(r.n);
      }
      break;
    case 'phase_p95':
      spread(grouped("SELECT %b AS b, duration_ms AS v FROM phases WHERE phase = ? AND status != 'skipped' AND duration_ms IS NOT NULL AND ended_at >= ? AND ended_at < ?", 'ended_at', [phase ?? '']));
      break;
    case 'run_duration_p95':
      spread(grouped('SELECT %b AS b, duration_ms AS v FROM runs WHERE duration_ms IS NOT NULL AND ended_at >= ? AND ended_at < ?', 'ended_at'));
      break;
    case 'error_rate': {
      // Errors per minute, in buckets where runs were going on at all.
      for (const r of grouped<{ b: number; n: number }>('SELECT %b AS b, COUNT(*) AS n FROM runs WHERE started_at >= ? AND started_at < ? GROUP BY b', 'started_at')) {
        values[r.b] = 0;
        counts[r.b] = Number(r.n);
      }
      for (const r of grouped<{ b: number; n: number }>('SELECT %b AS b, COUNT(*) AS n FROM errors WHERE ts >= ? AND ts < ? GROUP BY b', 'ts')) {
        values[r.b] = Number(r.n) / (bucketMs / 60_000);
        counts[r.b] = Math.max(counts[r.b], 1);
      }
      break;
    }
    case 'cpu':
    case 'memory': {
      const figure = metric === 'cpu' ? 'AVG(cpu)' : 'AVG(mem_used * 100.0 / NULLIF(mem_total, 0))';
      for (const r of grouped<{ b: number; v: number | null; n: number }>(`SELECT %b AS b, ${figure} AS v, COUNT(*) AS n FROM samples WHERE ts >= ? AND ts < ? GROUP BY b`, 'ts')) {
        values[r.b] = r.v === null ? null : Number(r.v);
        counts[r.b] = Number(r.n);
      }
      break;
    }
    case 'cost_per_hour':
      costSeries(st, from, bucketMs, buckets).forEach((usd, b) => {
        values[b] = usd === null ? null : usd * (3600_000 / bucketMs);
        counts[b] = usd === null ? 0 : 1;
      });
      break;
  }
  return { values, counts };
}
