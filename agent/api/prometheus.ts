/**
 * `GET /metrics`: every stored figure of the registry in Prometheus's text
 * format, written by prom-client (names, HELP and TYPE lines, label escaping)
 * from values the metric engine computes at scrape time. Same token, Host
 * and Origin rules as the API; Prometheus sends the token with
 * `authorization: { credentials_file: ... }`.
 *
 * What a scrape reports:
 *   counters     the total over everything retained (monotonic while data is kept)
 *   histograms   cumulative buckets, sum and count over everything retained, from the sketches
 *   gauges       the last value observed in the past 24 h
 *   range gauges (costs, storage) and derived ratios: the value over the past 24 h
 * Series carry each metric's own labels; per project type, template, model of
 * a run or user, ask the API, which answers those from per-run facts.
 */
import { Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricType, type MetricValueWithName } from 'prom-client';
import type { MetricLabel } from './types';
import type { MetricEngine, Acc } from '../metrics/query';
import { METRICS, type MetricDef } from '../metrics/registry';
import type { Labels } from '../metrics/rollup';
import { bucketBounds, Sketch } from '../metrics/sketch';
import type { ApiServer } from './server';

const DAY = 86_400_000;
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const COUNT_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

interface HistogramGroup {
  labels: Labels;
  acc: Acc;
}

/**
 * prom-client's Histogram takes observations one at a time; ours arrive as
 * merged sketches, so this one reports the buckets it is given instead.
 */
class SketchHistogram extends Histogram<string> {
  groups: HistogramGroup[] = [];

  constructor(private readonly conf: { name: string; help: string; labelNames: string[]; buckets: number[]; registers: Registry[] }) {
    super(conf);
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const { name, help, buckets } = this.conf;
    const values: MetricValueWithName<string>[] = [];
    for (const { labels, acc } of this.groups) {
      const entries = acc.sketch ? acc.sketch.entries() : [];
      for (const le of buckets) {
        let n = acc.sketch?.zeros ?? 0;
        for (const [key, count] of entries) if (bucketBounds(key)[1] <= le) n += count;
        values.push({ labels: { ...labels, le }, value: n, metricName: `${name}_bucket` });
      }
      values.push({ labels: { ...labels, le: '+Inf' }, value: acc.count, metricName: `${name}_bucket` });
      values.push({ labels, value: acc.sum, metricName: `${name}_sum` });
      values.push({ labels, value: acc.count, metricName: `${name}_count` });
    }
    // prom-client's typings declare `type` as a numeric enum, while its registry reads the string it writes itself.
    return { name, help, type: 'histogram' as unknown as MetricType, values, aggregator: 'sum', collect: () => undefined };
  }

  /** What prom-client's registry reads for the text format, when a metric has it. */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return this.get();
  }
}

export function registerPrometheus(server: ApiServer, { engine, now }: { engine: MetricEngine; now: () => number }): void {
  const cache = new TotalsCache(engine);
  server.getRaw('/metrics', async () => {
    const registry = new Registry();
    const t = now();
    for (const def of METRICS) {
      // Run dimensions live in per-run facts, not in rollups: the exported series carry the metric's own labels.
      const labelNames = def.labels.filter((l) => l !== 'user' && l !== 'session' && l !== 'project_type' && l !== 'template');
      const config = { name: def.name, help: `${def.help} (${def.unit})`, labelNames, registers: [registry] };
      if (def.type === 'histogram' && def.storage === 'histogram') {
        const h = new SketchHistogram({ ...config, buckets: def.unit === 'seconds' ? SECONDS_BUCKETS : COUNT_BUCKETS });
        h.groups = cache.histogram(def, labelNames, t);
      } else if (def.type === 'counter') {
        const c = new Counter(config);
        for (const g of cache.counter(def, labelNames, t)) if (g.value !== null && g.value > 0) c.inc(g.labels, g.value);
      } else {
        const g = new Gauge(config);
        const agg = def.storage === 'gauge' ? 'last' : def.storage === 'derived' ? undefined : 'increase';
        const stat = engine.stat(def.name, agg, t - DAY, t, labelNames, {});
        if (labelNames.length === 0) {
          if (stat.value !== null) g.set(stat.value);
        } else for (const row of stat.by ?? []) if (row.value !== null) g.set(row.labels, row.value);
      }
    }
    return { contentType: registry.contentType, body: await registry.metrics() };
  });
}

/**
 * Totals up to the start of the current day change only with late data, so
 * they are computed once a day and today's part at each scrape.
 */
class TotalsCache {
  private day = -1;
  private counters = new Map<string, Map<string, { labels: Labels; value: number }>>();
  private histograms = new Map<string, Map<string, HistogramGroup>>();

  constructor(private readonly engine: MetricEngine) {}

  private roll(t: number): number {
    const day = t - (t % DAY);
    if (day !== this.day) {
      this.day = day;
      this.counters.clear();
      this.histograms.clear();
    }
    return day;
  }

  counter(def: MetricDef, by: MetricLabel[], t: number): { labels: Labels; value: number | null }[] {
    const day = this.roll(t);
    let past = this.counters.get(def.name);
    if (!past) {
      past = new Map();
      for (const g of this.engine.stat(def.name, 'increase', 0, day, by, {}).by ?? []) past.set(JSON.stringify(g.labels), { labels: g.labels, value: g.value ?? 0 });
      this.counters.set(def.name, past);
    }
    const out = new Map([...past].map(([k, v]) => [k, { ...v }]));
    for (const g of this.engine.stat(def.name, 'increase', day, t + 1, by, {}).by ?? []) {
      const key = JSON.stringify(g.labels);
      const entry = out.get(key) ?? { labels: g.labels, value: 0 };
      entry.value += g.value ?? 0;
      out.set(key, entry);
    }
    return [...out.values()];
  }

  histogram(def: MetricDef, by: MetricLabel[], t: number): HistogramGroup[] {
    const day = this.roll(t);
    let past = this.histograms.get(def.name);
    if (!past) {
      past = new Map(this.engine.sketches(def.name, 0, day, by, {}).map((g) => [JSON.stringify(g.labels), g]));
      this.histograms.set(def.name, past);
    }
    const out = new Map<string, HistogramGroup>();
    for (const [k, g] of past) out.set(k, { labels: g.labels, acc: copy(g.acc) });
    for (const g of this.engine.sketches(def.name, day, t + 1, by, {})) {
      const key = JSON.stringify(g.labels);
      const entry = out.get(key);
      if (!entry) out.set(key, g);
      else {
        entry.acc.count += g.acc.count;
        entry.acc.sum += g.acc.sum;
        if (g.acc.sketch) (entry.acc.sketch ??= new Sketch()).merge(g.acc.sketch);
      }
    }
    return [...out.values()];
  }
}

function copy(acc: Acc): Acc {
  const sketch = acc.sketch ? new Sketch() : null;
  if (sketch && acc.sketch) sketch.merge(acc.sketch);
  return { ...acc, sketch };
}
