/**
 * What the metrics need to remember about a run between its events: its
 * dimensions, tokens and costs so far, how far along the journey it got.
 * Kept in the run's row (`runs.facts` and a few indexed columns), so the
 * per-run facts answer user and model filters, and a restart or a replay
 * picks up exactly where the last record left off.
 */
import type { SqlValue } from 'sql.js';
import type { Statements } from '../store/statements';

export interface RunFacts {
  tokens: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  inferences: number;
  modelUsd: number;
  computeUnits: number;
  computeUsd: number;
  apiCalls: number;
  apiUsd: number;
  artifactBytes: number;
  storageUsd: number;
  /** Furthest journey step reached (index into JOURNEY_STEPS) and when. */
  step: number;
  stepAt: number;
  modified: boolean;
  /** Cost of each phase attempt, `phase:attempt` → [usd, failed 0|1]. */
  attempts: Record<string, [number, number]>;
  /** When the run was declared abandoned, if it was. */
  abandonedAt: number | null;
  /** The attempt of each phase last started, for the cost of the model calls made in it. */
  open: Record<string, number>;
  /** When each journey step was reached, by step index. */
  stepTimes: Record<number, number>;
  /** Quality scores and feedback of the run: metric → [sum, count, last time]. */
  scores: Record<string, [number, number, number]>;
  /** The run's errors as [category, severity, phase, time]. */
  errors: [string, string, string, number][];
}

export interface RunState {
  runId: string;
  startedAt: number;
  status: string;
  projectType: string | null;
  template: string | null;
  userId: string | null;
  sessionId: string | null;
  features: string[];
  facts: RunFacts;
  lastTs: number;
}

export function emptyFacts(startedAt: number): RunFacts {
  return {
    tokens: {}, inputTokens: 0, outputTokens: 0, inferences: 0, modelUsd: 0, computeUnits: 0, computeUsd: 0, apiCalls: 0, apiUsd: 0,
    artifactBytes: 0, storageUsd: 0, step: 0, stepAt: startedAt, modified: false, attempts: {}, abandonedAt: null, open: {}, stepTimes: { 0: startedAt }, scores: {}, errors: [],
  };
}

export function totalCost(f: RunFacts): number {
  return f.modelUsd + f.computeUsd + f.apiUsd + f.storageUsd;
}

/** The model a run used most, by tokens (ties: the first by name); null when it called none. */
export function primaryModel(f: RunFacts): string | null {
  let best: string | null = null;
  for (const [model, n] of Object.entries(f.tokens).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (best === null || n > f.tokens[best]) best = model;
  }
  return best;
}

/** Spent on phase attempts that failed and were tried again. */
export function retryCost(f: RunFacts): number {
  let usd = 0;
  for (const [key, [cost, failed]] of Object.entries(f.attempts)) {
    const [phase, attempt] = key.split(':');
    if (failed && f.attempts[`${phase}:${Number(attempt) + 1}`]) usd += cost;
  }
  return usd;
}

/**
 * Run states touched recently, loaded from the database on first use and
 * written back together at the end of each journal record.
 */
export class RunStates {
  private readonly states = new Map<string, RunState>();
  private readonly dirty = new Set<string>();

  constructor(private readonly capacity = 20_000) {}

  create(state: RunState): RunState {
    this.states.set(state.runId, state);
    this.dirty.add(state.runId);
    return state;
  }

  get(st: Statements, runId: string): RunState | null {
    const cached = this.states.get(runId);
    if (cached) return cached;
    const row = st.one<Record<string, SqlValue>>(
      'SELECT run_id, started_at, status, project_type, template, user_id, session_id, features, facts, last_ts FROM runs WHERE run_id = ?',
      [runId],
    );
    if (!row) return null;
    const startedAt = Number(row.started_at);
    const state: RunState = {
      runId,
      startedAt,
      status: String(row.status),
      projectType: row.project_type === null ? null : String(row.project_type),
      template: row.template === null ? null : String(row.template),
      userId: row.user_id === null ? null : String(row.user_id),
      sessionId: row.session_id === null ? null : String(row.session_id),
      features: parseList(row.features),
      facts: row.facts ? { ...emptyFacts(startedAt), ...(JSON.parse(String(row.facts)) as RunFacts) } : emptyFacts(startedAt),
      lastTs: row.last_ts === null ? startedAt : Number(row.last_ts),
    };
    this.states.set(runId, state);
    return state;
  }

  touch(state: RunState, ts: number): void {
    if (ts > state.lastTs) state.lastTs = ts;
    this.dirty.add(state.runId);
  }

  flush(st: Statements): void {
    if (this.dirty.size > 0) {
      const rows: SqlValue[][] = [];
      for (const id of this.dirty) {
        const s = this.states.get(id);
        if (!s) continue;
        const f = s.facts;
        rows.push([id, primaryModel(f), JSON.stringify(f), totalCost(f), f.inputTokens, f.outputTokens, s.lastTs]);
      }
      this.dirty.clear();
      st.run(
        `UPDATE runs SET model = j.value ->> 1, facts = j.value ->> 2, cost_usd = j.value ->> 3, input_tokens = j.value ->> 4,
           output_tokens = j.value ->> 5, last_ts = j.value ->> 6
         FROM json_each(?) AS j WHERE runs.run_id = j.value ->> 0`,
        [JSON.stringify(rows)],
      );
    }
    if (this.states.size > this.capacity) this.states.clear();
  }

  clear(): void {
    this.states.clear();
    this.dirty.clear();
  }
}

function parseList(v: SqlValue): string[] {
  try {
    const parsed: unknown = JSON.parse(String(v ?? '[]'));
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
