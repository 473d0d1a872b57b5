/**
 * Spawns the real bundled agent (dist/agent.js) on a temporary data and log
 * directory, and talks to it the way clients do: discovery file, token, SSE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { after, before } from 'node:test';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveryPath } from '../../agent/api/discovery';
import type { DiscoveryFile, PushMessage } from '../../agent/api/types';
import { apiGet, readDiscovery } from '../../agent/cli/client';
import { SseParser } from '../../src/agent/sse';

export const AGENT_JS = join(__dirname, '..', '..', 'dist', 'agent.js');

export interface Workspace {
  root: string;
  dataDir: string;
  logDir: string;
  dispose(): void;
}

export function workspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'genmon-it-'));
  const dataDir = join(root, 'data');
  const logDir = join(root, 'runs');
  mkdirSync(logDir, { recursive: true });
  return { root, dataDir, logDir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export class AgentProcess {
  stderr = '';
  private exited: Promise<number | null>;
  discovery: DiscoveryFile | null = null;

  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    child.stdout!.resume();
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  async get<T>(path: string): Promise<T> {
    return apiGet<T>(this.discovery!, path);
  }

  /** SIGTERM and wait: the agent snapshots and removes its discovery file. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }
}

/** `--sampler` in `extra` keeps the machine sampler on; tests leave it off otherwise. */
export function spawnAgent(ws: Workspace, extra: string[] = []): AgentProcess {
  const sampler = extra.includes('--sampler') ? [] : ['--no-sampler'];
  const child = spawn(
    process.execPath,
    [AGENT_JS, '--data-dir', ws.dataDir, '--log-dir', ws.logDir, ...sampler, ...extra.filter((a) => a !== '--sampler')],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GENMON_HOME: '' } },
  );
  return new AgentProcess(child);
}

/** Starts an agent and waits until its discovery file names it. */
export async function startAgent(ws: Workspace, extra: string[] = []): Promise<AgentProcess> {
  const agent = spawnAgent(ws, extra);
  const deadline = Date.now() + 20_000;
  let exitCode: number | null | undefined;
  void agent.waitExit().then((c) => (exitCode = c));
  while (Date.now() < deadline) {
    const d = existsSync(discoveryPath(ws.dataDir)) ? readDiscovery(ws.dataDir) : null;
    if (d && d.pid === agent.pid) {
      agent.discovery = d;
      return agent;
    }
    if (exitCode !== undefined) throw new Error(`agent exited with ${exitCode}: ${agent.stderr}`);
    await sleep(25);
  }
  agent.child.kill('SIGKILL');
  throw new Error(`agent did not start: ${agent.stderr}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** Opens the push stream and collects its messages. */
export function openStream(d: DiscoveryFile): { messages: PushMessage[]; next(pred: (m: PushMessage) => boolean, timeoutMs?: number): Promise<PushMessage>; close(): void } {
  const messages: PushMessage[] = [];
  const waiters: { pred: (m: PushMessage) => boolean; resolve: (m: PushMessage) => void }[] = [];
  const parser = new SseParser();
  const req = request(`${d.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${d.token}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      for (const data of parser.push(chunk)) {
        const m = JSON.parse(data) as PushMessage;
        messages.push(m);
        for (const w of [...waiters]) if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    messages,
    next(pred, timeoutMs = 10_000) {
      const found = messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching push message')), timeoutMs);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => req.destroy(),
  };
}

/** A JSON line of the log format, `ts` now unless given. */
export function line(event: Record<string, unknown>): string {
  return `${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`;
}

/**
 * One agent on one workspace for a whole test file, started before its
 * tests and stopped after them. `ctx.agent` may be replaced by a test that
 * restarts it.
 */
export function agentPerFile(extra: string[] = []): { ws: Workspace; agent: AgentProcess } {
  const ctx = {} as { ws: Workspace; agent: AgentProcess };
  before(async () => {
    ctx.ws = workspace();
    ctx.agent = await startAgent(ctx.ws, extra);
  });
  after(async () => {
    await ctx.agent?.stop();
    ctx.ws?.dispose();
  });
  return ctx;
}
