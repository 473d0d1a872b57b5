/**
 * Decodes OTLP/HTTP request bodies, JSON or protobuf, into the intake's one
 * internal shape (model.ts). protobufjs (proto.ts) does the wire parsing;
 * `toObject` turns the message into the same shape as OTLP/JSON except that
 * ids come out base64 instead of hex, so one normalizer serves both encodings.
 */
import type { AttrValue, Attrs, LogRecord, MetricKind, MetricPoint, ResourceGroup, Signal, Span, SpanEvent } from './model';
import { setOwn } from './conventions';
import { loadProto } from './proto-loader';

export class DecodeError extends Error {}

const TO_OBJECT = { longs: String, bytes: String, enums: Number, defaults: false, arrays: true };

type Obj = Record<string, unknown>;
type IdEncoding = 'hex' | 'base64';

export interface Decoded {
  traces: ResourceGroup<Span>[];
  logs: ResourceGroup<LogRecord>[];
  metrics: ResourceGroup<MetricPoint>[];
}

/** An export request of `signal`; throws DecodeError with a message fit for the client. */
export function decodeRequest<S extends Signal>(signal: S, body: Buffer, encoding: 'json' | 'protobuf'): Decoded[S] {
  let root: unknown;
  if (encoding === 'json') {
    try {
      root = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new DecodeError(`the body is not valid JSON: ${(err as Error).message.slice(0, 120)}`);
    }
  } else {
    const type = loadProto().REQUEST_TYPES[signal];
    try {
      root = type.toObject(type.decode(body), TO_OBJECT);
    } catch (err) {
      throw new DecodeError(`the body is not a valid protobuf ${signalMessage(signal)}: ${(err as Error).message.slice(0, 120)}`);
    }
  }
  if (!isObj(root)) throw new DecodeError(`the body must be a JSON object (${signalMessage(signal)})`);
  const ids: IdEncoding = encoding === 'json' ? 'hex' : 'base64';
  switch (signal) {
    case 'traces':
      return groups(root, 'resourceSpans', 'scopeSpans', 'spans', (s) => span(s, ids)) as Decoded[S];
    case 'logs':
      return groups(root, 'resourceLogs', 'scopeLogs', 'logRecords', (r) => logRecord(r, ids)) as Decoded[S];
    default:
      return metricGroups(root) as Decoded[S];
  }
}

function signalMessage(signal: Signal): string {
  return { traces: 'ExportTraceServiceRequest', logs: 'ExportLogsServiceRequest', metrics: 'ExportMetricsServiceRequest' }[signal];
}

function groups<T>(root: Obj, top: string, scope: string, leaf: string, item: (o: Obj) => T | null): ResourceGroup<T>[] {
  const out: ResourceGroup<T>[] = [];
  for (const rs of list(root, top)) {
    const items: T[] = [];
    let rejected = 0;
    for (const ss of list(rs, scope)) {
      for (const o of list(ss, leaf)) {
        const mapped = item(o);
        if (mapped === null) rejected++;
        else items.push(mapped);
      }
    }
    out.push({ resource: attrs(field(field(rs, 'resource'), 'attributes')), items, rejected });
  }
  return out;
}

/** A field by its lowerCamelCase name, or the proto's snake_case one, which some encoders write. */
function field(o: unknown, camel: string): unknown {
  if (!isObj(o)) return undefined;
  if (o[camel] !== undefined) return o[camel];
  return o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function list(o: unknown, name: string): Obj[] {
  const v = field(o, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${name} must be an array`);
  return v.filter(isObj);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

/** Trace and span ids as lowercase hex; '' when absent, null when malformed. */
function id(v: unknown, bytes: number, enc: IdEncoding): string | null {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') return null;
  const hex = enc === 'hex' ? v.toLowerCase() : Buffer.from(v, 'base64').toString('hex');
  if (hex.length === 0) return '';
  return hex.length === bytes * 2 && /^[0-9a-f]+$/.test(hex) ? hex : null;
}

/** Nanoseconds since the epoch (a decimal string, or a number) as a BigInt; null when unusable. */
function nanos(v: unknown): bigint | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.round(v));
  return null;
}

function ms(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

export function attrs(v: unknown): Attrs {
  const out: Attrs = {};
  if (!Array.isArray(v)) return out;
  for (const kv of v) {
    if (!isObj(kv) || typeof kv.key !== 'string') continue;
    setOwn(out, kv.key, anyValue(kv.value));
  }
  return out;
}

function anyValue(v: unknown, depth = 0): AttrValue {
  if (!isObj(v) || depth > 16) return null;
  if (v.stringValue !== undefined || v.string_value !== undefined) return str(field(v, 'stringValue'));
  if (v.boolValue !== undefined || v.bool_value !== undefined) return field(v, 'boolValue') === true;
  const int = field(v, 'intValue');
  if (int !== undefined) {
    const n = num(int);
    return Number.isSafeInteger(n) ? n : String(int);
  }
  const dbl = field(v, 'doubleValue');
  if (dbl !== undefined) return num(dbl);
  const arr = field(v, 'arrayValue');
  if (arr !== undefined) return (Array.isArray(field(arr, 'values')) ? (field(arr, 'values') as unknown[]) : []).map((x) => anyValue(x, depth + 1));
  const kv = field(v, 'kvlistValue');
  if (kv !== undefined) {
    const out: Record<string, AttrValue> = {};
    for (const e of Array.isArray(field(kv, 'values')) ? (field(kv, 'values') as unknown[]) : []) {
      if (isObj(e) && typeof e.key === 'string') setOwn(out, e.key, anyValue(e.value, depth + 1));
    }
    return out;
  }
  const b = field(v, 'bytesValue');
  if (typeof b === 'string') return b;
  return null;
}

function span(o: Obj, enc: IdEncoding): Span | null {
  const traceId = id(field(o, 'traceId'), 16, enc);
  const spanId = id(field(o, 'spanId'), 8, enc);
  const parentSpanId = id(field(o, 'parentSpanId'), 8, enc);
  const start = nanos(field(o, 'startTimeUnixNano'));
  const end = nanos(field(o, 'endTimeUnixNano'));
  if (!traceId || !spanId || parentSpanId === null || start === null || end === null || start === 0n) return null;
  const status = field(o, 'status');
  const events: SpanEvent[] = [];
  for (const e of list(o, 'events')) {
    const t = nanos(field(e, 'timeUnixNano'));
    events.push({ name: str(field(e, 'name')), timeMs: t === null || t === 0n ? ms(end) : ms(t), attributes: attrs(field(e, 'attributes')) });
  }
  const lasted = end > start ? end - start : 0n;
  return {
    traceId,
    spanId,
    parentSpanId,
    name: str(field(o, 'name')),
    kind: enumValue(field(o, 'kind'), SPAN_KINDS),
    startMs: ms(start),
    endMs: ms(end < start ? start : end),
    durationMs: Number(lasted / 1000n) / 1000,
    attributes: attrs(field(o, 'attributes')),
    events,
    status: { code: enumValue(field(status, 'code'), STATUS_CODES), message: str(field(status, 'message')) },
  };
}

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** OTLP/JSON writes enums as integers; their names are accepted too. */
function enumValue(v: unknown, names: string[]): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    return i >= 0 ? i : Number.isInteger(Number(v)) ? Number(v) : 0;
  }
  return 0;
}

function logRecord(o: Obj, enc: IdEncoding): LogRecord | null {
  const t = nanos(field(o, 'timeUnixNano'));
  const observed = nanos(field(o, 'observedTimeUnixNano'));
  const time = t && t > 0n ? t : observed && observed > 0n ? observed : null;
  const traceId = id(field(o, 'traceId'), 16, enc);
  const spanId = id(field(o, 'spanId'), 8, enc);
  if (time === null || traceId === null || spanId === null) return null;
  return {
    timeMs: ms(time),
    severityNumber: enumValue(field(o, 'severityNumber'), []),
    severityText: str(field(o, 'severityText')),
    body: anyValue(field(o, 'body')),
    attributes: attrs(field(o, 'attributes')),
    traceId,
    spanId,
    eventName: str(field(o, 'eventName')),
  };
}

function metricGroups(root: Obj): ResourceGroup<MetricPoint>[] {
  const out: ResourceGroup<MetricPoint>[] = [];
  for (const rm of list(root, 'resourceMetrics')) {
    const points: (MetricPoint | null)[] = [];
    for (const sm of list(rm, 'scopeMetrics')) for (const m of list(sm, 'metrics')) points.push(...metricPoints(m));
    const items = points.filter((p): p is MetricPoint => p !== null);
    out.push({ resource: attrs(field(field(rm, 'resource'), 'attributes')), items, rejected: points.length - items.length });
  }
  return out;
}

const KINDS: [string, MetricKind][] = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
];

function metricPoints(m: Obj): (MetricPoint | null)[] {
  const name = str(field(m, 'name'));
  const unit = str(field(m, 'unit'));
  for (const [key, kind] of KINDS) {
    const data = field(m, key);
    if (!isObj(data)) continue;
    const temporality = enumValue(field(data, 'aggregationTemporality'), ['AGGREGATION_TEMPORALITY_UNSPECIFIED', 'AGGREGATION_TEMPORALITY_DELTA', 'AGGREGATION_TEMPORALITY_CUMULATIVE']);
    const monotonic = field(data, 'isMonotonic') === true;
    return list(data, 'dataPoints').map((p) => point(p, { name, unit, kind, temporality, monotonic }));
  }
  // A metric with no data of a known kind: one rejected item.
  return [null];
}

function point(p: Obj, base: Pick<MetricPoint, 'name' | 'unit' | 'kind' | 'temporality' | 'monotonic'>): MetricPoint | null {
  const t = nanos(field(p, 'timeUnixNano'));
  if (!base.name || t === null || t === 0n) return null;
  const start = nanos(field(p, 'startTimeUnixNano'));
  const out: MetricPoint = { ...base, attributes: attrs(field(p, 'attributes')), startMs: start ? ms(start) : ms(t), timeMs: ms(t) };
  if (base.kind === 'gauge' || base.kind === 'sum') {
    const dbl = field(p, 'asDouble');
    out.value = num(dbl !== undefined ? dbl : field(p, 'asInt') ?? 0);
  } else {
    out.count = num(field(p, 'count') ?? 0);
    const sum = field(p, 'sum');
    if (sum !== undefined) out.sum = num(sum);
    const min = field(p, 'min');
    const max = field(p, 'max');
    if (min !== undefined) out.min = num(min);
    if (max !== undefined) out.max = num(max);
    if (base.kind === 'histogram') {
      const bounds = field(p, 'explicitBounds');
      const counts = field(p, 'bucketCounts');
      out.bounds = Array.isArray(bounds) ? bounds.map(num) : [];
      out.counts = Array.isArray(counts) ? counts.map(num) : [];
    }
  }
  for (const v of [out.value, out.count, out.sum]) if (v !== undefined && !Number.isFinite(v)) return null;
  return out;
}
