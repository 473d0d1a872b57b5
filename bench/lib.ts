/** Shared pieces of the benchmarks: the agent process, a results table, /proc readings. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import type { DiscoveryFile, PushMessage } from '../agent/api/types';
import { SseParser } from '../src/agent/sse';
import { readDiscovery } from '../agent/cli/client';

export const ROOT = join(__dirname, '..');
export const AGENT_JS = join(ROOT, 'dist', 'agent.js');

export interface Row {
  figure: string;
  value: number | null;
  unit: string;
  target: string;
  /** Did the value meet the target? null when there is no target or no value. */
  met: boolean | null;
  peer?: { name: string; value: number | null; note?: string };
  /** value / peer, or the reason there is none. */
  ratio?: number | null;
  note?: string;
}

export class Results {
  readonly rows: Row[] = [];
  add(row: Row): void {
    this.rows.push(row);
    const peer = row.peer ? `${row.peer.name}: ${fmt(row.peer.value)} ${row.unit}${row.peer.note ? ` (${row.peer.note})` : ''}` : '';
    const ratio = row.ratio === undefined ? '' : row.ratio === null ? 'ratio n/a' : `ratio ${row.ratio.toFixed(2)}`;
    const verdict = row.met === null ? '' : row.met ? 'MET' : 'MISSED';
    console.log(`  ${row.figure}: ${fmt(row.value)} ${row.unit}  target ${row.target} ${verdict}  ${peer} ${ratio} ${row.note ?? ''}`.trimEnd());
  }

  print(): void {
    const header = ['figure', 'value', 'target', 'met', 'peer / bound (same run)', 'ratio'];
    const lines = this.rows.map((r) => [
      r.figure,
      `${fmt(r.value)} ${r.unit}`,
      r.target,
      r.met === null ? '' : r.met ? 'yes' : 'NO',
      r.peer ? `${r.peer.name}: ${fmt(r.peer.value)}${r.peer.note ? ` (${r.peer.note})` : ''}` : '',
      r.ratio === undefined || r.ratio === null ? '' : r.ratio.toFixed(2),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(`\n${row(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
    for (const l of lines) console.log(row(l));
  }

  write(path: string): void {
    const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version };
    writeFileSync(path, JSON.stringify({ date: new Date().toISOString(), machine, rows: this.rows }, null, 2));
  }
}

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(v < 0.1 ? 4 : 3);
}

export function percentileOf(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = (s.length - 1) * q;
  const lo = Math.floor(rank);
  return s[lo] + (s[Math.ceil(rank)] - s[lo]) * (rank - lo);
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
  const child = spawn(process.execPath, [AGENT_JS, '--data-dir', dataDir, '--log-dir', logDir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = readDiscovery(dataDir);
    if (d && d.pid === child.pid) {
      return {
        child, discovery: d, dir, logDir,
        stop: async () => {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
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
