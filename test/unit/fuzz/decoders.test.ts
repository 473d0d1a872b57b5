/**
 * Every decoder of outside input, fed bytes, JSON and damaged valid
 * messages: it answers or throws its own error type with a message, and
 * never anything else. A new decoder is one more row in DECODERS.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLine } from '../../../agent/ingest/parse';
import { TraceBook } from '../../../agent/otlp/book';
import { decodeRequest, DecodeError } from '../../../agent/otlp/decode';
import { mapLogs } from '../../../agent/otlp/map-logs';
import { mapMetrics } from '../../../agent/otlp/map-metrics';
import { mapSpans } from '../../../agent/otlp/map-traces';
import { REQUEST_TYPES } from '../../../agent/otlp/proto';
import { fuzzRuns } from '../../fuzz-settings';
import { nastyJson, nastyString, prototypeState } from './hostile-values';

interface Decoder {
  name: string;
  decode: (body: Buffer) => unknown;
  /** The error type its rejections carry. */
  rejects: new (...args: never[]) => Error;
  /** Valid inputs that mutation starts from. */
  samples: Buffer[];
}

const book = () => new TraceBook(() => false);
const kv = (key: string, value: unknown) => ({ key, value: { stringValue: value } });
const OTLP_JSON = {
  traces: { resourceSpans: [{ resource: { attributes: [kv('service.name', 'gen')] }, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'a000000000000001', name: 'generate', kind: 1, startTimeUnixNano: '1795600800000000000', endTimeUnixNano: '1795600830000000000', attributes: [kv('genmon.template', 'react')], status: { code: 2, message: 'failed' } }] }] }] },
  logs: { resourceLogs: [{ resource: { attributes: [kv('service.name', 'gen')] }, scopeLogs: [{ logRecords: [{ timeUnixNano: '1795600800000000000', severityNumber: 17, body: { stringValue: 'boom' }, attributes: [kv('exception.type', 'E')] }] }] }] },
  metrics: { resourceMetrics: [{ resource: { attributes: [kv('service.name', 'gen')] }, scopeMetrics: [{ metrics: [{ name: 'gen_ai.client.token.usage', sum: { dataPoints: [{ asInt: '5', timeUnixNano: '1795600800000000000', attributes: [kv('gen_ai.token.type', 'input')] }], aggregationTemporality: 1, isMonotonic: true } }] }] }] },
} as const;

function protobufOf(signal: keyof typeof OTLP_JSON): Buffer {
  const withBytes = JSON.parse(JSON.stringify(OTLP_JSON[signal]), (key, value) =>
    (key === 'traceId' || key === 'spanId') && typeof value === 'string' ? Buffer.from(value, 'hex') : value);
  const type = REQUEST_TYPES[signal];
  return Buffer.from(type.encode(type.fromObject(withBytes)).finish());
}

class LineRejected extends Error {}

const DECODERS: Decoder[] = [
  {
    name: 'log line parser',
    decode: (b) => {
      const r = parseLine(b, { now: Date.parse('2026-11-25T12:00:00Z') });
      if (!r.ok) throw new LineRejected(r.message);
      return r.event;
    },
    rejects: LineRejected,
    samples: [Buffer.from('{"ts":"2026-11-25T10:00:00Z","run_id":"r","type":"run.started","app":"a"}')],
  },
  ...(['json', 'protobuf'] as const).flatMap((encoding) => [
    { name: `OTLP traces (${encoding})`, decode: (b: Buffer) => mapSpans(decodeRequest('traces', b, encoding), book()), rejects: DecodeError, samples: [encoding === 'json' ? Buffer.from(JSON.stringify(OTLP_JSON.traces)) : protobufOf('traces')] },
    { name: `OTLP logs (${encoding})`, decode: (b: Buffer) => mapLogs(decodeRequest('logs', b, encoding), book()), rejects: DecodeError, samples: [encoding === 'json' ? Buffer.from(JSON.stringify(OTLP_JSON.logs)) : protobufOf('logs')] },
    { name: `OTLP metrics (${encoding})`, decode: (b: Buffer) => mapMetrics(decodeRequest('metrics', b, encoding)), rejects: DecodeError, samples: [encoding === 'json' ? Buffer.from(JSON.stringify(OTLP_JSON.metrics)) : protobufOf('metrics')] },
  ]),
];

const before = prototypeState();

function answer(d: Decoder, body: Buffer): void {
  try {
    d.decode(body);
  } catch (err) {
    assert.ok(err instanceof d.rejects, `${d.name} threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.stack ?? err}`);
    assert.ok((err as Error).message.length > 0);
  }
  assert.equal(prototypeState(), before, `${d.name} changed a prototype`);
}

/** Replaces, inserts or cuts bytes of a valid message. */
const damage = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), op: fc.constantFrom('set', 'insert', 'cut') }), { minLength: 1, maxLength: 6 });

for (const d of DECODERS) {
  test(`fuzz: ${d.name} answers any bytes, any JSON and damaged valid messages`, () => {
    for (const sample of d.samples) d.decode(sample);
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      nastyJson.map((v) => Buffer.from(JSON.stringify(v) ?? '')),
      fc.tuple(fc.constantFrom(...d.samples), damage).map(([sample, steps]) => {
        let out = Buffer.from(sample);
        for (const s of steps) {
          const at = out.length ? s.at % out.length : 0;
          if (s.op === 'set') out[at] = s.byte;
          else if (s.op === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.of(s.byte), out.subarray(at)]);
          else out = out.subarray(0, at);
        }
        return out;
      }),
      // A valid message with a hostile string in place of one of its strings.
      fc.tuple(fc.constantFrom(...d.samples), nastyString, fc.nat()).map(([sample, s, n]) => {
        const text = sample.toString('latin1');
        const strings = [...text.matchAll(/"([^"\\]*)"/g)];
        if (strings.length === 0) return sample;
        const m = strings[n % strings.length];
        return Buffer.from(text.slice(0, m.index) + JSON.stringify(s) + text.slice(m.index! + m[0].length), 'latin1');
      }),
    );
    fc.assert(fc.property(body, (b) => answer(d, b)), fuzzRuns(1500));
  });
}

test('OTLP names and attribute keys such as constructor and __proto__ are data, not lookups into Object.prototype', () => {
  const body = structuredClone(OTLP_JSON.metrics) as unknown as { resourceMetrics: { scopeMetrics: { metrics: { name: string; sum: { dataPoints: { attributes: unknown[] }[] } }[] }[] }[] };
  const metric = body.resourceMetrics[0].scopeMetrics[0].metrics[0];
  metric.name = 'constructor';
  metric.sum.dataPoints[0].attributes.push({ key: '__proto__', value: { kvlistValue: { values: [kv('service.name', 'spoofed')] } } });
  const mapped = mapMetrics(decodeRequest('metrics', Buffer.from(JSON.stringify(body)), 'json'));
  const event = mapped.events[0] as unknown as { name: string; figure?: string; attributes: Record<string, unknown> };
  assert.equal(event.name, 'constructor');
  assert.equal(event.figure, undefined);
  assert.ok(Object.hasOwn(event.attributes, '__proto__'), 'kept as an attribute of its own');
  assert.equal(Object.getPrototypeOf(event.attributes), Object.prototype);
});
