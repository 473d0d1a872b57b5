/**
 * Made-up answers to the metric endpoints (/query, /stat, /histogram,
 * /funnel, /cost, /labels, /errors/groups), shaped exactly like the agent's
 * API types and derived from the fixture's runs where a run can say it, so
 * the harness draws every panel and the filters change what is drawn. Only
 * for the harness: the real panel never sees these.
 */
import type {
  Correlation, CostBreakdown, ErrorGroup, ErrorGroupDetail, ErrorTrend, FunnelResult, HistogramResult, MetricFilters, MetricLabel, MetricQueryResult, MetricStat, RunSummary,
} from '../../../agent/api/types';
import { JOURNEY_STEPS } from '../../../agent/api/types';
import { PHASES } from '../../../agent/ingest/events';
import type { Fixture } from './fixture';

type Labels = Partial<Record<MetricLabel, string>>;
type Query = Record<string, string | number | undefined>;

const MODELS = ['gpt-4o', 'claude-sonnet', 'llama-3-70b', 'gpt-4o-mini'];
const FEATURES = ['auth', 'payments', 'search', 'chat', 'i18n', 'file-upload'];
/** Label values of the metrics a panel splits by. */
const VALUES: Partial<Record<MetricLabel, string[]>> = {
  status: ['success', 'failed', 'partial', 'abandoned'], phase: [...PHASES], model: MODELS, feature: FEATURES,
  category: ['validation', 'generation', 'deployment', 'system'], severity: ['critical', 'error', 'warning', 'info'],
  route: ['/api/generate', '/api/templates/:id', '/v2/deployments', '/registry/:package', '/api/runs/:id/checks'],
  kind: ['failed', 'abandoned', 'retry', 'regeneration'], mount: ['/', '/home'], direction: ['read', 'write'],
};
/** A typical value per metric (seconds, ratios, counts per run); anything else gets 1. */
const TYPICAL: Record<string, number> = {
  genmon_model_inference_duration_seconds: 1.8, genmon_api_request_duration_seconds: 0.12, genmon_db_query_duration_seconds: 0.008,
  genmon_model_batch_size: 6, genmon_session_duration_seconds: 900, genmon_features_per_run: 3, genmon_model_queue_length: 4,
  genmon_model_utilization_ratio: 0.6, genmon_api_saturation_ratio: 0.45, genmon_db_connection_pool_ratio: 0.35, genmon_disk_used_ratio: 0.62,
  genmon_db_replication_lag_seconds: 0.4, genmon_api_requests_total: 30, genmon_api_request_errors_total: 0.6, genmon_model_tokens_total: 9000,
  genmon_model_inferences_total: 6, genmon_feature_requests_total: 1.5, genmon_session_interactions_total: 12, genmon_db_deadlocks_total: 0.01,
  genmon_feature_abandonment_ratio: 0.12, genmon_feature_success_ratio: 0.8, genmon_session_completion_ratio: 0.7, genmon_session_bounce_ratio: 0.15,
  genmon_cost_total_usd: 0.42, genmon_cost_wasted_usd: 0.06, genmon_cost_per_successful_deployment_usd: 0.55, genmon_errors_total: 0.4,
};

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/** The model a fixture run used: fixed per run id, since run summaries do not carry one. */
export function modelOf(run: RunSummary): string {
  return MODELS[Math.floor(hash(run.runId) * MODELS.length)];
}

export function filterRuns(runs: readonly RunSummary[], f: MetricFilters): RunSummary[] {
  return runs.filter((r) => (!f.project_type || r.projectType === f.project_type) && (!f.user || r.userId === f.user) && (!f.model || modelOf(r) === f.model));
}

const statusOf = (r: RunSummary) => (r.status === 'running' ? null : r.status);
const costOf = (r: RunSummary) => 0.05 + ((r.durationMs ?? 60_000) / 60_000) * (0.1 + hash(modelOf(r)) * 0.4);

export class MetricsFixture {
  constructor(private readonly fixture: Fixture) {}

  answer(path: string, q: Query, params: Record<string, string>): unknown {
    const to = Number(q.to ?? this.fixture.capturedAt);
    const from = Number(q.from ?? to - 24 * 3600_000);
    const filters: MetricFilters = { project_type: str(q.project_type), model: str(q.model), user: str(q.user) };
    const runs = filterRuns(this.fixture.runs, filters).filter((r) => r.startedAt >= from && r.startedAt <= to);
    switch (path) {
      case '/query':
        return this.query(String(q.metric), from, to, str(q.agg), str(q.by), runs);
      case '/stat':
        return this.stat(String(q.q), str(q.by), runs);
      case '/histogram':
        return this.histogram(String(q.metric), from, to, str(q.by), runs);
      case '/funnel':
        return funnel(from, to, runs);
      case '/cost':
        return cost(from, to, (str(q.by) ?? 'day') as CostBreakdown['by'], runs);
      case '/labels/:name':
        return labelValues(params.name, this.fixture.runs);
      case '/errors/groups':
        return this.errorGroups(from, to);
      case '/errors/trend':
        return this.trend(from, to, Number(q.buckets ?? 48), Number(q.limit ?? 10));
      case '/errors/groups/:fingerprint':
        return this.groupDetail(params.fingerprint, from, to, Number(q.buckets ?? 48));
      default:
        return undefined;
    }
  }

  private query(metric: string, from: number, to: number, agg: string | undefined, by: string | undefined, runs: RunSummary[]): MetricQueryResult {
    const step = Math.max(10_000, Math.ceil((to - from) / 96 / 10_000) * 10_000);
    const starts: number[] = [];
    for (let t = Math.floor(from / step) * step; t <= to; t += step) starts.push(t);
    const split = splitBy(by);
    const series = split.map((labels) => ({
      labels,
      points: starts.map((t): [number, number | null] => {
        const inStep = runs.filter((r) => r.startedAt >= t && r.startedAt < t + step);
        return [t, this.value(metric, labels, inStep, t, agg)];
      }),
    }));
    return { metric, from, to, step, agg: (agg ?? 'avg') as MetricQueryResult['agg'], tier: '1m', series };
  }

  /** One step's value: counted from the runs where they say it, else a typical value shaped by the runs' share. */
  private value(metric: string, labels: Labels, runs: RunSummary[], t: number, agg?: string): number | null {
    const ended = runs.filter((r) => statusOf(r) !== null);
    switch (metric) {
      case 'genmon_generation_runs_total':
        return ended.filter((r) => !labels.status || r.status === labels.status).length;
      case 'genmon_generation_attempts_total':
        return runs.length;
      case 'genmon_generation_success_ratio':
        return ended.length ? ended.filter((r) => r.status === 'success').length / ended.length : null;
      case 'genmon_phase_duration_seconds':
        return ended.length ? (PHASE_SECONDS[labels.phase as keyof typeof PHASE_SECONDS] ?? 10) * (0.8 + 0.6 * wave(metric + labels.phase, t)) : null;
      case 'genmon_errors_total':
        return ended.reduce((n, r) => n + r.errorCount, 0) * share(labels);
    }
    if (runs.length === 0 && !metric.startsWith('genmon_disk') && !metric.startsWith('genmon_model_queue') && !metric.endsWith('_ratio')) return null;
    const typical = TYPICAL[metric] ?? 1;
    const perRun = metric.endsWith('_total') && agg !== 'rate' ? typical * Math.max(1, runs.length) : typical;
    const rate = agg === 'rate' ? (typical * runs.length) / 60 : perRun;
    return rate * share(labels) * (0.7 + 0.6 * wave(metric + JSON.stringify(labels), t));
  }

  private stat(q: string, by: string | undefined, runs: RunSummary[]): MetricStat[] {
    return q.split(',').map((part) => {
      const [metric, agg = 'avg'] = part.split(':');
      const one = (labels: Labels) => this.total(metric, agg, labels, runs);
      return { metric, agg: agg as MetricStat['agg'], value: one({}), ...(by ? { by: splitBy(by).map((labels) => ({ labels, value: one(labels) })) } : {}) };
    });
  }

  private total(metric: string, agg: string, labels: Labels, runs: RunSummary[]): number | null {
    const ended = runs.filter((r) => statusOf(r) !== null);
    if (metric === 'genmon_generation_duration_seconds') {
      const d = ended.map((r) => (r.durationMs ?? 0) / 1000).sort((a, b) => a - b);
      return d.length ? d[Math.min(d.length - 1, Math.floor((agg === 'p50' ? 0.5 : 0.95) * d.length))] : null;
    }
    if (metric === 'genmon_unique_users') return new Set(runs.map((r) => r.userId)).size;
    if (metric === 'genmon_journey_conversion_ratio') return runs.length ? ended.filter((r) => r.status === 'success').length / runs.length : null;
    if (metric === 'genmon_generations_total') return ended.length;
    if (metric === 'genmon_cost_total_usd') return runs.reduce((n, r) => n + costOf(r), 0) * share(labels);
    if (metric.endsWith('_total') && !['genmon_generation_runs_total', 'genmon_generation_attempts_total', 'genmon_errors_total'].includes(metric)) {
      return runs.length ? (TYPICAL[metric] ?? 1) * runs.length * share(labels) : 0;
    }
    if (metric.startsWith('genmon_generation') || metric === 'genmon_errors_total') return runs.length ? this.value(metric, labels, runs, 0) : 0;
    if (metric.endsWith('_usd')) return runs.length ? (TYPICAL[metric] ?? 0.1) * (metric.includes('per_successful') ? 1 : runs.length) * share(labels) : null;
    return runs.length ? (TYPICAL[metric] ?? 1) * (0.8 + 0.4 * hash(metric + JSON.stringify(labels))) * (agg === 'p95' ? 2.5 : agg === 'max' ? 3 : 1) : null;
  }

  private histogram(metric: string, from: number, to: number, by: string | undefined, runs: RunSummary[]): HistogramResult {
    const ended = runs.filter((r) => statusOf(r) !== null);
    return {
      metric, from, to,
      series: splitBy(by).map((labels) => {
        const values =
          metric === 'genmon_generation_duration_seconds'
            ? ended.map((r) => (r.durationMs ?? 0) / 1000)
            : ended.map((r, i) => {
                const median = metric === 'genmon_phase_duration_seconds' ? PHASE_SECONDS[labels.phase as keyof typeof PHASE_SECONDS] ?? 10 : TYPICAL[metric] ?? 1;
                return median * Math.exp(0.5 * (hash(`${r.runId}${metric}${labels.phase ?? ''}${i}`) * 4 - 2));
              });
        return { labels, ...summarize(values) };
      }),
    };
  }

  /** Each group's errors spread over the range, busier where the fixture's runs are. */
  private counts(group: ErrorGroup, from: number, to: number, buckets: number): number[] {
    const width = (to - from) / buckets;
    const runs = this.fixture.runs.filter((r) => r.startedAt >= from && r.startedAt < to);
    return Array.from({ length: buckets }, (_, i) => {
      const inBucket = runs.filter((r) => r.startedAt >= from + i * width && r.startedAt < from + (i + 1) * width).length;
      return Math.round((inBucket * group.countInRange) / Math.max(1, runs.length) * (0.5 + hash(`${group.fingerprint}${i}`)));
    });
  }

  private trend(from: number, to: number, buckets: number, limit: number): ErrorTrend {
    const groups = this.errorGroups(from, to).slice(0, limit);
    return {
      from, to, bucketMs: (to - from) / buckets,
      groups: groups.map((g) => ({ fingerprint: g.fingerprint, category: g.category, message: g.message, status: g.status, phases: g.phases, total: g.countInRange, counts: this.counts(g, from, to, buckets) })),
    };
  }

  private groupDetail(fingerprint: string, from: number, to: number, buckets: number): ErrorGroupDetail {
    const group = this.errorGroups(from, to).find((g) => g.fingerprint === fingerprint);
    if (!group) throw new Error('no error group with that fingerprint');
    const correlation = (dimension: Correlation['dimension'], value: string, groupRate: number, baseRate: number): Correlation => ({
      dimension, value, groupCount: Math.round(groupRate * group.runsAffected), groupTotal: group.runsAffected, groupRate,
      baseCount: Math.round(baseRate * 1000), baseTotal: 1000, baseRate, lift: baseRate ? groupRate / baseRate : null,
    });
    return {
      group, from, to,
      frequency: { from, to, bucketMs: (to - from) / buckets, counts: this.counts(group, from, to, buckets) },
      correlations: [
        correlation('phase', group.phases[0] ?? 'codegen', 0.8, 0.3),
        correlation('model', group.models[0] ?? MODELS[0], 0.55, 0.25),
        correlation('projectType', 'web', 0.5, 0.6),
        correlation('resourcePressure', 'memory above 90 %', 0.2, 0.05),
      ],
      impact: { errors: group.countInRange, runsAffected: group.runsAffected, runsFailed: Math.round(group.runsAffected * 0.6), usersAffected: group.usersAffected, costWastedUsd: group.runsAffected * 0.3 },
      resolution: { status: group.status, firstSeen: group.firstSeen, resolvedAt: group.resolvedAt, timeToResolveMs: group.resolvedAt === null ? null : group.resolvedAt - group.firstSeen, reopenCount: group.reopenCount },
      recent: [],
    };
  }

  private errorGroups(from: number, to: number): ErrorGroup[] {
    return this.fixture.topErrors.map((e, i) => ({
      fingerprint: `fp-${i}`, category: e.category, severity: e.severity, message: e.message,
      firstSeen: from - (i + 1) * 3600_000, lastSeen: Math.min(e.lastSeen, to), count: e.count * 2, countInRange: e.lastSeen >= from ? e.count : 0,
      runsAffected: Math.ceil(e.count * 0.8), usersAffected: 1 + (i % 5), phases: [PHASES[i % 4]], models: [MODELS[i % 4]], templates: [],
      status: (['new', 'ongoing', 'regressed', 'resolved', 'ignored'] as const)[i % 5], statusChangedAt: null,
      resolvedAt: i % 5 === 3 || i % 5 === 2 ? from + 3600_000 * (i + 1) : null, reopenCount: i % 5 === 2 ? 1 : 0,
    }));
  }
}

const PHASE_SECONDS = { blueprint: 9, codegen: 48, validation: 14, deployment: 22 };

function str(v: string | number | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : String(v);
}

/** The label sets of a `by` split (one empty set without it). */
function splitBy(by: string | undefined): Labels[] {
  if (!by) return [{}];
  const label = by.split(',')[0] as MetricLabel;
  return (VALUES[label] ?? ['all']).map((v) => ({ [label]: v }));
}

/** A label value's share of its metric: the first values weigh most. */
function share(labels: Labels): number {
  const [label, value] = Object.entries(labels)[0] ?? [];
  if (!label) return 1;
  const list = VALUES[label as MetricLabel] ?? [];
  const weights = list.map((_, i) => 1 / (i + 1.5));
  const i = list.indexOf(value as string);
  return i < 0 ? 0 : weights[i] / weights.reduce((a, b) => a + b, 0);
}

/** A slow wave over time, different per key, between 0 and 1. */
function wave(key: string, t: number): number {
  return 0.5 + 0.5 * Math.sin(t / 5_400_000 + hash(key) * 6.28);
}

/** Log buckets (×1.25 apart, like a sketch's) and percentiles of `values`. */
function summarize(values: number[]) {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
  const buckets: { lower: number; upper: number; count: number }[] = [];
  if (sorted.length) {
    let lower = 0;
    let upper = sorted[0];
    for (const v of sorted) {
      while (v > upper) {
        buckets.push({ lower, upper, count: 0 });
        lower = upper;
        upper *= 1.25;
      }
      if (buckets.length === 0 || buckets[buckets.length - 1].upper !== upper) buckets.push({ lower, upper, count: 0 });
      buckets[buckets.length - 1].count++;
    }
  }
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), buckets };
}

function funnel(from: number, to: number, runs: RunSummary[]): FunnelResult {
  const reachedIndex = (r: RunSummary) => (r.status === 'success' ? 4 : r.currentPhase ? Math.max(1, PHASES.indexOf(r.currentPhase) + 1) : 1);
  const reached = JOURNEY_STEPS.map((_, i) => runs.filter((r) => reachedIndex(r) >= i).length);
  return {
    from, to,
    steps: JOURNEY_STEPS.map((step, i) => ({
      step, reached: reached[i], droppedBefore: i === 0 ? 0 : reached[i - 1] - reached[i],
      conversion: reached[0] ? reached[i] / reached[0] : null,
      p50Seconds: i === 0 ? null : Object.values(PHASE_SECONDS)[i - 1], p95Seconds: i === 0 ? null : Object.values(PHASE_SECONDS)[i - 1] * 2.2,
    })),
    conversionRate: reached[0] ? reached[4] / reached[0] : null,
  };
}

function cost(from: number, to: number, by: CostBreakdown['by'], runs: RunSummary[]): CostBreakdown {
  const keyOf = (r: RunSummary): string[] => {
    switch (by) {
      case 'day':
        return [new Date(r.startedAt).toISOString().slice(0, 10)];
      case 'model':
        return [modelOf(r)];
      case 'user':
        return [r.userId ?? 'unknown'];
      case 'project_type':
        return [r.projectType ?? 'unknown'];
      case 'phase':
        return [...PHASES];
      default:
        return [r.template ?? 'unknown'];
    }
  };
  const rows = new Map<string, CostBreakdown['rows'][number]>();
  for (const r of runs) {
    const keys = keyOf(r);
    for (const key of keys) {
      const usd = costOf(r) / keys.length;
      const row = rows.get(key) ?? { key, runs: 0, successes: 0, computeUsd: 0, storageUsd: 0, apiUsd: 0, modelUsd: 0, totalUsd: 0, wastedUsd: 0, perSuccessUsd: null };
      row.runs++;
      if (r.status === 'success') row.successes++;
      row.modelUsd += usd * 0.7;
      row.computeUsd += usd * 0.2;
      row.apiUsd += usd * 0.07;
      row.storageUsd += usd * 0.03;
      row.totalUsd += usd;
      if (r.status === 'failed' || r.status === 'partial') row.wastedUsd += usd;
      row.perSuccessUsd = row.successes ? row.totalUsd / row.successes : null;
      rows.set(key, row);
    }
  }
  const all = [...rows.values()];
  const total = all.reduce((n, r) => n + r.totalUsd, 0);
  const successes = runs.filter((r) => r.status === 'success').length;
  return {
    from, to, by, rows: all,
    total: { totalUsd: total, wastedUsd: all.reduce((n, r) => n + r.wastedUsd, 0), perSuccessUsd: successes ? total / successes : null, inputTokens: runs.length * 21_000, outputTokens: runs.length * 3_400 },
  };
}

function labelValues(name: string, runs: readonly RunSummary[]): string[] {
  const pick = name === 'model' ? modelOf : name === 'user' ? (r: RunSummary) => r.userId : name === 'project_type' ? (r: RunSummary) => r.projectType : () => null;
  return [...new Set(runs.map(pick).filter((v): v is string => typeof v === 'string'))].sort();
}
