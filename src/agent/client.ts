/**
 * The extension's side of the agent: finds it through its discovery file (or
 * starts one, detached, so it outlives the window and other windows share
 * it), holds the push stream open, and reconnects with backoff when the
 * agent goes away or restarts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import * as vscode from 'vscode';
import { agentLogPath, discoveryPath } from '../../agent/api/discovery';
import { API_PREFIX, type Actions, type DiscoveryFile, type Health, type PushMessage } from '../../agent/api/types';
import { Backoff } from './backoff';
import type { AgentConnection, AgentEndpoints, ConnectionState } from './connection';
import { SseParser } from './sse';

export interface AgentClientOptions {
  extensionUri: vscode.Uri;
  output: vscode.OutputChannel;
  settings: () => { dataDir: string; mode: 'auto' | 'external'; logDirs: string[]; intervalMs: number; dbPath: string | null; rulesFile: string | null };
}

const START_TIMEOUT_MS = 15_000;

/** The discovery file, unless it names a process that is gone (an agent killed without cleaning up). */
function readDiscovery(dataDir: string): DiscoveryFile | null {
  let found: DiscoveryFile;
  try {
    found = JSON.parse(readFileSync(discoveryPath(dataDir), 'utf8')) as DiscoveryFile;
  } catch {
    return null;
  }
  try {
    process.kill(found.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  return found;
}

function agentRequest(agent: DiscoveryFile, path: string, timeoutMs = 10_000, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${agent.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const req = request(`${agent.url}${API_PREFIX}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          let message = text.slice(0, 200);
          try {
            message = (JSON.parse(text) as { message: string }).message;
          } catch {
            // not JSON
          }
          reject(new Error(`agent answered ${res.statusCode} to ${path}: ${message}`));
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from the agent within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function fill(path: string, params: Record<string, string> | undefined): string {
  let concrete = path;
  for (const [k, v] of Object.entries(params ?? {})) concrete = concrete.replace(`:${k}`, encodeURIComponent(v));
  return concrete;
}

export class AgentClient implements AgentConnection {
  private current: ConnectionState = { kind: 'noAgent' };
  private agent: DiscoveryFile | null = null;
  private stream: ClientRequest | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly backoff = new Backoff();
  private readonly stateEmitter = new vscode.EventEmitter<ConnectionState>();
  private readonly pushEmitter = new vscode.EventEmitter<PushMessage>();
  private disposed = false;
  private holdStart = false;

  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidPush = this.pushEmitter.event;

  constructor(private readonly opts: AgentClientOptions) {}

  get state(): ConnectionState {
    return this.current;
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  private log(message: string): void {
    this.opts.output.appendLine(`${new Date().toISOString()} ${message}`);
  }

  async get<P extends keyof AgentEndpoints>(path: P, query?: AgentEndpoints[P]['query'], params?: Record<string, string>): Promise<AgentEndpoints[P]['response']> {
    if (!this.agent) throw new Error('not connected to a Genmon agent');
    const concrete = fill(path, params);
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) qs.set(k, String(v));
    const suffix = qs.size > 0 ? `?${qs}` : '';
    return (await agentRequest(this.agent, `${concrete}${suffix}`)) as AgentEndpoints[P]['response'];
  }

  async post<P extends keyof Actions>(path: P, body: Actions[P]['body'], params?: Record<string, string>, timeoutMs = 10_000): Promise<Actions[P]['response']> {
    if (!this.agent) throw new Error('not connected to a Genmon agent');
    return (await agentRequest(this.agent, fill(path, params), timeoutMs, body)) as Actions[P]['response'];
  }

  /**
   * Connects to the running agent, starting one first when allowed and none
   * runs. `explicit` (activation, Start Agent) lifts a hold left by Stop Agent,
   * so a stopped agent is not started again by the reconnect loop.
   */
  async connect(explicit = false): Promise<void> {
    if (this.disposed) return;
    if (explicit) this.holdStart = false;
    this.clearRetry();
    const settings = this.opts.settings();
    let agent = readDiscovery(settings.dataDir);
    if (!agent && settings.mode === 'auto' && !this.holdStart) {
      this.setState({ kind: 'starting' });
      agent = await this.startAgent();
    }
    if (!agent) {
      this.setState({ kind: 'noAgent' });
      return;
    }
    try {
      let health = (await agentRequest(agent, '/health', 5000)) as Health;
      health = await this.shareLogDirs(agent, health, settings.logDirs);
      this.agent = agent;
      this.openStream(agent, health);
    } catch (err) {
      this.unreachable(`agent at ${agent.url} did not answer: ${(err as Error).message}`);
    }
  }

  /**
   * An agent another window started follows that window's log directories:
   * ask it to follow this workspace's too. A refusal is logged, not fatal.
   */
  private async shareLogDirs(agent: DiscoveryFile, health: Health, dirs: string[]): Promise<Health> {
    const missing = dirs.filter((d) => !health.logDirs.includes(d));
    if (missing.length === 0) return health;
    try {
      const answer = (await agentRequest(agent, '/sources', 5000, { dirs: missing })) as Actions['/sources']['response'];
      if (answer.added.length) this.log(`the agent follows ${answer.added.join(', ')} too`);
      return { ...health, logDirs: answer.logDirs };
    } catch (err) {
      this.log(`the agent would not follow ${missing.join(', ')}: ${(err as Error).message}`);
      return health;
    }
  }

  private openStream(agent: DiscoveryFile, health: Health): void {
    this.stream?.destroy();
    const parser = new SseParser();
    const req = request(`${agent.url}${API_PREFIX}/stream`, { headers: { Authorization: `Bearer ${agent.token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        this.unreachable(`push stream refused with ${res.statusCode}`);
        return;
      }
      this.backoff.reset();
      this.log(`connected to the agent (pid ${agent.pid}) at ${agent.url}`);
      this.setState({ kind: 'connected', health });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const data of parser.push(chunk)) {
          try {
            this.pushEmitter.fire(JSON.parse(data) as PushMessage);
          } catch (err) {
            this.log(`bad push message: ${(err as Error).message}`);
          }
        }
      });
      res.on('end', () => this.unreachable('the agent closed the push stream'));
      res.on('error', (err) => this.unreachable(`push stream failed: ${err.message}`));
    });
    req.on('error', (err) => this.unreachable(`push stream failed: ${err.message}`));
    req.end();
    this.stream = req;
  }

  private unreachable(message: string): void {
    if (this.disposed) return;
    this.stream?.destroy();
    this.stream = null;
    this.agent = null;
    const delay = this.backoff.next();
    this.log(`${message}; retrying in ${delay} ms`);
    this.setState({ kind: 'unreachable', message, retryInMs: delay });
    this.clearRetry();
    this.retry = setTimeout(() => void this.connect(), delay);
  }

  private clearRetry(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  /** Starts the bundled agent detached, then waits for its discovery file. */
  async startAgent(): Promise<DiscoveryFile | null> {
    const s = this.opts.settings();
    mkdirSync(s.dataDir, { recursive: true, mode: 0o700 });
    const agentJs = vscode.Uri.joinPath(this.opts.extensionUri, 'dist', 'agent.js').fsPath;
    const args = [agentJs, '--data-dir', s.dataDir, '--interval', String(s.intervalMs), ...s.logDirs.flatMap((d) => ['--log-dir', d])];
    if (s.dbPath) args.push('--db', s.dbPath);
    if (s.rulesFile) args.push('--rules', s.rulesFile);
    const logFd = openSync(agentLogPath(s.dataDir), 'a', 0o600);
    this.log(`starting the agent: ${args.slice(1).join(' ')}`);
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.unref();
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const found = readDiscovery(s.dataDir);
      if (found) return found;
      if (child.exitCode !== null && child.exitCode !== 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.log(`the agent did not start; see ${agentLogPath(s.dataDir)}`);
    return readDiscovery(s.dataDir);
  }

  async stopAgent(): Promise<void> {
    this.holdStart = true;
    const agent = readDiscovery(this.opts.settings().dataDir);
    if (!agent) return;
    try {
      process.kill(agent.pid, 'SIGTERM');
      this.log(`asked the agent (pid ${agent.pid}) to stop`);
    } catch (err) {
      this.log(`could not stop pid ${agent.pid}: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
    this.stream?.destroy();
    this.stateEmitter.dispose();
    this.pushEmitter.dispose();
  }
}
