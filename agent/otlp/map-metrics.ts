/**
 * Metric data points → `otel.metric` events, one per point, kept with all
 * their values (a type of Genmon's own namespace, stored as-is and listed by
 * `GET /otlp/metrics`). A data point is an aggregate over an interval, not
 * one request or one model call, so it never becomes rows of the per-event
 * tables (that would invent requests); the points Genmon understands get a
 * `figure` naming what they measure and their durations in milliseconds.
 *
 * The run of a point is its `genmon.run_id` attribute, else
 * `otel:<service.name>`: points are not events of a run, and the events
 * table does not require the run to exist.
 */
import { text } from './conventions';
import { definedOnly, emptyMapped, type Mapped, type OutEvent } from './map-traces';
import type { Attrs, MetricPoint, ResourceGroup } from './model';

interface Figure {
  figure: string;
  /** Attributes copied under Genmon's names. */
  labels: (a: Attrs) => Record<string, unknown>;
}

/** The OpenTelemetry metrics Genmon understands (semantic conventions names). */
export const UNDERSTOOD_METRICS: Record<string, Figure> = {
  'gen_ai.client.token.usage': {
    figure: 'model.tokens',
    labels: (a) => ({ model: text(a, 'gen_ai.response.model', 'gen_ai.request.model'), token_type: text(a, 'gen_ai.token.type') }),
  },
  'gen_ai.client.operation.duration': {
    figure: 'model.latency',
    labels: (a) => ({ model: text(a, 'gen_ai.response.model', 'gen_ai.request.model'), operation: text(a, 'gen_ai.operation.name') }),
  },
  'http.server.request.duration': { figure: 'api.request.duration', labels: http },
  'http.client.request.duration': { figure: 'api.client.duration', labels: http },
  'db.client.operation.duration': {
    figure: 'db.query.duration',
    labels: (a) => ({ operation: [text(a, 'db.operation.name'), text(a, 'db.collection.name')].filter(Boolean).join(' ') || undefined }),
  },
};

function http(a: Attrs): Record<string, unknown> {
  return {
    route: text(a, 'http.route', 'url.template'),
    method: text(a, 'http.request.method'),
    status_code: text(a, 'http.response.status_code'),
  };
}

const TEMPORALITY = ['unspecified', 'delta', 'cumulative'];

export function mapMetrics(groups: ResourceGroup<MetricPoint>[]): Mapped {
  const out = emptyMapped();
  for (const group of groups) {
    out.rejected += group.rejected;
    const service = text(group.resource, 'service.name') ?? 'unknown_service';
    for (const p of group.items) {
      const known = Object.hasOwn(UNDERSTOOD_METRICS, p.name) ? UNDERSTOOD_METRICS[p.name] : undefined;
      const toMs = p.unit === 's' ? 1000 : p.unit === 'ms' ? 1 : null;
      const scaled = known && toMs !== null && p.kind !== 'sum' && p.kind !== 'gauge'
        ? { sum_ms: scale(p.sum, toMs), min_ms: scale(p.min, toMs), max_ms: scale(p.max, toMs), bounds_ms: p.bounds?.map((b) => b * toMs) }
        : {};
      out.events.push(definedOnly({
        ts: p.timeMs,
        run_id: (text(p.attributes, 'genmon.run_id') ?? `otel:${service}`).slice(0, 200),
        type: 'otel.metric',
        name: p.name,
        unit: p.unit || undefined,
        kind: p.kind,
        temporality: p.temporality ? TEMPORALITY[p.temporality] ?? String(p.temporality) : undefined,
        monotonic: p.kind === 'sum' ? p.monotonic : undefined,
        start_ts: p.startMs,
        attributes: p.attributes,
        value: p.value, count: p.count, sum: p.sum, min: p.min, max: p.max, bounds: p.bounds, counts: p.counts,
        service,
        ...(known ? { figure: known.figure, ...definedOnly(known.labels(p.attributes)), ...definedOnly(scaled) } : {}),
      }) as OutEvent);
    }
  }
  return out;
}

function scale(v: number | undefined, by: number): number | undefined {
  return v === undefined ? undefined : v * by;
}
