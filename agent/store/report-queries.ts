/**
 * What reports ask the store for beyond the API's queries: outcomes and
 * errors per time bucket, and model cost (as logged, `cost_usd` on
 * inferences) broken down by model, phase, project type, template or day.
 * Buckets are equal slices of the range from its start, like the anomaly
 * rules' series.
 */
import type { ErrorCategory } from '../ingest/events';
import { ERROR_CATEGORIES } from '../ingest/events';
import type { Statements } from './statements';

export interface Buckets {
  from: number;
  bucketMs: number;
  buckets: number;
}

export interface OutcomeSeries {
  started: number[];
  success: number[];
  failed: number[];
  partial: number[];
}

const BUCKET = (column: string) => `CAST((${column} - ?) / ? AS INTEGER)`;

function inRange(b: Buckets, r: { b: number }): boolean {
  return r.b >= 0 && r.b < b.buckets;
}

export function outcomeSeries(st: Statements, b: Buckets): OutcomeSeries {
  const zeros = () => new Array<number>(b.buckets).fill(0);
  const out: OutcomeSeries = { started: zeros(), success: zeros(), failed: zeros(), partial: zeros() };
  const to = b.from + b.bucketMs * b.buckets;
  for (const r of st.all<{ b: number; n: number }>(`SELECT ${BUCKET('started_at')} AS b, COUNT(*) AS n FROM runs WHERE started_at >= ? AND started_at < ? GROUP BY b`, [b.from, b.bucketMs, b.from, to])) {
    if (inRange(b, r)) out.started[r.b] = Number(r.n);
  }
  for (const r of st.all<{ b: number; status: string; n: number }>(
    `SELECT ${BUCKET('ended_at')} AS b, status, COUNT(*) AS n FROM runs WHERE ended_at >= ? AND ended_at < ? AND status IN ('success', 'failed', 'partial') GROUP BY b, status`,
    [b.from, b.bucketMs, b.from, to],
  )) {
    if (inRange(b, r)) out[r.status as 'success' | 'failed' | 'partial'][r.b] = Number(r.n);
  }
  return out;
}

export function errorSeries(st: Statements, b: Buckets): Record<ErrorCategory, number[]> {
  const out = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, new Array<number>(b.buckets).fill(0)])) as Record<ErrorCategory, number[]>;
  for (const r of st.all<{ b: number; category: string; n: number }>(
    `SELECT ${BUCKET('ts')} AS b, category, COUNT(*) AS n FROM errors WHERE ts >= ? AND ts < ? GROUP BY b, category`,
    [b.from, b.bucketMs, b.from, b.from + b.bucketMs * b.buckets],
  )) {
    if (inRange(b, r) && out[r.category as ErrorCategory]) out[r.category as ErrorCategory][r.b] = Number(r.n);
  }
  return out;
}

export type CostDimension = 'model' | 'phase' | 'project_type' | 'template';

export interface CostRow {
  key: string;
  /** Runs with at least one inference in the range. */
  runs: number;
  successes: number;
  inferences: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
  /** Inferences that carried a cost; the rest are unknown, not free. */
  priced: number;
  /** Cost of inferences of runs that failed. */
  wastedUsd: number;
}

const KEY: Record<CostDimension, string> = {
  model: 'i.model',
  phase: "COALESCE(i.phase, '(none)')",
  project_type: "COALESCE(r.project_type, '(none)')",
  template: "COALESCE(r.template, '(none)')",
};

/** Model cost of the range grouped by `by`, most expensive first. */
export function costBy(st: Statements, range: { from: number; to: number }, by: CostDimension): CostRow[] {
  return st
    .all<{ k: string; runs: number; ok: number; n: number; tin: number | null; tout: number | null; usd: number | null; priced: number; wasted: number | null }>(
      `SELECT ${KEY[by]} AS k, COUNT(DISTINCT i.run_id) AS runs,
         COUNT(DISTINCT CASE WHEN r.status = 'success' THEN i.run_id END) AS ok,
         COUNT(*) AS n, SUM(i.input_tokens) AS tin, SUM(i.output_tokens) AS tout,
         SUM(i.cost_usd) AS usd, COUNT(i.cost_usd) AS priced,
         SUM(CASE WHEN r.status = 'failed' THEN i.cost_usd END) AS wasted
       FROM inferences i LEFT JOIN runs r ON r.run_id = i.run_id
       WHERE i.ts >= ? AND i.ts <= ? GROUP BY k ORDER BY usd DESC NULLS LAST, n DESC`,
      [range.from, range.to],
    )
    .map((r) => ({
      key: String(r.k),
      runs: Number(r.runs),
      successes: Number(r.ok),
      inferences: Number(r.n),
      inputTokens: Number(r.tin ?? 0),
      outputTokens: Number(r.tout ?? 0),
      usd: Number(r.usd ?? 0),
      priced: Number(r.priced),
      wastedUsd: Number(r.wasted ?? 0),
    }));
}

export interface RunCost {
  runId: string;
  status: string;
  template: string | null;
  startedAt: number;
  inferences: number;
  usd: number;
}

/** The runs whose inferences in the range cost most. */
export function costliestRuns(st: Statements, range: { from: number; to: number }, limit: number): RunCost[] {
  return st
    .all<{ run_id: string; status: string | null; template: string | null; started_at: number | null; n: number; usd: number }>(
      `SELECT i.run_id, r.status, r.template, r.started_at, COUNT(*) AS n, SUM(i.cost_usd) AS usd
       FROM inferences i LEFT JOIN runs r ON r.run_id = i.run_id
       WHERE i.ts >= ? AND i.ts <= ? AND i.cost_usd IS NOT NULL GROUP BY i.run_id ORDER BY usd DESC LIMIT ?`,
      [range.from, range.to, limit],
    )
    .map((r) => ({ runId: r.run_id, status: r.status ?? 'unknown', template: r.template, startedAt: Number(r.started_at ?? 0), inferences: Number(r.n), usd: Number(r.usd) }));
}

/** Ids of incidents open at some time in the range, newest first. */
export function incidentIdsIn(st: Statements, range: { from: number; to: number }, limit: number): number[] {
  return st
    .column<number>('SELECT id FROM incidents WHERE opened_at <= ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY opened_at DESC, id DESC LIMIT ?', [range.to, range.from, limit])
    .map(Number);
}
