/**
 * Rollups: every observation of a metric lands in a 1-minute, a 1-hour and
 * a 1-day bucket of its series (metric + fixed labels). Observations are
 * gathered in memory while a journal record is applied and written at its
 * end, one upsert statement per tier, merging into rows already there (late
 * data simply adds to an older bucket). Deterministic: buckets come from the
 * events' own timestamps.
 */
import type { SqlValue } from 'sql.js';
import type { MetricLabel } from '../api/types';
import type { Statements } from '../store/statements';
import { metricDef } from './registry';
import { DEFAULT_RETENTION, tierRetentionMs, type Retention } from './settings';
import { Sketch } from './sketch';

export const TIERS = [
  { tier: '1m', ms: 60_000 },
  { tier: '1h', ms: 3_600_000 },
  { tier: '1d', ms: 86_400_000 },
] as const;
export type Tier = (typeof TIERS)[number]['tier'];

export type Labels = Partial<Record<MetricLabel, string>>;

interface Cell {
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastTs: number;
  sketch: Sketch | null;
}

/**
 * Adds rows given as a JSON array of `[series, bucket, count, sum, min, max,
 * last, last_ts, sketch hex]` into a rollup table, merging with rows there.
 */
export function rollupUpsert(tier: string): string {
  return `INSERT INTO rollup_${tier} (series, bucket, count, sum, min, max, last, last_ts, sketch)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, unhex(value ->> 8)
    FROM json_each(?) WHERE true
    ON CONFLICT (series, bucket) DO UPDATE SET
      count = count + excluded.count, sum = sum + excluded.sum,
      min = MIN(min, excluded.min), max = MAX(max, excluded.max),
      last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END,
      last_ts = MAX(last_ts, excluded.last_ts),
      sketch = sketch_merge(sketch, excluded.sketch)`;
}

/** Labels as stored: keys in sorted order, so the same set is always the same text. */
export function labelKey(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '{}';
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (const k of keys) {
    const v = labels[k as MetricLabel];
    if (v === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(v)}`;
  }
  return `${text}}`;
}

/** A series' cells in one tier, by bucket. */
interface SeriesCells {
  series: string;
  metric: string;
  labels: Labels;
  buckets: Map<number, Cell>;
}

export class RollupWriter {
  /**
   * Per tier: series, then bucket. Two lookups keyed by the series text and a
   * number are cheaper than one keyed by a string made per observation (a
   * seventh of bulk ingest went into building and hashing those keys).
   */
  private readonly cells: Map<string, SeriesCells>[] = TIERS.map(() => new Map());
  private cellCount = 0;
  private readonly seriesIds = new Map<string, number>();
  private readonly upserts: string[];
  /** Time of the journal record being applied: tiers skip observations older than they keep. */
  at = 0;
  retention: Retention = DEFAULT_RETENTION;

  constructor() {
    this.upserts = TIERS.map(({ tier }) => rollupUpsert(tier));
  }


  /**
   * One observation: a counter's increment, a gauge's reading or a
   * histogram's value, at `ts`. Non-finite values are ignored.
   */
  observe(metric: string, labels: Labels, value: number, ts: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(ts)) return;
    const def = metricDef(metric);
    if (!def || def.storage === 'alias' || def.storage === 'derived') throw new Error(`${metric} is not a stored metric`);
    // The series key from the metric's declared labels in order: no sorting or JSON per observation.
    let series = metric;
    for (const l of def.labels) {
      const v = labels[l];
      series += v === undefined ? '\u0001' : `\u0001\u0002${v}`;
    }
    const histogram = def.storage === 'histogram';
    for (const [i, { tier, ms }] of TIERS.entries()) {
      // Old events (a history read late) skip the tiers that no longer keep their time:
      // bulk ingestion then costs a few 1-hour and 1-day rows per record, not a row per minute.
      if (ts < this.at - tierRetentionMs(this.retention, tier)) continue;
      const bucket = ts - (((ts % ms) + ms) % ms);
      let of = this.cells[i].get(series);
      if (!of) {
        of = { series, metric, labels, buckets: new Map() };
        this.cells[i].set(series, of);
      }
      let cell = of.buckets.get(bucket);
      if (!cell) {
        cell = { bucket, count: 0, sum: 0, min: value, max: value, last: value, lastTs: ts, sketch: histogram ? new Sketch() : null };
        of.buckets.set(bucket, cell);
        this.cellCount++;
      }
      cell.count++;
      cell.sum += value;
      if (value < cell.min) cell.min = value;
      if (value > cell.max) cell.max = value;
      if (ts >= cell.lastTs) {
        cell.last = value;
        cell.lastTs = ts;
      }
      cell.sketch?.add(value);
    }
  }

  get pending(): boolean {
    return this.cellCount > 0;
  }

  flush(st: Statements): void {
    for (const [i, cells] of this.cells.entries()) {
      if (cells.size === 0) continue;
      const rows: SqlValue[][] = [];
      for (const of of cells.values()) {
        const id = this.seriesId(st, of);
        for (const c of of.buckets.values()) {
          rows.push([id, c.bucket, c.count, c.sum, c.min, c.max, c.last, c.lastTs, c.sketch ? Buffer.from(c.sketch.encode()).toString('hex') : null]);
        }
      }
      cells.clear();
      if (rows.length) st.run(this.upserts[i], [JSON.stringify(rows)]);
    }
    this.cellCount = 0;
  }

  /** After a rolled-back record: drop what was gathered and series ids that may not exist. */
  clear(): void {
    for (const cells of this.cells) cells.clear();
    this.cellCount = 0;
    this.seriesIds.clear();
  }

  private seriesId(st: Statements, c: SeriesCells): number {
    let id = this.seriesIds.get(c.series);
    if (id !== undefined) return id;
    const text = labelKey(c.labels);
    const row = st.one<{ id: number }>('SELECT id FROM series WHERE metric = ? AND labels = ?', [c.metric, text]);
    if (row) id = Number(row.id);
    else {
      st.run('INSERT INTO series (metric, labels) VALUES (?, ?)', [c.metric, text]);
      id = Number(st.one<{ id: number }>('SELECT last_insert_rowid() AS id')!.id);
    }
    this.seriesIds.set(c.series, id);
    return id;
  }
}
