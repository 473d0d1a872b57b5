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
  /** Distinct values of a run column (project_type, template, model) among runs started in [from, to). */
  distinct(column: 'project_type' | 'template' | 'model', from: number, to: number): string[];
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
export function readRunFacts(st: Statements, from: number, to: number, filters: MetricFilters): RunFactRow[] {
  const where = ['started_at >= ?', 'started_at < ?'];
  const params: SqlValue[] = [from, to];
  for (const [column, value] of [['project_type', filters.project_type], ['template', filters.template], ['model', filters.model], ['user_id', filters.user]] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  const out: RunFactRow[] = [];
  st.each(`SELECT ${COLUMNS} FROM runs WHERE ${where.join(' AND ')}`, params, (r) => {
    const startedAt = Number(r[1]);
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
      facts: r[12] ? { ...emptyFacts(startedAt), ...(JSON.parse(String(r[12])) as RunFacts) } : emptyFacts(startedAt),
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
