/**
 * A standalone page for the dashboard, for tests and screenshots: the same
 * HTML, CSP, script and stylesheet as the panel, the same controller on the
 * host side, and a fake `acquireVsCodeApi` relaying messages over HTTP.
 *
 *   node --import tsx src/dashboard/harness/server.ts [--port N] [--fixture file.json] [--live]
 *   node --import tsx src/dashboard/harness/server.ts --record out.json --agent URL --token TOKEN [--range 24h]
 *
 * Pages: `/` (the fixture), `/?agent=URL&token=TOKEN` (a running agent), plus
 * `&range=1h` and `&theme=light|dark|high-contrast`. With a fixture,
 * `POST /session/<id>/push` (a PushMessage) and `/session/<id>/state` (a
 * ConnectionState) drive the page; the session id is in the shim's URL.
 * `GET /session/<id>/opened` lists the run ids the page asked to open.
 * In the page, `window.__genmonCharts` maps chart ids to points drawn and
 * `window.__genmonHarness` switches themes and lists the messages received.
 */
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PushMessage } from '../../../agent/api/types';
import type { ConnectionState } from '../../agent/connection';
import { DashboardController, isRangeKey } from '../controller';
import { createNonce, dashboardHtml } from '../html';
import type { HostMessage, WebviewMessage } from '../protocol';
import { recordFixture, syntheticFixture, type Fixture } from './fixture';
import { AgentHttpSource, FixtureSource, type HarnessSource } from './sources';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface HarnessOptions {
  port?: number;
  /** A fixture JSON file; the synthetic fixture, ending at start-up, when absent. */
  fixture?: string;
  /** Animate the fixture: a sample a second and a run every few seconds. */
  live?: boolean;
}

export interface Harness {
  url: string;
  close(): Promise<void>;
}

interface Session {
  source: HarnessSource;
  controller: DashboardController;
  stream: ServerResponse | null;
  queue: HostMessage[];
  opened: string[];
}

async function bundle(entry: string): Promise<string> {
  const result = await build({ entryPoints: [join(root, entry)], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'warning' });
  return result.outputFiles[0].text;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const [dashboardJs, shimJs] = await Promise.all([bundle('webview/main.ts'), bundle('webview/harness/shim.ts')]);
  const fixtureText = opts.fixture ? readFileSync(opts.fixture, 'utf8') : JSON.stringify(syntheticFixture());
  const sessions = new Map<string, Session>();
  let origin = '';

  function openSession(query: URLSearchParams): string {
    const id = randomBytes(9).toString('base64url');
    const agent = query.get('agent');
    const source: HarnessSource = agent
      ? new AgentHttpSource(agent, query.get('token') ?? '')
      : new FixtureSource(JSON.parse(fixtureText) as Fixture, opts.live ?? false);
    const session: Session = { source, stream: null, queue: [], opened: [], controller: undefined as unknown as DashboardController };
    session.controller = new DashboardController({
      source,
      range: isRangeKey(query.get('range')) ? (query.get('range') as never) : undefined,
      retentionMs: () => (source.state.kind === 'connected' ? (source.state.health.historyMs ?? null) : null),
      openRun: (runId) => session.opened.push(runId),
      post: (message) => {
        if (session.stream) session.stream.write(`data: ${JSON.stringify(message)}\n\n`);
        else session.queue.push(message);
      },
    });
    sessions.set(id, session);
    return id;
  }

  function closeSession(id: string): void {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    session.controller.dispose();
    session.source.dispose();
  }

  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const sessionPath = /^\/session\/([\w-]+)\/(events|message|push|state|opened)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/') {
      const id = openSession(url.searchParams);
      const nonce = createNonce();
      const html = dashboardHtml({
        cspSource: origin,
        nonce,
        connectSrc: "'self'",
        scripts: [`/harness/shim.js?session=${id}`, '/dist/dashboard.js'],
        styles: ['/media/dashboard.css'],
      });
      return send(res, 200, 'text/html; charset=utf-8', html);
    }
    if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
    if (req.method === 'GET' && url.pathname === '/dist/dashboard.js') return send(res, 200, 'text/javascript; charset=utf-8', dashboardJs);
    if (req.method === 'GET' && url.pathname === '/harness/shim.js') return send(res, 200, 'text/javascript; charset=utf-8', shimJs);
    if (req.method === 'GET' && url.pathname === '/media/dashboard.css') {
      return send(res, 200, 'text/css; charset=utf-8', readFileSync(join(root, 'media', 'dashboard.css'), 'utf8'));
    }
    const session = sessionPath ? sessions.get(sessionPath[1]) : undefined;
    if (!sessionPath || !session) return send(res, 404, 'text/plain', 'not found');
    const [, id, action] = sessionPath;
    if (req.method === 'GET' && action === 'events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      session.stream = res;
      for (const m of session.queue.splice(0)) res.write(`data: ${JSON.stringify(m)}\n\n`);
      req.on('close', () => closeSession(id));
      return;
    }
    if (req.method === 'GET' && action === 'opened') return send(res, 200, 'application/json', JSON.stringify(session.opened));
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'method not allowed');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, 'text/plain', 'body must be JSON');
      }
      if (action === 'message') session.controller.receive(body as WebviewMessage);
      else if (!(session.source instanceof FixtureSource)) return send(res, 409, 'text/plain', 'only fixture sessions take pushes and states');
      else if (action === 'push') session.source.push(body as PushMessage);
      else session.source.setState(body as ConnectionState);
      send(res, 204, 'text/plain', '');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: async () => {
      for (const id of [...sessions.keys()]) closeSession(id);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      fixture: { type: 'string' },
      live: { type: 'boolean' },
      record: { type: 'string' },
      agent: { type: 'string' },
      token: { type: 'string' },
      range: { type: 'string' },
    },
  });
  if (values.record) {
    if (!values.agent || !values.token) throw new Error('--record needs --agent URL and --token TOKEN');
    const source = new AgentHttpSource(values.agent, values.token);
    try {
      const range = isRangeKey(values.range) ? values.range : '24h';
      writeFileSync(values.record, JSON.stringify(await recordFixture(source, range)));
      process.stdout.write(`recorded ${range} into ${values.record}\n`);
    } finally {
      source.dispose();
    }
    return;
  }
  const harness = await startHarness({ port: values.port ? Number(values.port) : undefined, fixture: values.fixture, live: values.live });
  process.stdout.write(`harness: ${harness.url}\n`);
  const stop = () => void harness.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
