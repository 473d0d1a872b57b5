/**
 * Run-level figures re-derived from per-run facts, for the filters rollups
 * cannot answer: a user, or a run's primary model. Each function turns one
 * run (and its phase attempts) into the observations the apply step made for
 * it, with the times it made them where the facts keep them; what the facts
 * do not split (cost per phase, tokens per model) comes without that label.
 */
import { JOURNEY_STEPS } from '../api/types';
import type { RunFactRow } from './facts';
import type { Labels } from './rollup';
import { retryCost, totalCost } from './run-state';

export interface PhaseFact {
  runId: string;
  phase: string;
  status: string;
  durationMs: number | null;
  endedAt: number | null;
}

export interface Observation {
  labels: Labels;
  value: number;
  ts: number;
}

type Derive = (run: RunFactRow, phases: PhaseFact[]) => Observation[];

const endedAt = (r: RunFactRow): number | null => (r.status === 'abandoned' ? r.facts.abandonedAt : r.endedAt);
const ended = (r: RunFactRow, f: (ts: number) => Observation[]): Observation[] => {
  const ts = endedAt(r);
  return r.status !== 'running' && ts !== null ? f(ts) : [];
};

export const FACT_METRICS: Record<string, Derive> = {
  genmon_generation_attempts_total: (r) => [{ labels: {}, value: 1, ts: r.startedAt }],
  genmon_generation_runs_total: (r) => ended(r, (ts) => [{ labels: { status: r.status }, value: 1, ts }]),
  genmon_generation_duration_seconds: (r) =>
    r.durationMs === null || r.endedAt === null ? [] : [{ labels: { status: r.status }, value: r.durationMs / 1000, ts: r.endedAt }],
  genmon_phase_duration_seconds: (_r, phases) =>
    phases.filter((p) => p.status !== 'skipped' && p.status !== 'running' && p.durationMs !== null && p.endedAt !== null)
      .map((p) => ({ labels: { phase: p.phase, status: p.status }, value: p.durationMs! / 1000, ts: p.endedAt! })),
  genmon_regenerations_total: (r) => (r.regenerates ? [{ labels: {}, value: 1, ts: r.startedAt }] : []),
  genmon_modified_runs_total: (r) => (r.facts.modified ? [{ labels: {}, value: 1, ts: r.facts.stepAt }] : []),
  genmon_feature_requests_total: (r) => r.features.map((feature) => ({ labels: { feature }, value: 1, ts: r.startedAt })),
  genmon_features_per_run: (r) => [{ labels: {}, value: r.features.length, ts: r.startedAt }],
  genmon_feature_runs_total: (r) => ended(r, (ts) => r.features.map((feature) => ({ labels: { feature, status: r.status }, value: 1, ts }))),
  genmon_journey_step_reached_total: (r) =>
    JOURNEY_STEPS.slice(0, r.facts.step + 1).map((step, i) => ({ labels: { step }, value: 1, ts: r.facts.stepTimes[i] ?? r.startedAt })),
  genmon_journey_step_duration_seconds: (r) => {
    const out: Observation[] = [];
    let previous = r.startedAt;
    for (let i = 1; i <= r.facts.step; i++) {
      const at = r.facts.stepTimes[i];
      if (at === undefined) continue;
      out.push({ labels: { step: JOURNEY_STEPS[i] }, value: Math.max(0, at - previous) / 1000, ts: at });
      previous = at;
    }
    return out;
  },
  genmon_phases_skipped_total: (_r, phases) =>
    phases.filter((p) => p.status === 'skipped' && p.endedAt !== null).map((p) => ({ labels: { phase: p.phase }, value: 1, ts: p.endedAt! })),
  genmon_errors_total: (r) => r.facts.errors.map(([category, severity, phase, ts]) => ({ labels: { category, severity, phase }, value: 1, ts })),
  genmon_compute_units_total: (r) => [{ labels: {}, value: r.facts.computeUnits, ts: r.startedAt }],
  genmon_storage_usage_bytes: (r) => (r.facts.artifactBytes ? [{ labels: {}, value: r.facts.artifactBytes, ts: r.endedAt ?? r.startedAt }] : []),
  genmon_cost_compute_usd: (r) => [{ labels: {}, value: r.facts.computeUsd, ts: r.startedAt }],
  genmon_cost_storage_usd: (r) => (r.facts.storageUsd ? [{ labels: {}, value: r.facts.storageUsd, ts: r.endedAt ?? r.startedAt }] : []),
  genmon_cost_api_usd: (r) => [{ labels: {}, value: r.facts.apiUsd, ts: r.startedAt }],
  genmon_cost_model_usd: (r) => [{ labels: {}, value: r.facts.modelUsd, ts: r.startedAt }],
  genmon_cost_wasted_usd: (r) =>
    ended(r, (ts) => {
      if (r.status === 'failed' || r.status === 'abandoned') return [{ labels: { kind: r.status }, value: totalCost(r.facts), ts }];
      const retry = retryCost(r.facts);
      return retry > 0 ? [{ labels: { kind: 'retry' }, value: retry, ts }] : [];
    }),
};

/** Quality scores and feedback: the run's mean score, at its last score event (a run-level reading). */
for (const metric of [
  'genmon_quality_lint_score', 'genmon_quality_test_coverage_score', 'genmon_quality_security_score', 'genmon_quality_performance_score',
  'genmon_accuracy_requirements_score', 'genmon_accuracy_blueprint_score', 'genmon_accuracy_code_correctness_score',
  'genmon_accuracy_documentation_score', 'genmon_feedback_score',
]) {
  FACT_METRICS[metric] = (r) => {
    const s = r.facts.scores[metric];
    return s && s[1] > 0 ? [{ labels: {}, value: s[0] / s[1], ts: s[2] }] : [];
  };
}

/** Whether a figure can be answered from per-run facts. */
export function hasFacts(metric: string): boolean {
  return metric in FACT_METRICS;
}
