/**
 * Where rollup rows are read from: the hot database, and (through the
 * partition set) sealed partition files. A query reads every source for
 * each segment and adds the rows up; a bucket is in exactly one source.
 */
import type { SqlValue } from 'sql.js';
import type { Statements } from '../store/statements';
import type { Tier } from './rollup';

/** series, bucket, count, sum, min, max, last, last_ts, sketch (null unless asked for). */
export type RollupRow = [number, number, number, number, number | null, number | null, number | null, number | null, Uint8Array | null];

export interface RollupSource {
  read(tier: Tier, series: number[], from: number, to: number, withSketch: boolean, fn: (row: RollupRow) => void): void;
}

export function statementsSource(st: Statements): RollupSource {
  return {
    read(tier, series, from, to, withSketch, fn) {
      if (series.length === 0) return;
      st.each(
        `SELECT series, bucket, count, sum, min, max, last, last_ts, ${withSketch ? 'sketch' : 'NULL'} FROM rollup_${tier}
         WHERE series IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ?`,
        [JSON.stringify(series), from, to],
        (row: SqlValue[]) => fn(row as RollupRow),
      );
    },
  };
}

export interface SeriesInfo {
  id: number;
  labels: Record<string, string>;
}

/** The series of each metric, cached; re-read when new series appear. */
export class SeriesIndex {
  private byMetric = new Map<string, SeriesInfo[]>();
  private maxId = -1;

  constructor(private readonly st: Statements) {}

  of(metric: string): SeriesInfo[] {
    const max = Number(this.st.one<{ m: number | null }>('SELECT MAX(id) AS m FROM series')?.m ?? 0);
    if (max !== this.maxId) {
      this.byMetric = new Map();
      for (const row of this.st.all<{ id: number; metric: string; labels: string }>('SELECT id, metric, labels FROM series')) {
        const list = this.byMetric.get(row.metric) ?? [];
        list.push({ id: Number(row.id), labels: JSON.parse(row.labels) as Record<string, string> });
        this.byMetric.set(row.metric, list);
      }
      this.maxId = max;
    }
    return this.byMetric.get(metric) ?? [];
  }
}
