/**
 * Events → metric observations (docs/metrics.md says what each one means).
 * Called by the store's apply step for every accepted event, and by the
 * journaled maintenance tick for what only time decides (abandoned runs,
 * closed sessions), so a replay produces the same rollups.
 */
import type { SqlValue } from 'sql.js';
import { JOURNEY_STEPS } from '../api/types';
import type { ApiRequest, DbQuery, ErrorEvent, ModelInference, NetworkProbe, PhaseEnded, QualityScores, RunEnded, RunStarted } from '../ingest/events';
import type { Statements } from '../store/statements';
import type { PriceTable } from './prices';
import { inferenceCost } from './prices';
import type { Labels, RollupWriter } from './rollup';
import { emptyFacts, retryCost, RunStates, totalCost, type RunState } from './run-state';

const HOUR = 3_600_000;
const STEP_OF_PHASE: Record<string, number> = { blueprint: 1, codegen: 2, validation: 3, deployment: 4 };

const QUALITY_FIELDS: [keyof QualityScores, string][] = [
  ['lint', 'genmon_quality_lint_score'],
  ['coverage', 'genmon_quality_test_coverage_score'],
  ['security', 'genmon_quality_security_score'],
  ['performance', 'genmon_quality_performance_score'],
  ['requirements', 'genmon_accuracy_requirements_score'],
  ['blueprint_accuracy', 'genmon_accuracy_blueprint_score'],
  ['correctness', 'genmon_accuracy_code_correctness_score'],
  ['documentation', 'genmon_accuracy_documentation_score'],
];

export interface TickOptions {
  abandonAfterMs: number;
  sessionTimeoutMs: number;
}

export class MetricDeriver {
  readonly runs = new RunStates();

  constructor(
    private readonly st: Statements,
    private readonly rollup: RollupWriter,
    private readonly prices: () => PriceTable,
  ) {}

  /**
   * A run-derived figure. Rollups carry its own labels only: its run's
   * project type, template, primary model and user live in the run's facts,
   * which answer filters by them.
   */
  private run(_state: RunState, metric: string, labels: Labels, value: number, ts: number): void {
    this.rollup.observe(metric, labels, value, ts);
  }

  private state(runId: string, ts: number): RunState | null {
    const s = this.runs.get(this.st, runId);
    if (s) this.runs.touch(s, ts);
    return s;
  }

  runStarted(e: RunStarted, ts: number, known: boolean): void {
    const features = e.features ?? [];
    if (known) {
      // A repeated run.started updates the row; its figures were counted the first time.
      const s = this.runs.get(this.st, e.run_id);
      if (s) Object.assign(s, { projectType: e.project_type ?? null, template: e.template ?? null, userId: e.user_id ?? null, sessionId: e.session_id ?? null, features });
      return;
    }
    const s = this.runs.create({
      runId: e.run_id, startedAt: ts, status: 'running', projectType: e.project_type ?? null, template: e.template ?? null,
      userId: e.user_id ?? null, sessionId: e.session_id ?? null, features, facts: emptyFacts(ts), lastTs: ts,
    });
    this.run(s, 'genmon_generation_attempts_total', {}, 1, ts);
    this.run(s, 'genmon_journey_step_reached_total', { step: 'started' }, 1, ts);
    this.run(s, 'genmon_features_per_run', {}, features.length, ts);
    for (const feature of features) this.run(s, 'genmon_feature_requests_total', { feature }, 1, ts);
    if (e.regenerates) {
      this.run(s, 'genmon_regenerations_total', {}, 1, ts);
      const earlier = this.runs.get(this.st, e.regenerates);
      if (earlier && (earlier.status === 'success' || earlier.status === 'partial')) {
        // Its retried attempts were counted as retry waste when it ended.
        this.run(earlier, 'genmon_cost_wasted_usd', { kind: 'regeneration' }, totalCost(earlier.facts) - retryCost(earlier.facts), ts);
      }
    }
    this.interaction(s, ts, 'run');
    if (s.userId) this.st.run('INSERT OR IGNORE INTO user_activity (hour, user_id) VALUES (?, ?)', [ts - (ts % HOUR), s.userId]);
  }

  phaseEnded(e: PhaseEnded, ts: number, attempt: number): void {
    const s = this.state(e.run_id, ts);
    if (!s) return;
    const seconds = e.duration_ms / 1000;
    if (e.status === 'skipped') this.run(s, 'genmon_phases_skipped_total', { phase: e.phase }, 1, ts);
    else {
      this.run(s, 'genmon_phase_duration_seconds', { phase: e.phase, status: e.status }, seconds, ts);
      const usd = seconds * this.prices().computePerUnit;
      this.run(s, 'genmon_compute_units_total', { phase: e.phase }, seconds, ts);
      this.run(s, 'genmon_cost_compute_usd', { phase: e.phase }, usd, ts);
      s.facts.computeUnits += seconds;
      s.facts.computeUsd += usd;
      this.attemptCost(s, e.phase, attempt, usd);
      if (e.status === 'failed') s.facts.attempts[`${e.phase}:${attempt}`][1] = 1;
    }
    const step = STEP_OF_PHASE[e.phase];
    if (e.status === 'ok' && step > s.facts.step) {
      const name = JOURNEY_STEPS[step];
      this.run(s, 'genmon_journey_step_reached_total', { step: name }, 1, ts);
      this.run(s, 'genmon_journey_step_duration_seconds', { step: name }, Math.max(0, ts - s.facts.stepAt) / 1000, ts);
      s.facts.stepTimes[step] = ts;
      s.facts.step = step;
      s.facts.stepAt = ts;
    }
  }

  phaseStarted(runId: string, phase: string, attempt: number, ts: number): void {
    const s = this.state(runId, ts);
    if (s) s.facts.open[phase] = attempt;
  }

  inference(e: ModelInference, ts: number): void {
    const s = this.state(e.run_id, ts);
    if (!s) return;
    const model = { model: e.model };
    const input = e.input_tokens ?? 0;
    const output = e.output_tokens ?? 0;
    const usd = inferenceCost(this.prices(), e.model, input, output, e.cost_usd);
    this.rollup.observe('genmon_model_inference_duration_seconds', { ...model, phase: e.phase ?? 'none' }, e.latency_ms / 1000, ts);
    if (e.queue_length !== undefined) this.rollup.observe('genmon_model_queue_length', model, e.queue_length, ts);
    if (e.batch_size !== undefined) this.rollup.observe('genmon_model_batch_size', model, e.batch_size, ts);
    this.rollup.observe('genmon_model_busy_seconds_total', model, Math.max(0, e.latency_ms - (e.queue_ms ?? 0)) / 1000, ts);
    if (input) this.rollup.observe('genmon_model_tokens_total', { ...model, direction: 'input' }, input, ts);
    if (output) this.rollup.observe('genmon_model_tokens_total', { ...model, direction: 'output' }, output, ts);
    this.run(s, 'genmon_cost_model_usd', { ...model, phase: e.phase ?? 'none' }, usd, ts);
    const f = s.facts;
    f.tokens[e.model] = (f.tokens[e.model] ?? 0) + input + output;
    f.inputTokens += input;
    f.outputTokens += output;
    f.inferences++;
    f.modelUsd += usd;
    const attempt = e.phase ? f.open[e.phase] : undefined;
    if (e.phase && attempt !== undefined) this.attemptCost(s, e.phase, attempt, usd);
  }

  apiRequest(e: ApiRequest, ts: number): void {
    const status = e.status_code === undefined ? 'none' : `${Math.floor(e.status_code / 100)}xx`;
    this.rollup.observe('genmon_api_request_duration_seconds', { route: e.route, method: e.method ?? 'none', status }, e.duration_ms / 1000, ts);
    if (e.in_flight !== undefined) this.rollup.observe('genmon_api_in_flight_requests', {}, e.in_flight, ts);
    const s = this.state(e.run_id, ts);
    if (!s) return;
    const usd = this.prices().apiPerCall;
    this.run(s, 'genmon_cost_api_usd', {}, usd, ts);
    s.facts.apiCalls++;
    s.facts.apiUsd += usd;
  }

  dbQuery(e: DbQuery, ts: number): void {
    this.rollup.observe('genmon_db_query_duration_seconds', { operation: e.operation }, e.duration_ms / 1000, ts);
    if (e.pool_in_use !== undefined) this.rollup.observe('genmon_db_connection_pool_in_use', {}, e.pool_in_use, ts);
    if (e.pool_size !== undefined) this.rollup.observe('genmon_db_connection_pool_size', {}, e.pool_size, ts);
    if (e.deadlock) this.rollup.observe('genmon_db_deadlocks_total', {}, 1, ts);
    if (e.replication_lag_ms !== undefined) this.rollup.observe('genmon_db_replication_lag_seconds', {}, e.replication_lag_ms / 1000, ts);
  }

  error(e: ErrorEvent, ts: number): void {
    const s = this.state(e.run_id, ts);
    if (!s) return;
    this.run(s, 'genmon_errors_total', { category: e.category, severity: e.severity, phase: e.phase ?? 'none' }, 1, ts);
    s.facts.errors.push([e.category, e.severity, e.phase ?? 'none', ts]);
  }

  quality(e: QualityScores, ts: number): void {
    const s = this.state(e.run_id, ts);
    if (!s) return;
    for (const [field, metric] of QUALITY_FIELDS) {
      const v = e[field];
      if (typeof v !== 'number') continue;
      this.run(s, metric, {}, v, ts);
      s.facts.scores[metric] = [(s.facts.scores[metric]?.[0] ?? 0) + v, (s.facts.scores[metric]?.[1] ?? 0) + 1, ts];
    }
  }

  feedback(runId: string, score: number, ts: number): void {
    const s = this.state(runId, ts);
    if (!s) return;
    this.run(s, 'genmon_feedback_score', {}, score, ts);
    s.facts.scores.genmon_feedback_score = [(s.facts.scores.genmon_feedback_score?.[0] ?? 0) + score, (s.facts.scores.genmon_feedback_score?.[1] ?? 0) + 1, ts];
    this.interaction(s, ts, 'other');
  }

  modification(runId: string, ts: number): void {
    const s = this.state(runId, ts);
    if (!s) return;
    if (!s.facts.modified) {
      s.facts.modified = true;
      this.run(s, 'genmon_modified_runs_total', {}, 1, ts);
    }
    this.interaction(s, ts, 'other');
  }

  runEnded(e: RunEnded, ts: number): void {
    const s = this.state(e.run_id, ts);
    if (!s || (s.status !== 'running' && s.status !== 'abandoned')) return;
    const f = s.facts;
    if (s.status === 'abandoned' && f.abandonedAt !== null) {
      // Declared abandoned, then ended after all: it counts as what it ended as.
      this.run(s, 'genmon_generation_runs_total', { status: 'abandoned' }, -1, f.abandonedAt);
      for (const feature of s.features) this.run(s, 'genmon_feature_runs_total', { feature, status: 'abandoned' }, -1, f.abandonedAt);
      this.run(s, 'genmon_cost_wasted_usd', { kind: 'abandoned' }, -totalCost(f), f.abandonedAt);
      f.abandonedAt = null;
    }
    s.status = e.status;
    if (e.artifact_bytes) {
      const usd = (e.artifact_bytes / 1e9) * this.prices().storagePerGbMonth;
      this.run(s, 'genmon_storage_usage_bytes', {}, e.artifact_bytes, ts);
      this.run(s, 'genmon_cost_storage_usd', {}, usd, ts);
      f.artifactBytes += e.artifact_bytes;
      f.storageUsd += usd;
    }
    this.run(s, 'genmon_generation_runs_total', { status: e.status }, 1, ts);
    this.run(s, 'genmon_generation_duration_seconds', { status: e.status }, e.duration_ms / 1000, ts);
    for (const feature of s.features) this.run(s, 'genmon_feature_runs_total', { feature, status: e.status }, 1, ts);
    if (e.status === 'failed') this.run(s, 'genmon_cost_wasted_usd', { kind: 'failed' }, totalCost(f), ts);
    else {
      const retries = retryCost(f);
      if (retries > 0) this.run(s, 'genmon_cost_wasted_usd', { kind: 'retry' }, retries, ts);
    }
    if (e.status === 'success' && s.sessionId) this.st.run('UPDATE sessions SET successes = successes + 1 WHERE session_id = ?', [s.sessionId]);
  }

  /** A run.abandoned event, or the timeout (decided by a journaled tick). */
  abandon(runId: string, at: number): void {
    const s = this.runs.get(this.st, runId);
    if (!s || s.status !== 'running') return;
    this.runs.touch(s, at);
    s.status = 'abandoned';
    s.facts.abandonedAt = at;
    this.st.run("UPDATE runs SET status = 'abandoned' WHERE run_id = ?", [runId]);
    this.run(s, 'genmon_generation_runs_total', { status: 'abandoned' }, 1, at);
    for (const feature of s.features) this.run(s, 'genmon_feature_runs_total', { feature, status: 'abandoned' }, 1, at);
    this.run(s, 'genmon_cost_wasted_usd', { kind: 'abandoned' }, totalCost(s.facts), at);
  }

  networkProbe(e: NetworkProbe, ts: number): void {
    this.rollup.observe('genmon_network_latency_seconds', {}, e.latency_ms / 1000, ts);
  }

  /**
   * What only time decides, as of `at` (the tick record's time): runs with
   * no end within the timeout are abandoned at start + timeout; sessions idle
   * past their timeout close at their last event.
   */
  tick(at: number, opts: TickOptions): string[] {
    const stale = this.st.column<string>("SELECT run_id FROM runs WHERE status = 'running' AND started_at < ?", [at - opts.abandonAfterMs]);
    for (const runId of stale) {
      const s = this.runs.get(this.st, runId);
      if (s) this.abandon(runId, s.startedAt + opts.abandonAfterMs);
    }
    const sessions = this.st.all<Record<string, SqlValue>>(
      'SELECT session_id, started_at, last_at, interactions, successes FROM sessions WHERE closed_at IS NULL AND last_at < ?',
      [at - opts.sessionTimeoutMs],
    );
    for (const row of sessions) {
      const last = Number(row.last_at);
      this.rollup.observe('genmon_session_duration_seconds', {}, (last - Number(row.started_at)) / 1000, last);
      this.rollup.observe('genmon_sessions_total', { status: Number(row.successes) > 0 ? 'completed' : 'not_completed' }, 1, last);
      if (Number(row.interactions) === 1) this.rollup.observe('genmon_session_bounces_total', {}, 1, last);
      this.st.run('UPDATE sessions SET closed_at = ? WHERE session_id = ?', [last, String(row.session_id)]);
    }
    return stale;
  }

  flush(): void {
    this.runs.flush(this.st);
    this.rollup.flush(this.st);
  }

  clear(): void {
    this.runs.clear();
    this.rollup.clear();
  }

  private attemptCost(s: RunState, phase: string, attempt: number, usd: number): void {
    const key = `${phase}:${attempt}`;
    const entry = (s.facts.attempts[key] ??= [0, 0]);
    entry[0] += usd;
  }

  private interaction(s: RunState, ts: number, kind: 'run' | 'other'): void {
    this.rollup.observe('genmon_session_interactions_total', {}, 1, ts);
    if (!s.sessionId) return;
    this.st.run(
      `INSERT INTO sessions (session_id, user_id, started_at, last_at, runs, interactions) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT(session_id) DO UPDATE SET last_at = MAX(last_at, excluded.last_at), started_at = MIN(started_at, excluded.started_at),
         runs = runs + excluded.runs, interactions = interactions + 1`,
      [s.sessionId, s.userId, ts, ts, kind === 'run' ? 1 : 0],
    );
  }
}
