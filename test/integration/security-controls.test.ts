/**
 * One test per control of docs/security.md that the agent's API and files
 * carry (the webview, report and notification controls are unit tests in
 * test/unit/security/). Raw HTTP, so every header of every answer is seen.
 */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../agent/api/types';
import { agentPerFile, eventually, line, startAgent, workspace } from './harness';

const ctx = agentPerFile();

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Answer> {
  const d = ctx.agent.discovery!;
  return new Promise((resolve, reject) => {
    const req = request(`${d.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes written to the agent's port as they are, for requests a client library would not send. */
function rawHttp(text: string): Promise<string> {
  const port = Number(new URL(ctx.agent.discovery!.url).port);
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(text));
    let out = '';
    s.on('data', (c) => (out += c.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

const auth = () => ({ Authorization: `Bearer ${ctx.agent.discovery!.token}` });
const ROUTES = ['/api/v1/health', '/api/v1/summary', '/api/v1/runs', '/api/v1/ingest', '/api/v1/alerts', '/api/v1/report', '/api/v1/otlp'];
const INTAKE = ['/v1/traces', '/v1/logs', '/v1/metrics'];

test('control: the API listens on loopback only', async () => {
  assert.match(ctx.agent.discovery!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const port = Number(new URL(ctx.agent.discovery!.url).port);
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!external) return;
  const refused = await new Promise<string>((resolve) => {
    const s = connect(port, external.address);
    s.on('connect', () => (s.destroy(), resolve('connected')));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
  assert.equal(refused, 'ECONNREFUSED', `port ${port} on ${external.address}`);
});

test('control: every endpoint, the push stream and the OTLP intake refuse a request without the token', async () => {
  for (const path of [...ROUTES, '/api/v1/stream']) assert.equal((await send('GET', path)).status, 401, path);
  for (const path of INTAKE) assert.equal((await send('POST', path, { 'Content-Type': 'application/json' }, '{}')).status, 401, path);
  assert.equal((await send('POST', '/api/v1/alerts/ack', { 'Content-Type': 'application/json' }, '{}')).status, 401);
});

test('control: wrong tokens of every length, and near misses of the right one, are refused', async () => {
  const token = ctx.agent.discovery!.token;
  const wrong = [
    ...Array.from({ length: 100 }, (_, n) => 'A'.repeat(n + 1)),
    token.slice(0, -1), `${token}A`, token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(),
    ` ${token}`, token.slice(1), token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), 'x'.repeat(10_000),
  ];
  for (const t of wrong) {
    const res = await send('GET', '/api/v1/summary', { Authorization: `Bearer ${t}` });
    assert.equal(res.status, 401, `a token of ${t.length} characters`);
  }
  for (const header of [token, `Basic ${token}`, `bearer ${token}`, `Bearer`, '']) {
    assert.equal((await send('GET', '/api/v1/summary', { Authorization: header })).status, 401, JSON.stringify(header.slice(0, 12)));
  }
  assert.equal((await send('GET', '/api/v1/summary', auth())).status, 200);
});

test('control: the token is compared as SHA-256 digests with timingSafeEqual (constant time whatever its length)', () => {
  const server = readFileSync(join(__dirname, '..', '..', 'agent', 'api', 'server.ts'), 'utf8');
  assert.match(server, /timingSafeEqual\(digest\(match\[1\]\), this\.tokenDigest\)/);
  assert.match(server, /createHash\('sha256'\)/);
  assert.doesNotMatch(server.replace(/\/\/.*$/gm, ''), /token\s*===|===\s*this\.opts\.token/);
});

test('control: a new 256-bit token at every start', async () => {
  assert.match(ctx.agent.discovery!.token, /^[A-Za-z0-9_-]{43}$/);
  const ws = workspace();
  const other = await startAgent(ws);
  try {
    assert.notEqual(other.discovery!.token, ctx.agent.discovery!.token);
  } finally {
    await other.stop();
    ws.dispose();
  }
});

test('control: the token and every file the agent writes are readable by their owner only', async () => {
  appendFileSync(join(ctx.ws.logDir, 'a.jsonl'), line({ run_id: 'r', type: 'run.started' }));
  await eventually(async () => (await ctx.agent.get<RunSummary[]>('/runs')).length === 1, 'a run');
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? [join(dir, n), ...walk(join(dir, n))] : [join(dir, n)]));
  const paths = [ctx.ws.dataDir, ...walk(ctx.ws.dataDir)];
  assert.ok(paths.some((p) => p.endsWith('agent.json')) && paths.some((p) => p.endsWith('agent.lock')) && paths.some((p) => p.endsWith('.wal')));
  for (const path of paths) assert.equal(statSync(path).mode & 0o077, 0, `${path} has mode ${(statSync(path).mode & 0o777).toString(8)}`);
});

test('control: a data directory made open to others beforehand is tightened to 0700', { skip: process.platform === 'win32' }, async () => {
  const ws = workspace();
  mkdirSync(ws.dataDir, { mode: 0o755 });
  chmodSync(ws.dataDir, 0o755);
  const agent = await startAgent(ws);
  try {
    assert.equal(statSync(ws.dataDir).mode & 0o777, 0o700);
    assert.match(agent.stderr, /was open to other users \(mode 755\); it is now 0700/);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('control: a foreign or missing Host is refused even with the token (DNS rebinding)', async () => {
  const port = new URL(ctx.agent.discovery!.url).port;
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', 'localhost', `0.0.0.0:${port}`]) {
    const res = await send('GET', '/api/v1/summary', { ...auth(), Host: host });
    assert.equal(res.status, 403, host);
    assert.equal(JSON.parse(res.body).error, 'forbidden_host');
  }
  const noHost = await rawHttp(`GET /api/v1/summary HTTP/1.0\r\nAuthorization: Bearer ${ctx.agent.discovery!.token}\r\n\r\n`);
  assert.match(noHost, /^HTTP\/1\.1 403/, 'a request without Host');
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) assert.equal((await send('GET', '/api/v1/summary', { ...auth(), Host: host })).status, 200, host);
});

test('control: any Origin is refused, on the API and the OTLP intake (browser pages, CSRF)', async () => {
  for (const origin of ['http://evil.example', ctx.agent.discovery!.url, 'null', 'vscode-webview://abc', 'file://']) {
    assert.equal((await send('GET', '/api/v1/summary', { ...auth(), Origin: origin })).status, 403, origin);
    assert.equal((await send('POST', '/v1/traces', { ...auth(), Origin: origin, 'Content-Type': 'application/json' }, '{}')).status, 403, origin);
  }
});

test('control: no response carries CORS headers: answers, errors, preflights, unknown methods', async () => {
  const answers = [
    await send('GET', '/api/v1/summary', auth()),
    await send('GET', '/api/v1/summary'),
    await send('GET', '/api/v1/summary', { ...auth(), Origin: 'http://evil.example' }),
    await send('GET', '/api/v1/nothing-here', auth()),
    await send('OPTIONS', '/api/v1/summary', { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' }),
    await send('OPTIONS', '/api/v1/summary', auth()),
    await send('OPTIONS', '/v1/traces', { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' }),
    await send('DELETE', '/api/v1/runs', auth()),
    await send('POST', '/v1/traces', { ...auth(), 'Content-Type': 'application/json' }, 'not json'),
  ];
  for (const a of answers) {
    assert.deepEqual(Object.keys(a.headers).filter((h) => h.startsWith('access-control-')), [], `${a.status}: ${JSON.stringify(a.headers)}`);
    assert.ok(a.status >= 200 && a.status < 500, `${a.status}`);
  }
  assert.equal(answers[4].status, 403, 'a preflight from a page is refused');
});

test('control: request bodies are limited: actions to 64 KiB of JSON, the intake to its maximum; headers to 16 KiB', async () => {
  const big = JSON.stringify({ status: 'x'.repeat(70 * 1024) });
  const action = await send('POST', '/api/v1/errors/groups/f/status', { ...auth(), 'Content-Type': 'application/json' }, big);
  assert.equal(action.status, 413);
  assert.match(JSON.parse(action.body).message, /over 65536 bytes/);
  assert.equal((await send('POST', '/api/v1/errors/groups/f/status', { ...auth(), 'Content-Type': 'text/plain' }, '{}')).status, 415);
  const intake = await send('POST', '/v1/logs', { ...auth(), 'Content-Type': 'application/json' }, Buffer.alloc(5 * 1024 * 1024, 0x20));
  assert.equal(intake.status, 413);
  const headers = await send('GET', '/api/v1/summary', { ...auth(), 'X-Big': 'y'.repeat(20 * 1024) }).catch((err: Error) => ({ status: -1, body: err.message }));
  assert.ok(headers.status === 431 || headers.status === -1, `${headers.status}`);
  assert.equal((await send('GET', '/api/v1/health', auth())).status, 200, 'still serving');
});

test('control: the OTLP intake is rate limited: a burst past its limit gets 429 with Retry-After', async () => {
  const answers = await Promise.all(Array.from({ length: 400 }, () => send('POST', '/v1/logs', { ...auth(), 'Content-Type': 'application/json' }, '{"resourceLogs":[]}')));
  const limited = answers.filter((a) => a.status === 429);
  assert.ok(limited.length > 0, 'some requests were limited');
  assert.ok(limited.every((a) => Number(a.headers['retry-after']) >= 1));
  assert.ok(answers.every((a) => a.status === 200 || a.status === 429), [...new Set(answers.map((a) => a.status))].join(','));
});
