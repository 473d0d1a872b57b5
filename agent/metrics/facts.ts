/**
 * Per-run facts: one row per run with its dimensions, outcome, tokens and
 * costs. They answer what rollups cannot, because rollups never carry a
 * user, a session or a run's primary model: user and model filters, cost per
 * user and per model.
 */
import type { SqlValue } from 'sql.js';
import type { MetricFilters } from '../api/types';
import type { Statements } from '../store/statements';
import { emptyFacts, type RunFacts } from './run-state';
import type { PhaseFact } from './fact-metrics';

export interface RunFactRow {
  runId: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  status: string;
  projectType: string | null;
  template: string | null;
  userId: string | null;
  sessionId: string | null;
  model: string | null;
  regenerates: string | null;
  features: string[];
  facts: RunFacts;
}

export interface FactSource {
  /** Runs started in [from, to) that pass the filters. */
  runs(from: number, to: number, filters: MetricFilters): RunFactRow[];
  /** Phase attempts of these runs (started in [from, to)). */
  phases(runIds: string[], from: number, to: number): PhaseFact[];
  /** Cost per key of the runs started in [from, to), summed where the runs are. */
  costs(key: CostKey, from: number, to: number, filters: MetricFilters): CostRow[];
  /** Distinct values of a run column (project_type, template, model) among runs started in [from, to). */
  distinct(column: 'project_type' | 'template' | 'model', from: number, to: number): string[];
  /**
   * Runs started in [from, to) that pass the filters, split in two: each
   * sealed period lying wholly inside the range reduced by `reduce` (the
   * answer kept per period and `key`, so a later query over it need not open
   * it again), and the other runs (the hot database, periods cut by the
   * range) as they are. Absent where there are no sealed periods.
   */
  reduceRuns?<T>(
    from: number, to: number, filters: MetricFilters, key: string,
    reduce: (runs: RunFactRow[], phases: (runIds: string[]) => PhaseFact[]) => T,
    /** How a reduced period is kept on disk across restarts. */
    codec: Codec<T>,
  ): {
    reduced: T[];
    runs: RunFactRow[];
    phases: (runIds: string[]) => PhaseFact[];
  };
}

/** How an answer that is not plain JSON is kept on disk. */
export interface Codec<T> {
  encode(value: T): unknown;
  decode(kept: unknown): T;
}

export function readDistinct(st: Statements, column: 'project_type' | 'template' | 'model', from: number, to: number): string[] {
  return st.column<string>(`SELECT DISTINCT ${column} FROM runs WHERE started_at >= ? AND started_at < ? AND ${column} IS NOT NULL`, [from, to]);
}

export function readPhaseFacts(st: Statements, runIds: string[]): PhaseFact[] {
  const out: PhaseFact[] = [];
  for (let i = 0; i < runIds.length; i += 5000) {
    st.each(
      'SELECT run_id, phase, status, duration_ms, ended_at FROM phases WHERE run_id IN (SELECT value FROM json_each(?))',
      [JSON.stringify(runIds.slice(i, i + 5000))],
      (r) => out.push({ runId: String(r[0]), phase: String(r[1]), status: String(r[2]), durationMs: r[3] === null ? null : Number(r[3]), endedAt: r[4] === null ? null : Number(r[4]) }),
    );
  }
  return out;
}

const COLUMNS = 'run_id, started_at, ended_at, duration_ms, status, project_type, template, user_id, session_id, model, regenerates, features, facts';

/** The facts query over one database (the hot one or a partition); every filter is a bound parameter. */
function runWhere(from: number, to: number, filters: MetricFilters): { where: string[]; params: SqlValue[] } {
  const where = ['started_at >= ?', 'started_at < ?'];
  const params: SqlValue[] = [from, to];
  for (const [column, value] of [['project_type', filters.project_type], ['template', filters.template], ['model', filters.model], ['user_id', filters.user]] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  return { where, params };
}

export interface CostRow {
  key: string;
  runs: number;
  successes: number;
  computeUsd: number;
  storageUsd: number;
  apiUsd: number;
  modelUsd: number;
  wastedUsd: number;
}

export type CostKey = 'model' | 'user' | 'project_type' | 'template' | 'day';

const COST_KEYS: Record<CostKey, string> = {
  model: 'model',
  user: 'user_id',
  project_type: 'project_type',
  template: 'template',
  day: "strftime('%Y-%m-%d', started_at / 1000, 'unixepoch')",
};

/**
 * Cost of the runs started in a range, summed per key inside SQLite: a
 * failed or abandoned run wasted all of it, one a later run regenerated all
 * but its retries (already counted), any other its retried attempts.
 */
export function readCostRows(st: Statements, key: CostKey, from: number, to: number, filters: MetricFilters): CostRow[] {
  const { where, params } = runWhere(from, to, filters);
  return st.all<Record<string, SqlValue>>(
    `SELECT COALESCE(${COST_KEYS[key]}, 'none') AS key, COUNT(*) AS runs, SUM(status = 'success') AS successes,
       SUM(compute_usd) AS compute, SUM(storage_usd) AS storage, SUM(api_usd) AS api, SUM(model_usd) AS model,
       SUM(CASE WHEN status IN ('failed', 'abandoned') THEN cost_usd
                WHEN run_id IN (SELECT regenerates FROM runs WHERE regenerates IS NOT NULL) THEN cost_usd
                ELSE retry_usd END) AS wasted
     FROM runs WHERE ${where.join(' AND ')} GROUP BY 1`,
    params,
  ).map((r) => ({
    key: String(r.key), runs: Number(r.runs), successes: Number(r.successes), computeUsd: Number(r.compute), storageUsd: Number(r.storage),
    apiUsd: Number(r.api), modelUsd: Number(r.model), wastedUsd: Number(r.wasted),
  }));
}

export function readRunFacts(st: Statements, from: number, to: number, filters: MetricFilters): RunFactRow[] {
  const { where, params } = runWhere(from, to, filters);
  const out: RunFactRow[] = [];
  st.each(`SELECT ${COLUMNS} FROM runs WHERE ${where.join(' AND ')}`, params, (r) => {
    const startedAt = Number(r[1]);
    const text = r[12];
    let parsed: RunFacts | null = null;
    out.push({
      runId: String(r[0]),
      startedAt,
      endedAt: r[2] === null ? null : Number(r[2]),
      durationMs: r[3] === null ? null : Number(r[3]),
      status: String(r[4]),
      projectType: r[5] === null ? null : String(r[5]),
      template: r[6] === null ? null : String(r[6]),
      userId: r[7] === null ? null : String(r[7]),
      sessionId: r[8] === null ? null : String(r[8]),
      model: r[9] === null ? null : String(r[9]),
      regenerates: r[10] === null ? null : String(r[10]),
      features: parseList(r[11]),
      // Parsed on first use: most figures need the columns only.
      get facts(): RunFacts {
        parsed ??= text ? { ...emptyFacts(startedAt), ...(JSON.parse(String(text)) as RunFacts) } : emptyFacts(startedAt);
        return parsed;
      },
    });
  });
  return out;
}

function parseList(v: SqlValue): string[] {
  try {
    const parsed: unknown = JSON.parse(String(v ?? '[]'));
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** Cost rows of several databases, added up per key. */
export function mergeCostRows(lists: CostRow[][]): CostRow[] {
  const out = new Map<string, CostRow>();
  for (const row of lists.flat()) {
    const r = out.get(row.key);
    if (!r) out.set(row.key, { ...row });
    else for (const k of ['runs', 'successes', 'computeUsd', 'storageUsd', 'apiUsd', 'modelUsd', 'wastedUsd'] as const) r[k] += row[k];
  }
  return [...out.values()];
}
