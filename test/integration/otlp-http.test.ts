/**
 * The OTLP intake's HTTP contract: the API's token, Host and Origin rules,
 * content types and encodings, body limits, the rate limit, and OTLP/HTTP
 * answers (partial success, google.rpc.Status on failure).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Field, Root, Type } from 'protobufjs/light';
import { RESPONSE_TYPES } from '../../agent/otlp/proto';
import type { OtlpStatus } from '../../agent/api/types';
import { startAgent, workspace, type AgentProcess, type Workspace } from './harness';

let ws: Workspace;
let agent: AgentProcess;

before(async () => {
  ws = workspace();
  const config = join(ws.root, 'config.json');
  writeFileSync(config, JSON.stringify({ otlp: { maxBodyBytes: 64 * 1024, maxDecodedBytes: 256 * 1024, requestsPerSecond: 0.5, burst: 30 } }));
  agent = await startAgent(ws, ['--config', config]);
});

after(async () => {
  await agent?.stop();
  ws?.dispose();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function post(path: string, body: Buffer, headers: Record<string, string>, method = 'POST'): Promise<Answer> {
  const url = new URL(path, agent.discovery!.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'Content-Length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = () => ({ Authorization: `Bearer ${agent.discovery!.token}` });
const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const T = String(BigInt(Date.now()) * 1_000_000n);

const Status = new Type('Status').add(new Field('code', 1, 'int32')).add(new Field('message', 2, 'string'));
new Root().define('google.rpc').add(Status);

test('the intake asks for the token and refuses foreign Hosts and any Origin, as the API does', async () => {
  const body = json({ resourceSpans: [] });
  assert.equal((await post('/v1/traces', body, { 'Content-Type': 'application/json' })).status, 401);
  assert.equal((await post('/v1/traces', body, { 'Content-Type': 'application/json', Authorization: 'Bearer nope' })).status, 401);
  assert.equal((await post('/v1/traces', body, { 'Content-Type': 'application/json', ...auth(), Origin: 'https://evil.example' })).status, 403);
  assert.equal((await post('/v1/traces', body, { 'Content-Type': 'application/json', ...auth(), Host: 'evil.example:80' })).status, 403);
  const ok = await post('/v1/traces', body, { 'Content-Type': 'application/json', ...auth() });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body.toString()), {});
  assert.equal((await post('/v1/traces', Buffer.alloc(0), auth(), 'GET')).status, 405);
});

test('undecodable bodies get 400 with a Status saying why, in the encoding of the request', async () => {
  const bad = await post('/v1/logs', Buffer.from('{"resourceLogs": ['), { 'Content-Type': 'application/json', ...auth() });
  assert.equal(bad.status, 400);
  const status = JSON.parse(bad.body.toString());
  assert.equal(status.code, 3);
  assert.match(status.message, /not valid JSON/);
  const proto = await post('/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), { 'Content-Type': 'application/x-protobuf', ...auth() });
  assert.equal(proto.status, 400);
  assert.equal(proto.headers['content-type'], 'application/x-protobuf');
  const decoded = Status.toObject(Status.decode(proto.body)) as { code: number; message: string };
  assert.equal(decoded.code, 3);
  assert.match(decoded.message, /not a valid protobuf ExportTraceServiceRequest/);
  assert.equal((await post('/v1/traces', json({}), { 'Content-Type': 'text/plain', ...auth() })).status, 415);
  assert.equal((await post('/v1/traces', json({}), { 'Content-Type': 'application/json', 'Content-Encoding': 'br', ...auth() })).status, 415);
});

test('malformed items are reported in partial_success; the rest is stored', async () => {
  const spans = [
    { traceId: 'abc', spanId: '0000000000000001', name: 'bad id', startTimeUnixNano: T, endTimeUnixNano: T },
    { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'generate', startTimeUnixNano: T, endTimeUnixNano: T, attributes: [{ key: 'genmon.run_id', value: { stringValue: 'partial-1' } }] },
  ];
  const res = await post('/v1/traces', json({ resourceSpans: [{ scopeSpans: [{ spans }] }] }), { 'Content-Type': 'application/json', ...auth() });
  assert.equal(res.status, 200);
  const answer = JSON.parse(res.body.toString());
  assert.equal(answer.partialSuccess.rejectedSpans, '1');
  assert.match(answer.partialSuccess.errorMessage, /malformed ids or timestamps/);
  const run = await agent.get<{ run: { status: string } }>('/runs/partial-1');
  assert.equal(run.run.status, 'success', 'answered after the commit: the run is there at once');

  const protoRes = await post('/v1/traces', Buffer.alloc(0), { 'Content-Type': 'application/x-protobuf', ...auth() });
  assert.equal(protoRes.status, 200);
  assert.deepEqual(RESPONSE_TYPES.traces.toObject(RESPONSE_TYPES.traces.decode(protoRes.body), {}), {});
});

test('bodies over the limit, on the wire or once gunzipped, get 413', async () => {
  const big = Buffer.alloc(65 * 1024, 0x20);
  assert.equal((await post('/v1/metrics', big, { 'Content-Type': 'application/json', ...auth() })).status, 413);
  const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
  assert.ok(bomb.length < 64 * 1024);
  const res = await post('/v1/metrics', bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...auth() });
  assert.equal(res.status, 413);
  assert.match(JSON.parse(res.body.toString()).message, /once decompressed/);
  const small = await post('/v1/metrics', gzipSync(json({ resourceMetrics: [] })), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...auth() });
  assert.equal(small.status, 200);
});

test('past the burst, requests get 429 with Retry-After, and are counted', async () => {
  const answers: Answer[] = [];
  for (let i = 0; i < 40; i++) answers.push(await post('/v1/logs', json({ resourceLogs: [] }), { 'Content-Type': 'application/json', ...auth() }));
  const limited = answers.filter((a) => a.status === 429);
  assert.ok(limited.length >= 1, `statuses: ${answers.map((a) => a.status).join(' ')}`);
  assert.ok(Number(limited[0].headers['retry-after']) >= 1);
  const status = await agent.get<OtlpStatus>('/otlp');
  assert.equal(status.signals.logs.refused, limited.length);
  assert.equal(status.limits.burst, 30);
});
