/**
 * What the OTLP intake works on after decoding: one shape for both the
 * JSON and the protobuf encodings. Ids are lowercase hex, times epoch
 * milliseconds (nanosecond strings or Longs converted once, in decode.ts),
 * attribute values plain JSON.
 */

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

export const SPAN_STATUS = { unset: 0, ok: 1, error: 2 } as const;

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Attrs;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  /** End minus start, from the nanosecond values, so sub-millisecond spans keep their length. */
  durationMs: number;
  attributes: Attrs;
  events: SpanEvent[];
  status: { code: number; message: string };
}

export interface LogRecord {
  timeMs: number;
  severityNumber: number;
  severityText: string;
  body: AttrValue;
  attributes: Attrs;
  traceId: string;
  spanId: string;
  eventName: string;
}

export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

export interface MetricPoint {
  name: string;
  unit: string;
  kind: MetricKind;
  /** 1 delta, 2 cumulative, 0 when the kind has none. */
  temporality: number;
  monotonic: boolean;
  attributes: Attrs;
  startMs: number;
  timeMs: number;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  /** Explicit bucket bounds and counts (histograms); counts has one more entry than bounds. */
  bounds?: number[];
  counts?: number[];
}

/** Items of one resource (one process of the generator, usually). */
export interface ResourceGroup<T> {
  resource: Attrs;
  items: T[];
  /** Items too malformed to use (bad ids, no timestamp); reported back as rejected. */
  rejected: number;
}

export type Signal = 'traces' | 'logs' | 'metrics';
