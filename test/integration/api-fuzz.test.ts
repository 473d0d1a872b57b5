/**
 * Every endpoint of the running agent with hostile query parameters, path
 * segments and bodies: answers are 2xx or a 4xx that says why, never a 500,
 * and the agent keeps serving. The endpoints and parameter names are read
 * from the agent's source, so routes added later are covered too.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ErrorGroup, Health, IngestStatus, RunSummary } from '../../agent/api/types';
import { rawRequest } from '../../agent/cli/client';
import { fuzzRuns } from '../fuzz-settings';
import { NASTY_STRINGS, nastyJson, nastyString } from '../unit/fuzz/hostile-values';
import { agentPerFile, eventually, line } from './harness';

const ctx = agentPerFile();
const AGENT_SRC = join(__dirname, '..', '..', 'agent');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}
const code = sources(AGENT_SRC).join('\n');
const ROUTES = [...new Set([...code.matchAll(/server\.(get|post)\('([^']+)'/g)].map((m) => `${m[1].toUpperCase()} ${m[2]}`))].map((r) => {
  const [method, path] = r.split(' ');
  return { method: method as 'GET' | 'POST', path };
});
const PARAMS = [...new Set([...code.matchAll(/(?:\w+Param\((?:q|query), |(?:q|query)\.(?:get|has|getAll)\()'(\w+)'/g)].map((m) => m[1]))];

/** encodeURIComponent after replacing lone surrogates (which it refuses) as UTF-8 would. */
function encode(s: string): string {
  return encodeURIComponent(Buffer.from(s).toString());
}

function fill(path: string, segment: string): string {
  return `/api/v1${path.replace(/:\w+/g, segment)}`;
}

async function call(method: 'GET' | 'POST', path: string, body?: string) {
  const d = ctx.agent.discovery!;
  const headers: Record<string, string> = { Authorization: `Bearer ${d.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return rawRequest(method, `${d.url}${path}`, headers, body);
}

function checkAnswer(res: { status: number; body: string }, what: string): void {
  assert.ok(res.status < 500, `${what}: ${res.status} ${res.body.slice(0, 200)}`);
  if (res.status >= 400) {
    const err = JSON.parse(res.body) as { error: string; message: string };
    assert.ok(err.error && err.message, `${what}: a ${res.status} says why`);
  } else assert.doesNotThrow(() => JSON.parse(res.body), what);
}

test('the route list read from the source is the agent\'s (sanity)', () => {
  assert.ok(ROUTES.length >= 20, `${ROUTES.length} routes`);
  for (const p of ['limit', 'from', 'to', 'runId', 'status', 'category', 'severity', 'maxPoints', 'before']) assert.ok(PARAMS.includes(p), p);
});

test('fuzz: every GET endpoint with hostile parameters and path segments answers 2xx or a clear 4xx', async () => {
  appendFileSync(join(ctx.ws.logDir, 'a.jsonl'), line({ run_id: 'r1', type: 'run.started' }) + line({ run_id: 'r1', type: 'error', category: 'system', severity: 'error', message: 'boom' }));
  await eventually(async () => (await ctx.agent.get<RunSummary[]>('/runs')).length === 1, 'a run');
  const gets = ROUTES.filter((r) => r.method === 'GET');
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), nastyString), fc.oneof(nastyString, fc.integer().map(String), fc.double().map(String))), { maxLength: 4 });
  const raw = fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '..%2F..%2Fetc', '%2e%2e', 'a%2Fb');
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...gets), query, fc.oneof(nastyString.map(encode), raw), fc.boolean(), async (route, params, segment, rawQuery) => {
      const qs = rawQuery ? params.map(([k, v]) => `${k}=${v}`).join('&') : new URLSearchParams(params).toString();
      const path = `${fill(route.path, segment || 'x')}${qs ? `?${qs}` : ''}`;
      checkAnswer(await call('GET', path), `GET ${path}`);
    }),
    fuzzRuns(400),
  );
  const health = await ctx.agent.get<Health>('/health');
  assert.equal(health.ok, true);
  assert.doesNotMatch(ctx.agent.stderr, / failed: /, 'no request failed inside the agent');
});

test('fuzz: every POST endpoint with hostile bodies and path segments answers 2xx or a clear 4xx', async () => {
  const posts = ROUTES.filter((r) => r.method === 'POST');
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...posts), nastyJson, nastyString, async (route, body, segment) => {
      const path = fill(route.path, encode(segment) || 'x');
      checkAnswer(await call('POST', path, JSON.stringify(body) ?? 'null'), `POST ${path}`);
    }),
    fuzzRuns(300),
  );
  assert.equal((await ctx.agent.get<Health>('/health')).ok, true);
  assert.doesNotMatch(ctx.agent.stderr, / failed: /);
});

const INJECTIONS = NASTY_STRINGS.filter((s) => /['";%_\\]|SELECT|DROP/i.test(s));

test('SQL injection through every filter parameter: the database is intact and the answers are right', async () => {
  appendFileSync(join(ctx.ws.logDir, 'b.jsonl'), line({ run_id: 'r2', type: 'run.started' }) + line({ run_id: 'r2', type: 'error', category: 'generation', severity: 'critical', message: 'other' }));
  await eventually(async () => (await ctx.agent.get<RunSummary[]>('/runs')).length >= 2, 'two runs');
  const snapshot = async () => {
    const ingest = await ctx.agent.get<IngestStatus>('/ingest');
    return { events: ingest.eventsStored, runs: (await ctx.agent.get<RunSummary[]>('/runs')).length, errors: (await ctx.agent.get<unknown[]>('/errors')).length };
  };
  const before = await snapshot();
  assert.ok(INJECTIONS.length >= 8);
  for (const route of ROUTES.filter((r) => r.method === 'GET')) {
    for (const injection of INJECTIONS) {
      for (const param of PARAMS) {
        const res = await call('GET', `${fill(route.path, encode(injection))}?${new URLSearchParams({ [param]: injection })}`);
        checkAnswer(res, `${route.path}?${param}=${injection}`);
      }
    }
  }
  assert.deepEqual(await snapshot(), before, 'no row changed');
  // A filter matches its value literally: an injected run id matches no error, a run id that exists its own.
  assert.deepEqual(await ctx.agent.get(`/errors?runId=${encodeURIComponent("r1' OR '1'='1")}`), []);
  assert.equal((await ctx.agent.get<unknown[]>('/errors?runId=r2')).length, 1);
  assert.equal((await call('GET', `/api/v1/runs/${encodeURIComponent("r1' OR '1'='1")}`)).status, 404);
  const groups = await ctx.agent.get<ErrorGroup[]>('/errors/groups');
  assert.equal((await call('GET', `/api/v1/errors/groups/${encodeURIComponent(`${groups[0].fingerprint}' OR '1'='1`)}`)).status, 404);
  assert.equal((await call('GET', `/api/v1/runs?status=${encodeURIComponent("failed' OR '1'='1")}`)).status, 400);
});
