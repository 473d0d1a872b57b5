/**
 * The bench's row API, and the pieces the benches share.
 *
 * A bench is a module in bench/ that exports a `Bench` and is listed once in
 * BENCHES in bench/index.ts (its position there is its place in the table):
 *
 *   export const loadBench: Bench = {
 *     id: 'load',                                // what `--only load,cpu` names
 *     title: '50 generators at 20,000 lines/s',
 *     prepare: async (ctx) => { ... },           // optional: installs, big fixtures; all prepares run
 *                                                // before anything is measured
 *     run: async (ctx) => [row, ...],            // measures; returns its rows
 *   };
 *
 * A row is one figure, printed next to its target and its peers:
 *
 *   {
 *     id: 'load.push-p99',                       // stable key in results.json
 *     figure: 'line → push stream at 20,000 lines/s, p99',
 *     value: 41.2, unit: 'ms',                   // null if it could not be measured; then `why`
 *     target: { op: '<', value: 500, spec: 60_000 },  // optional; the runner prints met / MISSED
 *     peers: [{ name: 'Prometheus 2.42 + Alertmanager 0.25 (Debian)', value: 91_000 }],
 *     ratioTarget: { op: '<=', value: 1 / 3 },  // optional, on value / peers[0].value
 *     note: '300 trials',
 *   }
 *
 * Peers and bounds are measured in the same run, on the same machine; one that
 * cannot run here has `value: null` and a `why` saying what was tried and what
 * happened, never a remembered or invented number. The runner works out
 * ratios and verdicts (bench/table.ts) and writes every row to
 * bench/results.json with the machine's facts.
 *
 * The context:
 *   ctx.quick          `--quick`: the whole run should take about 2 minutes,
 *                      so aim at 15 s or less per bench (fewer trials, smaller stores).
 *   ctx.log(text)      a progress line under the bench's id.
 *   ctx.exclusive(fn)  runs fn while nothing else measures. A bench's `run` is
 *                      already exclusive; only a `background` bench calls this,
 *                      around the parts that need a quiet machine.
 *   background: true   the bench starts before the others and runs beside
 *                      them: for a peer that mostly waits on its own clock
 *                      (Prometheus's 1-minute intervals).
 *
 * Helpers below: startBenchAgent (the bundled agent on temporary dirs),
 * pushWaiters (timed push-stream messages), peakRss, percentileOf, sleep,
 * freePort, trackChild (a peer process killed if the run is interrupted),
 * stopProcess, bundleScript (a child script bundled to run without tsx).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DiscoveryFile, PushMessage } from '../agent/api/types';
import { readDiscovery } from '../agent/cli/client';
import { percentile } from '../agent/derive/percentile';
import { buildSync } from 'esbuild';
import { SseParser } from '../src/agent/sse';
import type { Row } from './table';

export const ROOT = join(__dirname, '..');
export const AGENT_JS = join(ROOT, 'dist', 'agent.js');

export type { Op, Peer, Row, Target } from './table';

export interface BenchContext {
  quick: boolean;
  log(text: string): void;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export interface Bench {
  id: string;
  title: string;
  background?: boolean;
  prepare?(ctx: BenchContext): Promise<void>;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** p-quantile (0..1) of unsorted values, interpolated between ranks; NaN for none. */
export function percentileOf(values: readonly number[], q: number): number {
  return percentile([...values].sort((a, b) => a - b), q) ?? NaN;
}

/**
 * `entry` bundled into `dir` as one CommonJS file, for a child that must run
 * as the agent ships, without a TypeScript loader: under tsx a fresh process
 * spends a visible share of a core compiling for its first seconds.
 */
export function bundleScript(entry: string, dir: string): string {
  const outfile = join(dir, `${basename(entry, '.ts')}.js`);
  buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return outfile;
}

/** A TCP port free on loopback right now (the peer that binds it next may, rarely, lose a race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const tracked = new Set<ChildProcess>();

/** Kills `child` (by its pid) if the run is interrupted or fails before the bench stops it. */
export function trackChild(child: ChildProcess): ChildProcess {
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  return child;
}

/** SIGTERM to `child` unless it has exited; resolves when it has. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** SIGTERM to every tracked child still running. */
export function killTracked(): void {
  for (const child of tracked) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface BenchAgent {
  child: ChildProcess;
  discovery: DiscoveryFile;
  dir: string;
  logDir: string;
  stop(): Promise<void>;
}

/** Starts the bundled agent on a fresh temporary data and log directory. */
export async function startBenchAgent(args: string[], prepare?: (logDir: string) => void): Promise<BenchAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-bench-'));
  const dataDir = join(dir, 'data');
  const logDir = join(dir, 'runs');
  mkdirSync(logDir, { recursive: true });
  prepare?.(logDir);
  const child = trackChild(spawn(process.execPath, [AGENT_JS, '--data-dir', dataDir, '--log-dir', logDir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = readDiscovery(dataDir);
    if (d && d.pid === child.pid) {
      return {
        child, discovery: d, dir, logDir,
        stop: async () => {
          await stopProcess(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`agent did not start: ${stderr}`);
    await sleep(20);
  }
}

/** Peak resident set size of a live process (VmHWM), bytes. */
export function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * The agent's push stream, with waiters keyed by what `key` reads off a
 * message (a run id, an alert's message); each resolves with the arrival time.
 */
export function pushWaiters(agent: BenchAgent, key: (m: PushMessage) => string | null): { waitFor(k: string, timeoutMs?: number): Promise<number>; close(): void } {
  const waiting = new Map<string, (t: number) => void>();
  const parser = new SseParser();
  const req = request(`${agent.discovery.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${agent.discovery.token}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = performance.now();
      for (const data of parser.push(chunk)) {
        const k = key(JSON.parse(data) as PushMessage);
        if (k !== null) waiting.get(k)?.(now);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    waitFor: (k, timeoutMs = 10_000) =>
      new Promise<number>((resolve, reject) => {
        waiting.set(k, resolve);
        setTimeout(() => reject(new Error(`no push message for ${k} within ${timeoutMs} ms`)), timeoutMs).unref();
      }),
    close: () => req.destroy(),
  };
}
