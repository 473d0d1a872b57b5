/**
 * Where the money went: cost per day and per phase from the rollups; per
 * model, user, project type and template (and any filtered breakdown) from
 * the per-run facts, each run attributed whole to its user, its project and
 * its primary model (the one it spent the most tokens on).
 */
import type { CostBreakdown, MetricFilters, MetricLabel } from '../api/types';
import type { FactSource } from './facts';
import { retryCost, totalCost, type RunFacts } from './run-state';
import type { MetricEngine } from './query';

type Row = CostBreakdown['rows'][number];
const PARTS = [
  ['computeUsd', 'genmon_cost_compute_usd'],
  ['storageUsd', 'genmon_cost_storage_usd'],
  ['apiUsd', 'genmon_cost_api_usd'],
  ['modelUsd', 'genmon_cost_model_usd'],
] as const;

export function costBreakdown(engine: MetricEngine, facts: FactSource, by: CostBreakdown['by'], from: number, to: number, filters: MetricFilters): CostBreakdown {
  const fromRuns = by === 'model' || by === 'user' || by === 'project_type' || by === 'template' || Object.keys(filters).length > 0;
  const rows = fromRuns ? fromFacts(facts, by === 'day' || by === 'phase' ? 'day' : by, from, to, filters) : fromRollups(engine, by as 'day' | 'phase', from, to, filters);
  rows.sort((a, b) => b.totalUsd - a.totalUsd || (a.key < b.key ? -1 : 1));
  const sum = (k: keyof Row) => rows.reduce((n, r) => n + (r[k] as number), 0);
  const successes = engine.stat('genmon_generation_runs_total', 'increase', from, to, ['status'], filters).by?.find((g) => g.labels.status === 'success')?.value ?? 0;
  const tokens = engine.stat('genmon_model_tokens_total', 'increase', from, to, ['direction'], filters).by ?? [];
  const totalUsd = sum('totalUsd');
  return {
    from, to, by, rows,
    total: {
      totalUsd,
      wastedUsd: sum('wastedUsd'),
      perSuccessUsd: successes > 0 ? totalUsd / successes : null,
      inputTokens: tokens.find((t) => t.labels.direction === 'input')?.value ?? 0,
      outputTokens: tokens.find((t) => t.labels.direction === 'output')?.value ?? 0,
    },
  };
}

function fromRollups(engine: MetricEngine, by: 'day' | 'phase', from: number, to: number, filters: MetricFilters): Row[] {
  const rows = new Map<string, Row>();
  const row = (key: string): Row => {
    let r = rows.get(key);
    if (!r) {
      r = { key, runs: 0, successes: 0, computeUsd: 0, storageUsd: 0, apiUsd: 0, modelUsd: 0, totalUsd: 0, wastedUsd: 0, perSuccessUsd: null };
      rows.set(key, r);
    }
    return r;
  };
  /** Per key: a metric's increase, with `where` on its labels; a metric without the `by` label goes to "none". */
  const each = (metric: string, where: Record<string, string> | null, add: (r: Row, v: number) => void) => {
    if (by === 'day') {
      const day = 86_400_000;
      const q = engine.query({ metric, from, to, step: day, agg: 'increase', by: where ? (Object.keys(where) as MetricLabel[]) : [], filters });
      for (const s of q.series) {
        if (where && Object.entries(where).some(([l, v]) => s.labels[l as MetricLabel] !== v)) continue;
        for (const [t, v] of s.points) if (v) add(row(new Date(t).toISOString().slice(0, 10)), v);
      }
      return;
    }
    const labels = engine.def(metric).labels;
    const groupBy = [...(labels.includes(by) ? [by] : []), ...(where ? (Object.keys(where) as MetricLabel[]) : [])];
    const stat = engine.stat(metric, 'increase', from, to, groupBy, filters);
    for (const g of stat.by ?? []) {
      if (where && Object.entries(where).some(([l, v]) => g.labels[l as MetricLabel] !== v)) continue;
      if (g.value) add(row(labels.includes(by) ? (g.labels[by] ?? 'none') : 'none'), g.value);
    }
  };
  for (const [field, metric] of PARTS) each(metric, null, (r, v) => (r[field] += v));
  each('genmon_cost_wasted_usd', null, (r, v) => (r.wastedUsd += v));
  each('genmon_generation_attempts_total', null, (r, v) => (r.runs += v));
  each('genmon_generation_runs_total', { status: 'success' }, (r, v) => (r.successes += v));
  for (const r of rows.values()) finish(r);
  return [...rows.values()];
}

/** Per run, attributed whole to its key (by=phase under a filter falls back to days). */
function fromFacts(facts: FactSource, by: 'model' | 'user' | 'project_type' | 'template' | 'day', from: number, to: number, filters: MetricFilters): Row[] {
  const rows = new Map<string, Row>();
  const runs = facts.runs(from, to, filters);
  const regenerated = new Set(runs.map((r) => r.regenerates).filter((id): id is string => id !== null));
  for (const run of runs) {
    const key =
      (by === 'model' ? run.model
        : by === 'user' ? run.userId
        : by === 'project_type' ? run.projectType
        : by === 'template' ? run.template
        : new Date(run.startedAt).toISOString().slice(0, 10)) ?? 'none';
    let r = rows.get(key);
    if (!r) {
      r = { key, runs: 0, successes: 0, computeUsd: 0, storageUsd: 0, apiUsd: 0, modelUsd: 0, totalUsd: 0, wastedUsd: 0, perSuccessUsd: null };
      rows.set(key, r);
    }
    const f: RunFacts = run.facts;
    r.runs++;
    if (run.status === 'success') r.successes++;
    r.computeUsd += f.computeUsd;
    r.storageUsd += f.storageUsd;
    r.apiUsd += f.apiUsd;
    r.modelUsd += f.modelUsd;
    r.wastedUsd += wasted(run.status, f, regenerated.has(run.runId));
  }
  for (const r of rows.values()) finish(r);
  return [...rows.values()];
}

/** What a run spent without a result: all of a failed or abandoned run, retried attempts, all of a good run that was regenerated. */
export function wasted(status: string, f: RunFacts, regenerated: boolean): number {
  if (status === 'failed' || status === 'abandoned') return totalCost(f);
  if (regenerated && (status === 'success' || status === 'partial')) return totalCost(f);
  return retryCost(f);
}

function finish(r: Row): void {
  r.totalUsd = r.computeUsd + r.storageUsd + r.apiUsd + r.modelUsd;
  r.perSuccessUsd = r.successes > 0 ? r.totalUsd / r.successes : null;
}
