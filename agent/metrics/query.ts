/**
 * The metric query engine: a metric, a range, a step, an aggregation, a
 * grouping and filters in; values per step out. Reads rollups through the
 * segment plan (coarsest tier that fits, finer ones at the edges) from every
 * source, so the answer comes from the hot database and partitions alike.
 */
import type { MetricAgg, MetricFilters, MetricLabel, MetricQueryResult, MetricSeries, StorageTier } from '../api/types';
import type { Statements } from '../store/statements';
import { alignDown, defaultStep, maxTierForStep, planSegments, type Segment } from './plan';
import type { PriceTable } from './prices';
import { tierRetentionMs, type Retention } from './settings';
import { metricDef, type Formula, type MetricDef, type Ref } from './registry';
import type { Labels } from './rollup';
import { Sketch } from './sketch';
import { SeriesIndex, type RollupSource, type SeriesInfo } from './source';
import type { FactSource, RunFactRow } from './facts';
import { FACT_METRICS, type PhaseFact } from './fact-metrics';

export class QueryError extends Error {}

interface Acc {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  last: number | null;
  lastTs: number;
  sketch: Sketch | null;
}

interface Group {
  labels: Labels;
  cells: (Acc | undefined)[];
}
type Grid = Map<string, Group>;

/** The buckets a query answers: `n` steps from `start`, or the whole range as one. */
interface Frame {
  start: number;
  step: number;
  n: number;
  segments: Segment[];
}

/** Filters that select runs, answered from per-run facts. */
const RUN_FILTERS = ['project_type', 'template', 'model', 'user'] as const;

/** A metric whose series carry the model itself (a model call's), rather than its run's primary model. */
function intrinsicModel(def: MetricDef): boolean {
  return def.labels.includes('model');
}
const MAX_POINTS = 5000;
const QUANTILE: Partial<Record<MetricAgg, number>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

export function defaultAgg(def: MetricDef): MetricAgg {
  if (def.storage === 'histogram') return 'p95';
  if (def.type === 'gauge' && def.storage === 'gauge') return 'avg';
  if (def.storage === 'derived') return 'avg';
  return 'increase';
}

export interface EngineOptions {
  prices: () => PriceTable;
  retention: () => Retention;
  now: () => number;
  /** Every place rollups live: the hot database, partitions. */
  sources: () => RollupSource[];
  /** Per-run facts, for user and primary-model filters. */
  facts: FactSource;
}

export class MetricEngine {
  readonly series: SeriesIndex;
  /** Filters the last evaluation could not apply to some figure (e.g. a user filter on machine figures). */
  private ignored = new Set<string>();

  constructor(
    private readonly st: Statements,
    private readonly opts: EngineOptions,
  ) {
    this.series = new SeriesIndex(st);
  }

  def(name: string): MetricDef {
    const def = metricDef(name);
    if (!def) throw new QueryError(`unknown metric ${JSON.stringify(name.slice(0, 100))}; GET /api/v1/metrics/registry lists them`);
    return def;
  }

  private plan(from: number, to: number, maxTierMs: number): Segment[] {
    const now = this.opts.now();
    const retention = this.opts.retention();
    return planSegments(from, to, maxTierMs, (tier) => now - tierRetentionMs(retention, tier));
  }

  /** A time series per group. */
  query(req: { metric: string; from: number; to: number; step?: number; agg?: MetricAgg; by?: MetricLabel[]; filters?: MetricFilters }): MetricQueryResult {
    const def = this.def(req.metric);
    const agg = req.agg ?? defaultAgg(def);
    checkAgg(def, agg);
    let step = Math.max(60_000, req.step ?? defaultStep(req.to - req.from));
    step = alignDown(step, 60_000);
    const start = alignDown(req.from, step);
    const n = Math.ceil((req.to - start) / step);
    if (n > MAX_POINTS) throw new QueryError(`the range holds ${n} steps of ${step} ms; at most ${MAX_POINTS} (use a larger step)`);
    const frame: Frame = { start, step, n, segments: this.plan(start, start + n * step, maxTierForStep(step)) };
    this.ignored.clear();
    this.usedFacts = false;
    const groups = this.evaluate(def, agg, frame, req.by ?? [], req.filters ?? {});
    const series: MetricSeries[] = groups.map((g) => ({ labels: g.labels, points: g.values.map((v, i) => [start + i * step, v] as [number, number | null]) }));
    const tier = this.usedFacts ? 'facts' : tierOf(frame.segments);
    return { metric: def.name, from: req.from, to: req.to, step, agg, tier, series, ...(this.ignored.size ? { ignoredFilters: [...this.ignored] } : {}) };
  }

  /** One value over the whole range (and per group when `by` is given). */
  stat(metric: string, agg: MetricAgg | undefined, from: number, to: number, by: MetricLabel[], filters: MetricFilters): { agg: MetricAgg; value: number | null; by?: { labels: Labels; value: number | null }[] } {
    const def = this.def(metric);
    const a = agg ?? defaultAgg(def);
    checkAgg(def, a);
    const frame: Frame = { start: from, step: Math.max(1, to - from), n: 1, segments: this.plan(from, to, 86_400_000) };
    this.ignored.clear();
    const total = this.evaluate(def, a, frame, [], filters)[0]?.values[0] ?? null;
    if (by.length === 0) return { agg: a, value: total };
    const groups = this.evaluate(def, a, frame, by, filters).map((g) => ({ labels: g.labels, value: g.values[0] }));
    return { agg: a, value: total, by: groups };
  }

  /** Merged sketches per group over a range, for histograms and percentiles. */
  sketches(metric: string, from: number, to: number, by: MetricLabel[], filters: MetricFilters): { labels: Labels; acc: Acc }[] {
    const def = this.def(metric);
    if (def.storage !== 'histogram') throw new QueryError(`${metric} is a ${def.type}, not a histogram`);
    const frame: Frame = { start: from, step: Math.max(1, to - from), n: 1, segments: this.plan(from, to, 86_400_000) };
    const grid = this.grid({ metric, field: 'count' }, frame, by, filters, true);
    return [...grid.values()].map((g) => ({ labels: g.labels, acc: g.cells[0] ?? emptyAcc() }));
  }

  /** Label values seen for a label in a range, across every metric that has it. */
  labelValues(name: MetricLabel, from: number, to: number): string[] {
    if (name === 'project_type' || name === 'template') return this.opts.facts.distinct(name, from, to);
    if (name === 'user') {
      return this.st.column<string>('SELECT DISTINCT user_id FROM user_activity WHERE hour >= ? AND hour < ? ORDER BY 1', [alignDown(from, 3_600_000), to]);
    }
    const values = new Set<string>();
    const ids: number[] = [];
    const byId = new Map<number, string>();
    for (const row of this.st.all<{ id: number; labels: string }>('SELECT id, labels FROM series')) {
      const v = (JSON.parse(row.labels) as Record<string, string>)[name];
      if (v !== undefined) {
        ids.push(Number(row.id));
        byId.set(Number(row.id), v);
      }
    }
    for (const seg of this.plan(alignDown(from, 60_000), to, 86_400_000)) {
      for (const source of this.opts.sources()) {
        source.read(seg.tier, ids, seg.from, seg.to, false, (r) => values.add(byId.get(r[0])!));
      }
    }
    return [...values].sort();
  }

  private evaluate(def: MetricDef, agg: MetricAgg, frame: Frame, by: MetricLabel[], filters: MetricFilters): { labels: Labels; values: (number | null)[] }[] {
    const stepSeconds = frame.step / 1000;
    if (def.storage === 'derived') return this.derived(def.formula!, frame, by, filters);
    const ref: Ref = def.alias ?? { metric: def.name, field: 'sum' };
    const field = def.alias ? def.alias.field : def.storage === 'histogram' ? 'count' : 'sum';
    const grid = this.grid(ref, frame, by, filters, QUANTILE[agg] !== undefined);
    return [...grid.values()].map((g) => ({
      labels: g.labels,
      values: Array.from(g.cells, (acc) => (acc ? valueOf(acc, agg, field, stepSeconds) : null)),
    }));
  }

  private derived(f: Formula, frame: Frame, by: MetricLabel[], filters: MetricFilters): { labels: Labels; values: (number | null)[] }[] {
    const stepSeconds = frame.step / 1000;
    const sums = (refs: Ref | Ref[], field?: 'count' | 'avg'): Map<string, { labels: Labels; values: number[] }> => {
      const out = new Map<string, { labels: Labels; values: number[] }>();
      for (const ref of Array.isArray(refs) ? refs : [refs]) {
        const usable = by.filter((l) => this.def(ref.metric).labels.includes(l));
        for (const [key, g] of this.grid(ref, frame, usable, filters, false)) {
          const entry = out.get(key) ?? { labels: g.labels, values: new Array<number>(frame.n).fill(0) };
          g.cells.forEach((acc, i) => {
            if (!acc) return;
            entry.values[i] += field === 'avg' ? (acc.count ? acc.sum / acc.count : 0) : field === 'count' ? acc.count : acc[ref.field];
          });
          out.set(key, entry);
        }
      }
      return out;
    };
    switch (f.op) {
      case 'ratio': {
        const num = sums(f.num);
        const den = sums(f.den);
        const denTotal = den.size === 1 ? [...den.values()][0] : null;
        const keys = new Map([...den].map(([k, g]) => [k, g.labels]));
        for (const [k, g] of num) keys.set(k, g.labels);
        // A group with no denominator of its own (the ratio's denominator lacks the label) takes the total.
        if (by.length > 0 && denTotal && Object.keys(denTotal.labels).length === 0) keys.delete(JSON.stringify({}));
        return [...keys].map(([key, labels]) => {
          const n = num.get(key);
          const d = den.get(key) ?? denTotal;
          return { labels, values: Array.from({ length: frame.n }, (_, i) => (d && d.values[i] > 0 ? (n?.values[i] ?? 0) / d.values[i] : null)) };
        });
      }
      case 'ratioOfAvgs': {
        const num = [...sums(f.num, 'avg').values()][0];
        const den = [...sums(f.den, 'avg').values()][0];
        if (!num || !den) return [];
        return [{ labels: {}, values: num.values.map((v, i) => (den.values[i] > 0 ? v / den.values[i] : null)) }];
      }
      case 'perSecond':
        return [...sums(f.num).values()].map((g) => ({ labels: g.labels, values: g.values.map((v) => v / stepSeconds) }));
      case 'sum':
        return [...sums(f.refs).values()].map((g) => ({ labels: g.labels, values: g.values }));
      case 'avgOver': {
        const cap = this.opts.prices().apiConcurrency;
        return [...sums(f.num, 'avg').values()].map((g) => ({ labels: g.labels, values: g.values.map((v) => v / cap) }));
      }
      case 'distinctUsers': {
        const values = new Array<number | null>(frame.n).fill(0);
        for (let i = 0; i < frame.n; i++) {
          const a = frame.start + i * frame.step;
          values[i] = Number(
            this.st.one<{ n: number }>('SELECT COUNT(DISTINCT user_id) AS n FROM user_activity WHERE hour >= ? AND hour < ?', [alignDown(a, 3_600_000), a + frame.step])?.n ?? 0,
          );
        }
        return [{ labels: {}, values }];
      }
    }
  }

  private usedFacts = false;

  /** Filters the last query or stat could not apply. */
  get ignoredFilters(): string[] {
    return [...this.ignored];
  }

  /** Rollup rows of a stored metric, added up per group and step. */
  private grid(ref: Ref, frame: Frame, by: MetricLabel[], filters: MetricFilters, withSketch: boolean): Grid {
    const def = this.def(ref.metric);
    // Rollups carry no run dimensions: a filter or grouping by one reads the runs' facts.
    const runFilters = RUN_FILTERS.filter((f) => filters[f] !== undefined && !(f === 'model' && intrinsicModel(def)));
    const runGrouping = by.some((l) => l === 'project_type' || l === 'template');
    if (runFilters.length > 0 || runGrouping) {
      if (def.runDims && FACT_METRICS[def.name]) return this.factGrid(ref, frame, by, filters, withSketch);
      for (const f of runFilters) this.ignored.add(f);
    }
    const chosen = this.select(def, ref, by, filters);
    const grid: Grid = new Map();
    const groupOf = new Map<number, Group>();
    for (const s of chosen) {
      const labels: Labels = {};
      for (const l of by) if (s.labels[l] !== undefined) labels[l] = s.labels[l];
      const key = JSON.stringify(labels);
      let g = grid.get(key);
      if (!g) {
        g = { labels, cells: new Array<Acc | undefined>(frame.n) };
        grid.set(key, g);
      }
      groupOf.set(s.id, g);
    }
    if (groupOf.size === 0) return grid;
    const ids = [...groupOf.keys()];
    for (const seg of frame.segments) {
      for (const source of this.opts.sources()) {
        source.read(seg.tier, ids, seg.from, seg.to, withSketch, (r) => {
          const i = frame.n === 1 ? 0 : Math.floor((r[1] - frame.start) / frame.step);
          if (i < 0 || i >= frame.n) return;
          const g = groupOf.get(r[0])!;
          const acc = (g.cells[i] ??= emptyAcc());
          mergeFigures(acc, r[2], r[3], r[4], r[5], r[6], r[7]);
          if (r[8]) (acc.sketch ??= new Sketch()).mergeEncoded(r[8]);
        });
      }
    }
    return grid;
  }

  /**
   * A run-level figure from per-run facts: the runs that pass the filters,
   * their observations re-derived. When the steps are whole hours (or the
   * range is one step), each sealed week inside the range is first reduced
   * to hourly cells, kept per week, query shape and filters, so a 90-day
   * filtered chart reads two weeks' runs and eleven weeks' cells, not all.
   */
  private factGrid(ref: Ref, frame: Frame, by: MetricLabel[], filters: MetricFilters, withSketch: boolean): Grid {
    this.usedFacts = true;
    const end = frame.start + frame.n * frame.step;
    // Runs that started up to a day before the range may still end, or be abandoned, inside it.
    const from = frame.start - 86_400_000;
    const derive = FACT_METRICS[ref.metric];
    const needsPhases = ref.metric === 'genmon_phase_duration_seconds' || ref.metric === 'genmon_phases_skipped_total';
    /** Every observation of these runs inside [lo, hi), by group, into `cell(group, ts)`. */
    const observe = (runs: RunFactRow[], phasesOf: (ids: string[]) => PhaseFact[], lo: number, hi: number, cell: (g: string, labels: Labels, ts: number) => Acc) => {
      const byRun = new Map<string, PhaseFact[]>();
      if (needsPhases) for (const p of phasesOf(runs.map((r) => r.runId))) byRun.set(p.runId, [...(byRun.get(p.runId) ?? []), p]);
      for (const run of runs) {
        for (const o of derive(run, byRun.get(run.runId) ?? [])) {
          if (o.ts < lo || o.ts >= hi) continue;
          if (Object.entries(ref.where ?? {}).some(([l, allowed]) => !allowed!.includes(o.labels[l as MetricLabel] ?? ''))) continue;
          const labels: Labels = {};
          for (const l of by) {
            const v = l === 'project_type' ? (run.projectType ?? 'none') : l === 'template' ? (run.template ?? 'none') : o.labels[l];
            if (v !== undefined) labels[l] = v;
          }
          addTo(cell(JSON.stringify(labels), labels, o.ts), o.value, o.ts, withSketch);
        }
      }
    };
    const grid: Grid = new Map();
    const frameCell = (key: string, labels: Labels, ts: number): Acc => {
      let g = grid.get(key);
      if (!g) grid.set(key, (g = { labels, cells: new Array<Acc | undefined>(frame.n) }));
      const i = frame.n === 1 ? 0 : Math.floor((ts - frame.start) / frame.step);
      return (g.cells[i] ??= emptyAcc());
    };
    const hourly = (frame.n === 1 || frame.step % HOUR === 0) && this.opts.facts.reduceRuns;
    if (!hourly) {
      observe(this.opts.facts.runs(from, end, filters), (ids) => this.opts.facts.phases(ids, from, end), frame.start, end, frameCell);
      return grid;
    }
    // Whole weeks inside [frame.start, end): their runs' observations all fall at or after frame.start.
    const shape = JSON.stringify([ref.metric, ref.where ?? null, by, withSketch]);
    const split = this.opts.facts.reduceRuns!(frame.start, end, filters, shape, (runs, phasesOf) => {
      const hours: Hours = new Map();
      observe(runs, phasesOf, -Infinity, Infinity, (key, labels, ts) => {
        let h = hours.get(key);
        if (!h) hours.set(key, (h = { labels, cells: new Map() }));
        const hour = alignDown(ts, HOUR);
        let acc = h.cells.get(hour);
        if (!acc) h.cells.set(hour, (acc = emptyAcc()));
        return acc;
      });
      return hours;
    }, HOURS_CODEC);
    for (const hours of split.reduced) {
      for (const [key, h] of hours) {
        for (const [hour, acc] of h.cells) if (hour >= frame.start && hour < end) mergeAcc(frameCell(key, h.labels, hour), acc);
      }
    }
    // The rest: the hot database and weeks the range cuts, and the day before the range.
    observe(split.runs, split.phases, frame.start, end, frameCell);
    observe(this.opts.facts.runs(from, frame.start, filters), (ids) => this.opts.facts.phases(ids, from, frame.start), frame.start, end, frameCell);
    return grid;
  }

  /** The series a query reads: across all runs, or per project type and template when a filter or grouping needs those. */
  private select(def: MetricDef, ref: Ref, by: MetricLabel[], filters: MetricFilters): SeriesInfo[] {
    return this.series.of(def.name).filter((s) => {
      for (const [label, allowed] of Object.entries(ref.where ?? {})) if (!allowed!.includes(s.labels[label])) return false;
      if (filters.model !== undefined && intrinsicModel(def) && s.labels.model !== filters.model) return false;
      return true;
    });
  }
}

function emptyAcc(): Acc {
  return { count: 0, sum: 0, min: null, max: null, last: null, lastTs: -Infinity, sketch: null };
}

const HOUR = 3_600_000;

type Hours = Map<string, { labels: Labels; cells: Map<number, Acc> }>;

/** A week's hourly cells as JSON: `[key, labels, [[hour, count, sum, min, max, last, lastTs, sketch (base64) or null], …]]` per group. */
const HOURS_CODEC = {
  encode(hours: Hours): unknown {
    return [...hours].map(([key, h]) => [
      key, h.labels,
      [...h.cells].map(([hour, a]) => [hour, a.count, a.sum, a.min, a.max, a.last, a.lastTs, a.sketch ? Buffer.from(a.sketch.encode()).toString('base64') : null]),
    ]);
  },
  decode(kept: unknown): Hours {
    const out: Hours = new Map();
    for (const [key, labels, cells] of kept as [string, Labels, [number, number, number, number | null, number | null, number | null, number, string | null][]][]) {
      const m = new Map<number, Acc>();
      for (const [hour, count, sum, min, max, last, lastTs, sketch] of cells) {
        m.set(hour, { count, sum, min, max, last, lastTs, sketch: sketch === null ? null : Sketch.decode(Buffer.from(sketch, 'base64')) });
      }
      out.set(key, { labels, cells: m });
    }
    return out;
  },
};

function addTo(acc: Acc, value: number, ts: number, withSketch: boolean): void {
  acc.count++;
  acc.sum += value;
  if (acc.min === null || value < acc.min) acc.min = value;
  if (acc.max === null || value > acc.max) acc.max = value;
  if (ts >= acc.lastTs) {
    acc.last = value;
    acc.lastTs = ts;
  }
  if (withSketch) (acc.sketch ??= new Sketch()).add(value);
}

/**
 * Adds a cell's count, sum, extremes and last value into `into`: a stored
 * rollup row's or a kept hour's. The caller merges the sketch, encoded or not.
 */
function mergeFigures(into: Acc, count: number, sum: number, min: number | null, max: number | null, last: number | null, lastTs: number | null): void {
  into.count += count;
  into.sum += sum;
  if (min !== null && (into.min === null || min < into.min)) into.min = min;
  if (max !== null && (into.max === null || max > into.max)) into.max = max;
  if (lastTs !== null && lastTs >= into.lastTs) {
    into.last = last;
    into.lastTs = lastTs;
  }
}

/** Adds `from` into `into` (the cells of kept hours are never changed). */
function mergeAcc(into: Acc, from: Acc): void {
  mergeFigures(into, from.count, from.sum, from.min, from.max, from.last, from.lastTs);
  if (from.sketch) (into.sketch ??= new Sketch()).merge(from.sketch);
}

function valueOf(acc: Acc, agg: MetricAgg, field: 'sum' | 'count', stepSeconds: number): number | null {
  const q = QUANTILE[agg];
  if (q !== undefined) return acc.sketch ? acc.sketch.quantile(q, acc.min, acc.max) : null;
  switch (agg) {
    case 'increase':
    case 'sum':
      return acc[field];
    case 'rate':
      return acc[field] / stepSeconds;
    case 'count':
      return acc.count;
    case 'avg':
      return acc.count > 0 ? acc.sum / acc.count : null;
    case 'min':
      return acc.min;
    case 'max':
      return acc.max;
    case 'last':
      return acc.last;
    default:
      return null;
  }
}

function checkAgg(def: MetricDef, agg: MetricAgg): void {
  if (QUANTILE[agg] !== undefined && def.storage !== 'histogram') {
    throw new QueryError(`${agg} needs a histogram; ${def.name} is a ${def.type}`);
  }
}

function tierOf(segments: Segment[]): StorageTier {
  let best: Segment | null = null;
  for (const s of segments) if (!best || s.to - s.from > best.to - best.from) best = s;
  return best?.tier ?? '1m';
}

export type { Acc };
