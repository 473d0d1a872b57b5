import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { DeliveryView, RenderedReport, ReportDocument, ReportTemplateInfo, RunSummary } from '../../agent/api/types';
import { rawGet } from '../../agent/cli/client';
import { AGENT_JS, eventually, line, sleep, startAgent, workspace } from './harness';

const GENMON_JS = join(AGENT_JS, '..', 'genmon.js');
const XSS = '<img src=x onerror=alert(1)>';
const FORMULA = '=HYPERLINK("http://evil.example","click")';

function genmon(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [GENMON_JS, ...args], { encoding: 'utf8', env: { ...process.env, GENMON_HOME: '' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('reports over the API and the CLI: templates, every format, hostile log text escaped, bad parameters refused; offline from the database', async () => {
  const ws = workspace();
  let agent = await startAgent(ws);
  try {
    const file = join(ws.logDir, 'runs.jsonl');
    appendFileSync(
      file,
      line({ run_id: 'r1', type: 'run.started', template: 'react' }) +
        line({ run_id: 'r1', type: 'model.inference', model: 'gpt-4o', latency_ms: 800, cost_usd: 0.25 }) +
        line({ run_id: 'r1', type: 'error', category: 'generation', severity: 'error', message: `${XSS} ${FORMULA}` }) +
        line({ run_id: 'r1', type: 'run.ended', status: 'failed', duration_ms: 1200 }),
    );
    await eventually(async () => (await agent.get<RunSummary[]>('/runs')).some((r) => r.runId === 'r1' && r.status === 'failed'), 'the run stored');

    const templates = await agent.get<ReportTemplateInfo[]>('/reports/templates');
    assert.deepEqual(templates.map((t) => t.id), ['daily', 'weekly', 'cost', 'errors', 'incidents']);

    const plain = await agent.get<RenderedReport>('/report');
    assert.equal(plain.template, 'daily', 'the default template');
    assert.equal(plain.format, 'md');
    assert.equal(plain.markdown, plain.body, 'first-version clients still read markdown');
    assert.match(plain.body, /^# Daily summary/);
    assert.ok(plain.body.includes('\\<img src=x onerror=alert\\(1\\)\\>'));

    const html = await agent.get<RenderedReport>('/report?template=weekly&format=html&tz=Europe%2FBerlin');
    assert.equal(html.mediaType, 'text/html; charset=utf-8');
    assert.match(html.fileName, /^weekly-\d{4}-\d{2}-\d{2}T\d{6}Z\.html$/);
    assert.match(html.body, /Content-Security-Policy" content="default-src 'none'/);
    assert.match(html.body, /\(Europe\/Berlin\)/);
    assert.ok(html.body.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.doesNotMatch(html.body, /<script|<img|<[^>]*\son[a-z]+=/i);
    assert.ok((html.body.match(/<svg /g) ?? []).length >= 5, 'charts inline');

    const csv = await agent.get<RenderedReport>('/report?template=errors&format=csv');
    assert.ok(csv.body.includes(`"<img src=x onerror=alert(1)> =HYPERLINK(""http://evil.example"",""click"")"`));
    const cost = JSON.parse((await agent.get<RenderedReport>('/report?template=cost&format=json')).body) as ReportDocument;
    assert.equal(cost.figures.find((f) => f.id === 'cost')?.value, 0.25);
    assert.equal(cost.figures.find((f) => f.id === 'wasted')?.value, 0.25, 'the run failed');

    const d = agent.discovery!;
    for (const [query, message] of [
      ['template=monthly', /template must be one of daily, weekly, cost, errors, incidents/],
      ['format=pdf', /format must be one of md, html, csv, json/],
      ['tz=Mars%2FOlympus', /tz must be an IANA time zone/],
      ['from=10&to=5', /from must be before to/],
    ] as const) {
      const res = await rawGet(`${d.url}/api/v1/report?${query}`, { Authorization: `Bearer ${d.token}` });
      assert.equal(res.status, 400, query);
      assert.match(JSON.parse(res.body).message, message);
    }
    assert.equal((await rawGet(`${d.url}/api/v1/report`, {})).status, 401, 'the token is required');

    const list = genmon(['report', '--list']);
    assert.match(list.stdout, /^daily {6}Daily summary: /m);
    const fromAgent = genmon(['report', '--data-dir', ws.dataDir, '--template', 'errors', '--format', 'csv', '--hours', '2']);
    assert.equal(fromAgent.status, 0, fromAgent.stderr);
    assert.ok(fromAgent.stdout.includes(`'=HYPERLINK`) === false && fromAgent.stdout.includes('"<img src=x'), 'the message cell starts with <, so it is quoted but not a formula');
    const out = join(ws.root, 'weekly.html');
    const saved = genmon(['report', '--data-dir', ws.dataDir, '--template', 'weekly', '--format', 'html', '--from', new Date(Date.now() - 3 * 86_400_000).toISOString(), '-o', out]);
    assert.equal(saved.status, 0, saved.stderr);
    assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/);
    const bad = genmon(['report', '--data-dir', ws.dataDir, '--template', 'nope']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--template must be one of daily, weekly, cost, errors, incidents/);

    await agent.stop();
    const offline = genmon(['report', '--data-dir', ws.dataDir, '--template', 'daily', '--format', 'json']);
    assert.equal(offline.status, 0, offline.stderr);
    const doc = JSON.parse(offline.stdout) as ReportDocument;
    assert.equal(doc.figures.find((f) => f.id === 'failures')?.value, 1, 'read from the database file with no agent running');
    agent = await startAgent(ws);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

interface Received {
  id: string;
  body: { kind: string; schedule: string; template: string; to: string; files: string[]; text: string; markdown: string };
}

function receiver(): Promise<{ server: Server; port: number; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ id: String(req.headers['x-genmon-delivery']), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, got })));
}

const INTERVAL = 3000;

test('scheduled reports: written on time, archived past keep, delivered to the webhook, and after a kill -9 the latest missed one once and nothing twice', async () => {
  const ws = workspace();
  const hook = await receiver();
  const outDir = join(ws.root, 'reports');
  const config = join(ws.root, 'config.json');
  // An interval schedule is the test seam: slots every 3 s instead of a daily time.
  writeFileSync(config, JSON.stringify({ reports: { dir: outDir, schedules: [{ name: 'fast', template: 'daily', every: '3s', formats: ['md', 'json'], keep: 2, keepCompressed: 1, webhook: true }] } }));
  const args = ['--config', config, '--webhook', `http://127.0.0.1:${hook.port}/hook`, '--webhook-backoff', '50'];
  let agent = await startAgent(ws, args);
  const folder = join(outDir, 'fast');
  try {
    appendFileSync(join(ws.logDir, 'runs.jsonl'), line({ run_id: 'a', type: 'run.started' }) + line({ run_id: 'a', type: 'run.ended', status: 'success', duration_ms: 500 }));
    await eventually(async () => hook.got.length >= 4, 'four scheduled reports at the webhook', 40_000);
    const first = hook.got[0].body;
    assert.equal(first.kind, 'report');
    assert.equal(first.schedule, 'fast');
    assert.match(first.text, /^Genmon report: Daily summary, /);
    assert.deepEqual(first.files.map((f) => f.split('.').pop()), ['md', 'json']);
    assert.ok(first.files.every((f) => /^daily-\d{4}-\d{2}-\d{2}T\d{6}Z\.(md|json)$/.test(f)), first.files.join());

    await agent.kill9();
    const killedAt = Date.now();
    await sleep(3.5 * INTERVAL);
    agent = await startAgent(ws, args);
    const restartedAt = Date.now();
    const started = await eventually(async () => /(\S+) scheduled reports: fast into /.exec(agent.stderr), 'the scheduler started');
    const scheduledAt = Date.parse(started[1]);
    await eventually(async () => hook.got.some((g) => Date.parse(g.body.to) > killedAt), 'a report after the restart', 30_000);
    await eventually(async () => hook.got.filter((g) => Date.parse(g.body.to) > restartedAt).length >= 2, 'two more on schedule', 30_000);
    await eventually(async () => {
      const delivered = await agent.get<DeliveryView[]>('/deliveries?status=delivered&limit=1000');
      return hook.got.every((g) => delivered.some((d) => d.id === g.id && d.title.startsWith('Genmon report: Daily summary')));
    }, 'every delivery recorded as delivered');
    await agent.stop();

    const slots = hook.got.map((g) => Date.parse(g.body.to));
    assert.equal(new Set(slots).size, slots.length, `no slot delivered twice: ${hook.got.map((g) => g.body.to).join(', ')}`);
    assert.equal(new Set(hook.got.map((g) => g.id)).size, hook.got.length, 'no delivery received twice');
    const sorted = [...slots].sort((a, b) => a - b);
    for (const s of sorted) assert.equal(s % INTERVAL, 0, 'slots on the interval');
    const caughtUp = sorted.find((s) => s > killedAt)!;
    assert.ok(caughtUp <= scheduledAt, 'the first report after the restart is the slot missed while down, written at start');
    const before = sorted.filter((s) => s <= killedAt);
    const skipped = (caughtUp - before[before.length - 1]) / INTERVAL - 1;
    assert.ok(skipped >= 2, `the older missed slots are not written (${skipped} skipped)`);

    const names = readdirSync(folder).sort();
    const plain = names.filter((n) => /\.(md|json)$/.test(n));
    const packed = names.filter((n) => n.endsWith('.gz'));
    assert.equal(plain.length, 4, `two newest runs as they are: ${names.join(', ')}`);
    assert.equal(packed.length, 2, `the run before compressed: ${names.join(', ')}`);
    assert.ok(packed.every((n) => n < plain[0]), 'the compressed run is older');
    assert.equal(names.length, 6, 'older runs deleted');
    const gz = packed.find((n) => n.endsWith('.json.gz'))!;
    assert.equal((JSON.parse(gunzipSync(readFileSync(join(folder, gz))).toString()) as ReportDocument).template, 'daily');
    assert.match(readFileSync(join(folder, plain[plain.length - 1]), 'utf8'), /^# Daily summary/);
  } finally {
    await agent.stop();
    await new Promise<void>((r) => hook.server.close(() => r()));
    ws.dispose();
  }
});
