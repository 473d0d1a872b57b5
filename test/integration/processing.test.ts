/**
 * Processing rules in a real agent: a generator logging its own JSON shape
 * read through a mapping, a filter dropping whole runs, enrichment with the
 * workspace's git state (followed when HEAD moves), and routing to an OTLP
 * receiver and a webhook started by the test.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ErrorRecord, IngestStatus, ProcessingStatus, RunDetail } from '../../agent/api/types';
import { eventually, startAgent, workspace, type AgentProcess, type Workspace } from './harness';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

let ws: Workspace;
let agent: AgentProcess;
let receiver: Server;
const received: Received[] = [];
let failFirst = true;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
let project: string;

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failFirst && req.url === '/otel/v1/logs') {
        failFirst = false;
        res.writeHead(503, { 'Retry-After': '0' }).end();
        return;
      }
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;

  ws = workspace();
  project = join(ws.root, 'project');
  mkdirSync(join(project, '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(project, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(project, '.git', 'refs', 'heads', 'main'), `${A}\n`);
  const config = join(ws.root, 'config.json');
  writeFileSync(config, JSON.stringify({
    processing: {
      transform: [{
        source: '*acme*',
        map: { event: 'type', runId: 'run_id', time: 'ts', project: 'app', step: 'phase', result: 'status', ms: 'duration_ms', text: 'message' },
        values: { type: { begin: 'run.started', step_begin: 'phase.started', step_end: 'phase.ended', fault: 'error', end: 'run.ended' }, status: { done: 'ok', good: 'success' } },
        set: { v: 1 },
      }],
      filter: [{ when: { type: 'run.started', app: 'smoke-*' }, action: 'drop' }],
      enrich: { workspace: project },
      sinks: {
        otlp: { endpoint: `http://127.0.0.1:${port}/otel`, headers: { 'x-api-key': 'k-1' }, when: { type: ['run.ended', 'error'] }, flushMs: 50 },
        webhook: { url: `http://127.0.0.1:${port}/hook`, when: { type: 'error' }, flushMs: 50 },
      },
    },
  }));
  agent = await startAgent(ws, ['--config', config]);
});

after(async () => {
  await agent?.stop();
  ws?.dispose();
  await new Promise((r) => receiver?.close(r));
});

/** A run in the generator's own shape: `event`, `runId`, `time`, ... */
function acmeRun(runId: string, app: string, t0: number): string {
  const lines = [
    { event: 'begin', runId, time: t0, project: app },
    { event: 'step_begin', runId, time: t0 + 10, step: 'codegen' },
    { event: 'fault', runId, time: t0 + 500, category: 'generation', severity: 'warning', text: `lint warnings in ${app}` },
    { event: 'step_end', runId, time: t0 + 1000, step: 'codegen', result: 'done', ms: 990 },
    { event: 'end', runId, time: t0 + 1200, result: 'good', ms: 1200 },
  ];
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

test('a generator logging its own JSON shape is read through the mapping; a filtered run is dropped whole; runs and errors are enriched', async () => {
  const t0 = Date.now() - 5000;
  appendFileSync(join(ws.logDir, 'acme-gen.jsonl'), acmeRun('acme-1', 'shop', t0) + acmeRun('acme-smoke', 'smoke-test', t0 + 2000));
  const detail = await eventually(async () => {
    const d = await agent.get<RunDetail>('/runs/acme-1');
    return d.run.status === 'success' ? d : null;
  }, 'the mapped run');
  assert.equal(detail.run.app, 'shop');
  assert.deepEqual(detail.phases.map((p) => [p.phase, p.status, p.durationMs]), [['codegen', 'ok', 990]]);
  assert.equal(detail.run.durationMs, 1200);
  const attrs = detail.attributes!;
  assert.deepEqual([attrs.git_branch, attrs.git_commit, attrs.workspace], ['main', A, 'project']);
  assert.equal(typeof attrs.host, 'string');
  assert.equal(typeof attrs.agent_version, 'string');
  assert.equal(detail.errors[0].message, 'lint warnings in shop');
  assert.equal(detail.errors[0].context?.git_commit, A);

  await assert.rejects(agent.get('/runs/acme-smoke'), /404/);
  const ingest = await agent.get<IngestStatus>('/ingest');
  assert.deepEqual(ingest.badLines, {}, 'no line of the dropped run is set aside as of an unknown run');
  const status = await agent.get<ProcessingStatus>('/processing');
  assert.equal(status.dropped, 5);
  assert.equal(status.facts.git_commit, A);
  assert.deepEqual(status.rules, { transform: 1, filter: 1, enrich: true });
});

test('routing: matching events reach the OTLP receiver (after a retry) and the webhook; the store keeps them all', async () => {
  const routed = (path: string) => async () => {
    const got = received.filter((r) => r.path === path);
    return got.length > 0 ? got : null;
  };
  const logs = await eventually(routed('/otel/v1/logs'), 'OTLP logs at the receiver');
  assert.equal(logs[0].headers['x-api-key'], 'k-1');
  type Rec = { eventName: string; severityText: string; body: { stringValue: string }; attributes: { key: string; value: Record<string, unknown> }[] };
  const records = logs.flatMap((l) => ((l.body.resourceLogs as { scopeLogs: { logRecords: Rec[] }[] }[])[0].scopeLogs[0].logRecords));
  assert.deepEqual(records.map((r) => r.eventName).sort(), ['error', 'run.ended'], 'only the types routed there, and not of the dropped run');
  const error = records.find((r) => r.eventName === 'error')!;
  assert.equal(error.severityText, 'WARN');
  assert.equal(error.body.stringValue, 'lint warnings in shop');
  assert.ok(error.attributes.some((a) => a.key === 'genmon.run_id' && a.value.stringValue === 'acme-1'));

  const hooks = await eventually(routed('/hook'), 'webhook delivery');
  const events = hooks.flatMap((h) => h.body.events as { type: string; run_id: string }[]);
  assert.deepEqual(events.map((e) => [e.type, e.run_id]), [['error', 'acme-1']]);

  const status = await agent.get<ProcessingStatus>('/processing');
  const otlp = status.sinks.find((s) => s.name === 'otlp')!;
  assert.deepEqual([otlp.sent, otlp.failed, otlp.dropped, otlp.lastError], [2, 0, 0, 'HTTP 503']);
  assert.equal(status.sinks.find((s) => s.name === 'webhook')!.sent, 1);
});

test('a commit in the workspace moves the enrichment: later runs get the new commit, earlier ones keep theirs', async () => {
  // As git writes a ref: a lock file renamed over it.
  const ref = join(project, '.git', 'refs', 'heads', 'main');
  writeFileSync(`${ref}.lock`, `${B}\n`);
  renameSync(`${ref}.lock`, ref);
  await eventually(async () => (await agent.get<ProcessingStatus>('/processing')).facts.git_commit === B, 'the new commit in force');
  appendFileSync(join(ws.logDir, 'acme-gen.jsonl'), acmeRun('acme-2', 'blog', Date.now() - 2000));
  const later = await eventually(async () => {
    const d = await agent.get<RunDetail>('/runs/acme-2');
    return d.run.status === 'success' ? d : null;
  }, 'the second run');
  assert.equal(later.attributes!.git_commit, B);
  assert.equal((await agent.get<RunDetail>('/runs/acme-1')).attributes!.git_commit, A);
  const errors = await agent.get<ErrorRecord[]>('/errors?runId=acme-2&from=0');
  assert.equal(errors[0].context?.git_commit, B);
});
