import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceBook } from '../../../agent/otlp/book';
import { decodeRequest, DecodeError } from '../../../agent/otlp/decode';
import { REQUEST_TYPES } from '../../../agent/otlp/proto';
import { mapLogs } from '../../../agent/otlp/map-logs';
import { mapMetrics } from '../../../agent/otlp/map-metrics';
import { mapSpans, type OutEvent } from '../../../agent/otlp/map-traces';
import { TokenBucket } from '../../../agent/otlp/rate-limit';

const TRACE = '5b8efff798038103d269b633813fc60c';
const T0 = 1_795_600_800_000n * 1_000_000n;
const ns = (ms: number) => String(T0 + BigInt(ms) * 1_000_000n);
const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

function span(id: string, parent: string, name: string, from: number, to: number, extra: Record<string, unknown> = {}) {
  return { traceId: TRACE, spanId: id, parentSpanId: parent, name, kind: 1, startTimeUnixNano: ns(from), endTimeUnixNano: ns(to), ...extra };
}

function request(spans: unknown[]) {
  return { resourceSpans: [{ resource: { attributes: [kv('service.name', { stringValue: 'shop-gen' })] }, scopeSpans: [{ scope: { name: 'gen' }, spans }] }] };
}

/** The same request in OTLP/JSON and, through the generated protobuf types, in binary. */
function bothEncodings(req: ReturnType<typeof request>): { json: Buffer; proto: Buffer } {
  const withBytes = JSON.parse(JSON.stringify(req), (key, value) =>
    (key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string' ? Buffer.from(value, 'hex') : value);
  const type = REQUEST_TYPES.traces;
  return { json: Buffer.from(JSON.stringify(req)), proto: Buffer.from(type.encode(type.fromObject(withBytes)).finish()) };
}

const root = span('a000000000000001', '', 'generate', 0, 30_000, {
  attributes: [kv('genmon.template', { stringValue: 'react-vite' }), kv('genmon.features', { arrayValue: { values: [{ stringValue: 'auth' }] } })],
});
const codegen = span('a000000000000002', 'a000000000000001', 'Code generation', 2_000, 16_000, {
  events: [{ name: 'exception', timeUnixNano: ns(15_000), attributes: [kv('exception.type', { stringValue: 'SyntaxError' }), kv('exception.message', { stringValue: 'Unexpected token' }), kv('exception.stacktrace', { stringValue: 'SyntaxError: Unexpected token\n  at gen (g.ts:1:1)' })] }],
  status: { code: 2, message: 'codegen failed' },
});
const chat = span('a000000000000003', 'a000000000000002', 'chat gpt-4o', 3_000, 7_120, {
  attributes: [kv('gen_ai.operation.name', { stringValue: 'chat' }), kv('gen_ai.request.model', { stringValue: 'gpt-4o' }), kv('gen_ai.response.model', { stringValue: 'gpt-4o-2024-08-06' }), kv('gen_ai.usage.input_tokens', { intValue: '6210' }), kv('gen_ai.usage.output_tokens', { intValue: 2380 })],
});

test('JSON and protobuf bodies decode to the same spans: hex ids, nanoseconds to milliseconds, attribute types', () => {
  const { json, proto } = bothEncodings(request([root, codegen, chat]));
  const fromJson = decodeRequest('traces', json, 'json');
  const fromProto = decodeRequest('traces', proto, 'protobuf');
  assert.deepEqual(fromProto, fromJson);
  const [s] = fromJson[0].items;
  assert.equal(s.traceId, TRACE);
  assert.equal(s.spanId, 'a000000000000001');
  assert.equal(s.startMs, 1_795_600_800_000);
  assert.equal(s.durationMs, 30_000);
  assert.deepEqual(s.attributes['genmon.features'], ['auth']);
  assert.equal(fromJson[0].items[2].attributes['gen_ai.usage.input_tokens'], 6210);
  assert.equal(fromJson[0].resource['service.name'], 'shop-gen');
});

test('undecodable bodies are a DecodeError with a message, malformed spans are counted as rejected', () => {
  assert.throws(() => decodeRequest('traces', Buffer.from('{"resourceSpans":'), 'json'), (e: Error) => e instanceof DecodeError && /not valid JSON/.test(e.message));
  assert.throws(() => decodeRequest('traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), 'protobuf'), (e: Error) => e instanceof DecodeError && /ExportTraceServiceRequest/.test(e.message));
  assert.throws(() => decodeRequest('logs', Buffer.from('{"resourceLogs":{}}'), 'json'), /resourceLogs must be an array/);
  const bad = decodeRequest('traces', Buffer.from(JSON.stringify(request([{ ...root, traceId: 'xyz' }, { ...root, startTimeUnixNano: 'soon' }, root]))), 'json');
  assert.equal(bad[0].rejected, 2);
  assert.equal(bad[0].items.length, 1);
});

function types(events: OutEvent[]): string[] {
  return events.map((e) => `${e.type}${e.phase ? `:${e.phase}` : ''}`);
}

test('a batch with the whole run: run, phase, inference and exception; the run fails with its phase', () => {
  const book = new TraceBook(() => false);
  const out = mapSpans(decodeRequest('traces', bothEncodings(request([chat, codegen, root])).json, 'json'), book);
  const byType = new Map(out.events.map((e) => [e.type, e]));
  assert.equal(out.events.filter((e) => e.type === 'run.started').length, 1, 'the root replaces the run.started made up for its children');
  assert.deepEqual(byType.get('run.started'), { ts: 1_795_600_800_000, run_id: TRACE, type: 'run.started', app: 'shop-gen', template: 'react-vite', features: ['auth'], resource: { 'service.name': 'shop-gen' }, trace_id: TRACE });
  assert.equal(byType.get('model.inference')!.model, 'gpt-4o-2024-08-06');
  assert.equal(byType.get('model.inference')!.phase, 'codegen', 'the phase comes from the parent span');
  assert.equal(byType.get('model.inference')!.latency_ms, 4120);
  assert.equal(byType.get('model.inference')!.input_tokens, 6210);
  assert.deepEqual([byType.get('phase.ended')!.status, byType.get('phase.ended')!.duration_ms], ['failed', 14_000]);
  const error = byType.get('error')!;
  assert.deepEqual([error.category, error.message, error.phase], ['generation', 'Unexpected token', 'codegen']);
  assert.equal(out.events.filter((e) => e.type === 'error').length, 1, 'an exception event stands for the failed status; no second error');
  assert.deepEqual([byType.get('run.ended')!.status, byType.get('run.ended')!.duration_ms], ['failed', 30_000]);
});

test('children exported before their root: the first batch starts the run, the root later completes it', () => {
  const lookups: string[] = [];
  const book = new TraceBook((runId) => (lookups.push(runId), false));
  const first = mapSpans(decodeRequest('traces', bothEncodings(request([chat])).json, 'json'), book);
  assert.deepEqual(types(first.events), ['run.started', 'model.inference']);
  assert.equal(first.events[0].ts, 1_795_600_803_000, 'started at the earliest span known');
  assert.equal(first.events[1].phase, undefined, 'its phase span has not arrived');
  const second = mapSpans(decodeRequest('traces', bothEncodings(request([codegen])).json, 'json'), book);
  assert.deepEqual(types(second.events), ['phase.started:codegen', 'error:codegen', 'phase.ended:codegen'], 'no second run.started');
  const third = mapSpans(decodeRequest('traces', bothEncodings(request([root])).json, 'json'), book);
  assert.deepEqual(types(third.events), ['run.started', 'run.ended']);
  assert.equal(third.events[1].status, 'failed', 'a phase of an earlier batch failed');
  assert.deepEqual(lookups, [TRACE], 'the store is asked once');
});

test('genmon.run_id on any span of a batch names the run of the whole trace; a run the store knows is not started again', () => {
  const tagged = { ...chat, attributes: [...(chat as unknown as { attributes: unknown[] }).attributes, kv('genmon.run_id', { stringValue: 'r-42' })] };
  const book = new TraceBook((runId) => runId === 'r-42');
  const out = mapSpans(decodeRequest('traces', bothEncodings(request([codegen, tagged])).json, 'json'), book);
  assert.ok(out.events.every((e) => e.run_id === 'r-42'));
  assert.ok(!out.events.some((e) => e.type === 'run.started'));
});

test('logs at WARN and above become errors of their trace\'s run; INFO is ignored; no run at all is rejected with a reason', () => {
  const body = {
    resourceLogs: [{
      resource: { attributes: [kv('service.name', { stringValue: 'shop-gen' })] },
      scopeLogs: [{ logRecords: [
        { timeUnixNano: ns(20_000), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'deploy refused: quota' }, traceId: TRACE, spanId: 'a000000000000009', attributes: [kv('genmon.phase', { stringValue: 'deployment' }), kv('region', { stringValue: 'eu' })] },
        { timeUnixNano: ns(21_000), severityNumber: 21, body: { kvlistValue: { values: [kv('message', { stringValue: 'out of disk' })] } }, traceId: TRACE },
        { timeUnixNano: ns(22_000), severityNumber: 9, body: { stringValue: 'fine' }, traceId: TRACE },
        { timeUnixNano: ns(23_000), severityNumber: 13, body: { stringValue: 'no context' } },
      ] }],
    }],
  };
  const out = mapLogs(decodeRequest('logs', Buffer.from(JSON.stringify(body)), 'json'), new TraceBook(() => false));
  assert.deepEqual(types(out.events), ['run.started', 'error:deployment', 'error']);
  const [, quota, disk] = out.events;
  assert.deepEqual([quota.category, quota.severity, quota.message], ['deployment', 'error', 'deploy refused: quota']);
  assert.equal((quota.context as Record<string, unknown>).region, 'eu');
  assert.deepEqual([disk.category, disk.severity, disk.message], ['system', 'critical', 'out of disk']);
  assert.equal(out.ignored, 1);
  assert.equal(out.rejected, 1);
  assert.match(out.messages[0], /neither a trace id nor a genmon.run_id/);
});

test('metric points are kept whole; the understood ones are named and their durations given in ms', () => {
  const body = {
    resourceMetrics: [{
      resource: { attributes: [kv('service.name', { stringValue: 'shop-gen' })] },
      scopeMetrics: [{ metrics: [
        { name: 'http.server.request.duration', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: [{ startTimeUnixNano: ns(0), timeUnixNano: ns(60_000), count: '3', sum: 0.3, min: 0.05, max: 0.15, explicitBounds: [0.1, 1], bucketCounts: ['2', '1', '0'], attributes: [kv('http.route', { stringValue: '/api/x' }), kv('http.request.method', { stringValue: 'GET' })] }] } },
        { name: 'queue.depth', unit: '{item}', gauge: { dataPoints: [{ timeUnixNano: ns(60_000), asInt: '7' }] } },
        { name: 'broken', unit: '1' },
      ] }],
    }],
  };
  const out = mapMetrics(decodeRequest('metrics', Buffer.from(JSON.stringify(body)), 'json'));
  assert.equal(out.rejected, 1);
  const [http, depth] = out.events;
  assert.equal(http.type, 'otel.metric');
  assert.equal(http.run_id, 'otel:shop-gen');
  assert.deepEqual([http.figure, http.route, http.method, http.count, http.temporality], ['api.request.duration', '/api/x', 'GET', 3, 'cumulative']);
  assert.ok(Math.abs((http.sum_ms as number) - 300) < 1e-9);
  assert.deepEqual(http.bounds_ms, [100, 1000]);
  assert.deepEqual(http.counts, [2, 1, 0]);
  assert.deepEqual([depth.kind, depth.value, depth.figure], ['gauge', 7, undefined]);
});

test('the token bucket lets a burst through, then asks to wait whole seconds, and refills with time', () => {
  let now = 0;
  const bucket = new TokenBucket(2, 3, () => now);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [0, 0, 0]);
  assert.equal(bucket.take(), 1);
  now += 500;
  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 1);
});
