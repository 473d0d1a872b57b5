/** The metric endpoints (CONTRACT.md): registry, series, stats, histograms, funnel, cost, label values. */
import { costBreakdown } from '../metrics/cost';
import type { FactSource } from '../metrics/facts';
import { funnel } from '../metrics/funnel';
import { histogramBuckets } from '../metrics/histogram';
import { QueryError, type MetricEngine } from '../metrics/query';
import { descriptors } from '../metrics/registry';
import type { ApiServer, Query } from './server';
import { enumParam, HttpError, intParam } from './server';
import { METRIC_LABELS, type CostBreakdown, type MetricAgg, type MetricEndpoints, type MetricFilters, type MetricLabel, type MetricStat } from './types';

const DAY = 24 * 3600_000;
const AGGS: readonly MetricAgg[] = ['increase', 'rate', 'avg', 'min', 'max', 'last', 'sum', 'count', 'p50', 'p90', 'p95', 'p99'];
const COST_BY: readonly CostBreakdown['by'][] = ['day', 'project_type', 'model', 'user', 'phase', 'template'];
/** Labels a query may group by: never user or session, which rollups do not carry. */
const GROUP_LABELS = METRIC_LABELS.filter((l) => l !== 'user' && l !== 'session');

type Answer<P extends keyof MetricEndpoints> = MetricEndpoints[P]['response'];

export interface MetricRouteDeps {
  engine: MetricEngine;
  facts: FactSource;
  now: () => number;
}

function range(q: Query, now: number): { from: number; to: number } {
  const to = intParam(q, 'to', now);
  const from = intParam(q, 'from', to - DAY);
  if (from >= to) throw new HttpError(400, 'bad_parameter', 'from must be before to');
  return { from, to };
}

function filters(q: Query): MetricFilters {
  const out: MetricFilters = {};
  for (const key of ['project_type', 'template', 'model', 'user'] as const) {
    const v = q.get(key);
    if (v === null || v === '') continue;
    if (v.length > 200) throw new HttpError(400, 'bad_parameter', `${key} is longer than 200 characters`);
    out[key] = v;
  }
  return out;
}

function by(q: Query): MetricLabel[] {
  const raw = q.get('by');
  if (!raw) return [];
  const labels = raw.split(',').filter(Boolean);
  for (const l of labels) {
    if (!(GROUP_LABELS as readonly string[]).includes(l)) throw new HttpError(400, 'bad_parameter', `by: unknown label ${JSON.stringify(l.slice(0, 40))} (one of ${GROUP_LABELS.join(', ')})`);
  }
  return labels as MetricLabel[];
}

function metric(q: Query): string {
  const name = q.get('metric');
  if (!name) throw new HttpError(400, 'bad_parameter', 'metric is required');
  return name;
}

/** Turns the engine's refusals (unknown metric, wrong aggregation) into 400s. */
function answering<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof QueryError) throw new HttpError(400, 'bad_query', err.message);
    throw err;
  }
}

export function registerMetricRoutes(server: ApiServer, { engine, facts, now }: MetricRouteDeps): void {
  server.get('/metrics/registry', (): Answer<'/metrics/registry'> => descriptors());
  server.get('/query', (q): Answer<'/query'> =>
    answering(() =>
      engine.query({
        metric: metric(q),
        ...range(q, now()),
        step: q.has('step') ? intParam(q, 'step', 60_000, 1000, 366 * DAY) : undefined,
        agg: enumParam(q, 'agg', AGGS),
        by: by(q),
        filters: filters(q),
      }),
    ),
  );
  server.get('/stat', (q): Answer<'/stat'> => {
    const wanted = (q.get('q') ?? '').split(',').filter(Boolean);
    if (wanted.length === 0) throw new HttpError(400, 'bad_parameter', 'q is required: name[:agg],name[:agg]');
    if (wanted.length > 50) throw new HttpError(400, 'bad_parameter', 'at most 50 figures per request');
    const r = range(q, now());
    const groupBy = by(q);
    const f = filters(q);
    return answering(() =>
      wanted.map((item): MetricStat => {
        const [name, agg] = item.split(':');
        if (agg !== undefined && !(AGGS as readonly string[]).includes(agg)) throw new HttpError(400, 'bad_parameter', `unknown aggregation ${JSON.stringify(agg.slice(0, 20))}`);
        const usable = groupBy.filter((l) => engine.def(name).labels.includes(l));
        const s = engine.stat(name, agg as MetricAgg | undefined, r.from, r.to, usable, f);
        const ignored = engine.ignoredFilters;
        return { metric: name, agg: s.agg, value: s.value, ...(groupBy.length ? { by: s.by ?? [] } : {}), ...(ignored.length ? { ignoredFilters: ignored } : {}) };
      }),
    );
  });
  server.get('/histogram', (q): Answer<'/histogram'> => {
    const r = range(q, now());
    const name = metric(q);
    return answering(() => ({ metric: name, ...r, series: engine.sketches(name, r.from, r.to, by(q), filters(q)).map((g) => histogramBuckets(g.labels, g.acc)) }));
  });
  server.get('/funnel', (q): Answer<'/funnel'> => {
    const r = range(q, now());
    return answering(() => funnel(engine, r.from, r.to, filters(q)));
  });
  server.get('/cost', (q): Answer<'/cost'> => {
    const r = range(q, now());
    return answering(() => costBreakdown(engine, facts, enumParam(q, 'by', COST_BY) ?? 'day', r.from, r.to, filters(q)));
  });
  server.get('/labels/:name', (q, params): Answer<'/labels/:name'> => {
    if (!(METRIC_LABELS as readonly string[]).includes(params.name) || params.name === 'session') {
      throw new HttpError(404, 'not_found', `no label ${JSON.stringify(params.name.slice(0, 40))}`);
    }
    const r = range(q, now());
    return engine.labelValues(params.name as MetricLabel, r.from, r.to);
  });
}
