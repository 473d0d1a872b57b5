/**
 * Agent answers (series, histograms, stats, funnel, cost, error groups)
 * shaped into what the charts and tables draw. Pure, so every chart's data
 * is tested without a browser.
 */
import type { Correlation, CostBreakdown, ErrorGroup, ErrorGroupStatus, ErrorTrend, FrequencySeries, FunnelResult, HistogramResult, MetricLabel, MetricQueryResult, MetricStat } from '../../agent/api/types';
import type { Point } from '../chart-kit';

/** From the metric's unit to what the chart axis uses: durations in ms, ratios in percent. */
export type Scale = (value: number) => number;
export const toMs: Scale = (v) => v * 1000;
export const toPercent: Scale = (v) => v * 100;
export const asIs: Scale = (v) => v;

type Labels = Partial<Record<MetricLabel, string>>;

/** A series' name from its label values, `fallback` when it has none (a total). */
export function seriesName(labels: Labels, fallback = 'all'): string {
  const values = Object.values(labels).filter((v): v is string => typeof v === 'string' && v !== '');
  return values.length ? values.join(' · ') : fallback;
}

/** Series named in `order` first, in that order, then the rest by name. */
function byOrder(order: readonly string[]) {
  return (a: string, b: string) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    return a.localeCompare(b);
  };
}

export interface TimeSeries {
  names: string[];
  data: Point[][];
  min: number;
  max: number;
}

/**
 * One line (or bar stack) per series, points at the middle of each step,
 * nulls kept as gaps. `limit` keeps the series with the largest totals.
 */
export function timeSeries(result: MetricQueryResult, scale: Scale = asIs, opts: { order?: readonly string[]; limit?: number; fallback?: string } = {}): TimeSeries {
  let series = result.series.map((s) => ({ name: seriesName(s.labels, opts.fallback), points: s.points, total: s.points.reduce((n, p) => n + (p?.[1] ?? 0), 0) }));
  if (opts.limit !== undefined && series.length > opts.limit) series = [...series].sort((a, b) => b.total - a.total).slice(0, opts.limit);
  series.sort((a, b) => byOrder(opts.order ?? [])(a.name, b.name));
  const half = result.step / 2;
  // Points are one per step from the step-aligned start of the range; an agent may send a bare null for a step with nothing in it.
  const first = Math.floor(result.from / result.step) * result.step;
  const point = (p: [number, number | null] | null, i: number): Point => {
    const v = p?.[1] ?? null;
    return { x: (p?.[0] ?? first + i * result.step) + half, y: v === null || !Number.isFinite(v) ? null : scale(v) };
  };
  return {
    names: series.map((s) => s.name),
    data: series.map((s) => (s.points as ([number, number | null] | null)[]).map(point)),
    min: result.from,
    max: result.to,
  };
}

export interface Bars {
  labels: string[];
  /** Zero-count bars are null: not drawn, and not counted as drawn. */
  counts: (number | null)[];
}

type HistogramSeries = HistogramResult['series'][number];

/**
 * Buckets as bars: empty ones at either end dropped, everything above the
 * p99 bucket folded into a last `≥` bar (so one stuck run does not squash the
 * rest), and neighbours merged until at most `maxBars` remain.
 */
export function histogramBars(series: HistogramSeries | undefined, format: (lower: number) => string, maxBars = 24): Bars {
  if (!series) return { labels: [], counts: [] };
  if (format === DISCRETE) return discreteBars(series);
  let buckets = [...series.buckets].sort((a, b) => a.lower - b.lower);
  let first = buckets.findIndex((b) => b.count > 0);
  if (first < 0) return { labels: [], counts: [] };
  let last = buckets.length - 1;
  while (buckets[last].count === 0) last--;
  buckets = buckets.slice(first, last + 1);
  first = 0;
  let tail = false;
  if (series.p99 !== null) {
    const cut = buckets.findIndex((b) => b.upper > series.p99!);
    if (cut >= 0 && cut < buckets.length - 1) {
      const rest = buckets.slice(cut + 1).reduce((n, b) => n + b.count, 0);
      buckets = [...buckets.slice(0, cut + 1), { lower: buckets[cut + 1].lower, upper: buckets[buckets.length - 1].upper, count: rest }];
      tail = rest > 0;
    }
  }
  const body = tail ? buckets.slice(0, -1) : buckets;
  const room = tail ? maxBars - 1 : maxBars;
  const per = Math.max(1, Math.ceil(body.length / Math.max(1, room)));
  const merged: { lower: number; count: number }[] = [];
  for (let i = 0; i < body.length; i += per) {
    const group = body.slice(i, i + per);
    merged.push({ lower: group[0].lower, count: group.reduce((n, b) => n + b.count, 0) });
  }
  const labels = merged.map((b) => format(b.lower));
  const counts = merged.map((b) => b.count || null);
  if (tail) {
    const t = buckets[buckets.length - 1];
    labels.push(`≥ ${format(t.lower)}`);
    counts.push(t.count || null);
  }
  return { labels, counts };
}

/** Pass as `format` for whole-number figures (features per run, batch size): one bar per value seen. */
export const DISCRETE = (v: number): string => String(v);

/**
 * Whole numbers in log-spaced buckets: each bucket's upper bound rounds to
 * the value it holds, so empty buckets between the values are dropped and
 * buckets rounding to the same value add up.
 */
function discreteBars(series: HistogramSeries): Bars {
  const byValue = new Map<number, number>();
  for (const b of series.buckets) if (b.count > 0) byValue.set(Math.round(b.upper), (byValue.get(Math.round(b.upper)) ?? 0) + b.count);
  const values = [...byValue.keys()].sort((a, b) => a - b);
  return { labels: values.map(String), counts: values.map((v) => byValue.get(v)!) };
}

/** The series of `result` whose `label` is `value` (or the only one when `label` is absent). */
export function seriesFor(result: HistogramResult, label?: MetricLabel, value?: string): HistogramSeries | undefined {
  if (!label) return result.series.find((s) => Object.keys(s.labels).length === 0) ?? result.series[0];
  return result.series.find((s) => s.labels[label] === value);
}

export interface Percentiles {
  labels: string[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
}

/** p50/p95/p99 per label value, in `order` first; scaled for the axis. */
export function percentiles(result: HistogramResult, label: MetricLabel, order: readonly string[] = [], scale: Scale = asIs): Percentiles {
  const rows = result.series.filter((s) => s.count > 0).map((s) => ({ name: s.labels[label] ?? 'all', s }));
  rows.sort((a, b) => byOrder(order)(a.name, b.name));
  const pick = (k: 'p50' | 'p95' | 'p99') => rows.map((r) => (r.s[k] === null ? null : scale(r.s[k]!)));
  return { labels: rows.map((r) => r.name), p50: pick('p50'), p95: pick('p95'), p99: pick('p99') };
}

export interface FunnelBars {
  labels: string[];
  reached: (number | null)[];
  /** Runs that stopped before reaching each step. */
  dropped: (number | null)[];
}

/** The journey as bars: how many reached each step and how many stopped just before it, with its conversion in the label. */
export function funnelBars(f: FunnelResult): FunnelBars {
  return {
    labels: f.steps.map((s) => (s.conversion === null || s.step === 'started' ? s.step : `${s.step} ${Math.round(s.conversion * 100)} %`)),
    reached: f.steps.map((s) => s.reached || null),
    dropped: f.steps.map((s) => s.droppedBefore || null),
  };
}

/** Time from the previous step to each step after `started`, p50 and p95, in ms. */
export function stepTimes(f: FunnelResult): { labels: string[]; p50: (number | null)[]; p95: (number | null)[] } {
  const steps = f.steps.filter((s) => s.step !== 'started');
  const ms = (v: number | null) => (v === null ? null : v * 1000);
  return { labels: steps.map((s) => s.step), p50: steps.map((s) => ms(s.p50Seconds)), p95: steps.map((s) => ms(s.p95Seconds)) };
}

/** The value of `metric` (with `agg` when given) among `/stat` answers. */
export function statValue(stats: readonly MetricStat[], metric: string, agg?: string): number | null {
  return stats.find((s) => s.metric === metric && (agg === undefined || s.agg === agg))?.value ?? null;
}

export interface Ranked {
  key: string;
  value: number;
}

/** Values per label of one `/stat` answer, largest first (smallest first with `ascending`), at most `limit`. */
export function ranked(stat: MetricStat | undefined, label: MetricLabel, limit = Infinity, ascending = false): Ranked[] {
  const rows = (stat?.by ?? []).filter((r) => r.value !== null && Number.isFinite(r.value)).map((r) => ({ key: r.labels[label] ?? 'all', value: r.value as number }));
  rows.sort((a, b) => (ascending ? a.value - b.value : b.value - a.value) || a.key.localeCompare(b.key));
  return rows.slice(0, limit);
}

type CostRow = CostBreakdown['rows'][number];

/** Cost rows sorted by `key`, largest first; rows without a value go last. */
export function costRanking(cost: CostBreakdown, key: 'totalUsd' | 'perSuccessUsd' | 'wastedUsd', limit = Infinity): CostRow[] {
  const value = (r: CostRow) => r[key] ?? -Infinity;
  return [...cost.rows].sort((a, b) => value(b) - value(a) || a.key.localeCompare(b.key)).slice(0, limit);
}

export interface CostStack {
  labels: string[];
  /** compute, storage, API, model; then wasted and with a result, both adding up to the total. */
  parts: Record<'compute' | 'storage' | 'api' | 'model' | 'wasted' | 'useful', (number | null)[]>;
}

/** Cost rows in key order (days ascending), split by what the money went to and by whether it bought a result. */
export function costStack(cost: CostBreakdown): CostStack {
  const rows = [...cost.rows].sort((a, b) => a.key.localeCompare(b.key));
  const col = (pick: (r: CostRow) => number) => rows.map((r) => pick(r) || null);
  return {
    labels: rows.map((r) => r.key),
    parts: {
      compute: col((r) => r.computeUsd),
      storage: col((r) => r.storageUsd),
      api: col((r) => r.apiUsd),
      model: col((r) => r.modelUsd),
      wasted: col((r) => r.wastedUsd),
      useful: col((r) => Math.max(0, r.totalUsd - r.wastedUsd)),
    },
  };
}

export const GROUP_STATUSES: readonly ErrorGroupStatus[] = ['new', 'ongoing', 'regressed', 'resolved', 'ignored'];

/** How many groups are in each state, in the lifecycle's order. */
export function groupStates(groups: readonly ErrorGroup[]): Bars {
  return { labels: [...GROUP_STATUSES], counts: GROUP_STATUSES.map((st) => groups.filter((g) => g.status === st).length || null) };
}

/** Time from first seen to the latest resolution, for groups resolved at least once. */
export function timeToResolve(group: ErrorGroup): number | null {
  return group.resolvedAt === null ? null : Math.max(0, group.resolvedAt - group.firstSeen);
}

export interface ErrorImpact {
  groups: number;
  errors: number;
  runsAffected: number;
  usersAffected: number;
  /** Median time to resolve over groups resolved at least once, ms. */
  medianTimeToResolve: number | null;
  reopened: number;
}

/** Totals over the groups seen in the range (users and runs may count in more than one group). */
export function errorImpact(groups: readonly ErrorGroup[]): ErrorImpact {
  const inRange = groups.filter((g) => g.countInRange > 0);
  const times = inRange.map(timeToResolve).filter((t): t is number => t !== null).sort((a, b) => a - b);
  return {
    groups: inRange.length,
    errors: inRange.reduce((n, g) => n + g.countInRange, 0),
    runsAffected: inRange.reduce((n, g) => n + g.runsAffected, 0),
    usersAffected: inRange.reduce((n, g) => Math.max(n, g.usersAffected), 0),
    medianTimeToResolve: times.length ? times[Math.floor((times.length - 1) / 2)] : null,
    reopened: inRange.filter((g) => g.reopenCount > 0).length,
  };
}

/** Per-group counts over the range (`/errors/trend`) as one line per group, named by its message. */
export function trendSeries(trend: ErrorTrend, nameChars = 40): TimeSeries {
  const half = trend.bucketMs / 2;
  return {
    names: trend.groups.map((g) => (g.message.length > nameChars ? `${g.message.slice(0, nameChars - 1)}…` : g.message)),
    data: trend.groups.map((g) => g.counts.map((n, i): Point => ({ x: trend.from + i * trend.bucketMs + half, y: n }))),
    min: trend.from,
    max: trend.to,
  };
}

/** A group's frequency over the range as bars, empty buckets not drawn. */
export function frequencyPoints(f: FrequencySeries): Point[] {
  return f.counts.map((n, i) => ({ x: f.from + (i + 0.5) * f.bucketMs, y: n || null }));
}

export interface CorrelationBars {
  labels: string[];
  /** Share of the group's runs (errors, for phases) with the value, percent. */
  group: number[];
  /** Share of all runs (all errors) with it, percent. */
  base: number[];
}

/** What comes with a group more than its base rate (lift above 1), the strongest first. */
export function correlationBars(correlations: readonly Correlation[], limit = 8): CorrelationBars {
  const above = correlations.filter((c) => c.lift !== null && c.lift > 1 && c.groupCount > 0).sort((a, b) => (b.lift ?? 0) - (a.lift ?? 0) || b.groupCount - a.groupCount);
  const top = above.slice(0, limit);
  return {
    labels: top.map((c) => `${DIMENSION_NAMES[c.dimension] ?? c.dimension}: ${c.value}`),
    group: top.map((c) => c.groupRate * 100),
    base: top.map((c) => c.baseRate * 100),
  };
}

const DIMENSION_NAMES: Record<string, string> = { phase: 'phase', model: 'model', template: 'template', projectType: 'project type', resourcePressure: 'resources' };
