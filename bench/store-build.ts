/**
 * Builds a store holding N days of synthetic history for the storage benches:
 * generator runs written as log lines and applied through the store (the
 * agent's own apply path: rollups, per-run facts, raw rows) as if received
 * live, a few minutes after they happened, and machine data
 * at the default 1 s sampling. Machine samples older than the raw window are
 * written as the rollups the apply path makes of them (count, sum, min, max,
 * last of 60 or 3,600 one-second readings per bucket, sketches for the
 * histogram), because applying 86,400 samples a day one by one would take the
 * bench longer than it measures. Then the storage maintenance seals and
 * retires as the agent would. Built stores are cached in bench/.cache.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlValue } from 'sql.js';
import type { Sample } from '../agent/api/types';
import { TIERS, rollupUpsert, labelKey, type Labels, type Tier } from '../agent/metrics/rollup';
import { DEFAULT_RETENTION } from '../agent/metrics/settings';
import { Sketch } from '../agent/metrics/sketch';
import { Maintenance } from '../agent/store/maintenance';
import { PartitionSet } from '../agent/store/partitions';
import { SCHEMA_VERSION } from '../agent/store/schema';
import { loadSqlJs } from '../agent/store/sqlite';
import type { Statements } from '../agent/store/statements';
import { Store } from '../agent/store/store';
import { ROOT } from './lib';

/** Raised when sealing writes more than the schema says (2: a facts week's answers are kept when it is sealed), so cached stores are built again. */
const BUILD_REVISION = 2;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

export interface StoreSpec {
  days: number;
  runsPerDay: number;
}

/** A store for `spec`, copied into `into` (a fresh directory) from the cache, built first when missing. */
export async function storeFor(spec: StoreSpec, into: string, log: (m: string) => void): Promise<{ dbPath: string; builtAt: number }> {
  const name = `store-v${SCHEMA_VERSION}.${BUILD_REVISION}-${spec.days}d-${spec.runsPerDay}r`;
  const cached = join(ROOT, 'bench', '.cache', name);
  const day = Math.floor(Date.now() / DAY) * DAY;
  const stamp = join(cached, `built-${day}`);
  if (!existsSync(stamp)) {
    rmSync(cached, { recursive: true, force: true });
    const building = `${cached}.building`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    const t0 = performance.now();
    await build(spec, join(building, 'genmon.db'), day, log);
    mkdirSync(join(building, `built-${day}`));
    renameSync(building, cached);
    log(`built ${name} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  cpSync(cached, into, { recursive: true });
  return { dbPath: join(into, 'genmon.db'), builtAt: day };
}

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const PROJECTS = [['spa', 'react-vite'], ['spa', 'vue-vite'], ['fullstack', 'next'], ['fullstack', 'remix'], ['api', 'express'], ['api', 'fastapi'], ['static', 'astro']] as const;
const MODELS = ['gpt-4o', 'claude-sonnet', 'llama-3-70b', 'gpt-4o-mini', 'claude-haiku'];
const FEATURES = ['auth', 'payments', 'search', 'chat', 'i18n', 'admin', 'analytics'];
const USERS = Array.from({ length: 40 }, (_, i) => `u-${i}`);

/** One run as log lines (about 16): what the dashboards chart, without the demo's full detail. */
function runLines(random: () => number, id: string, start: number): string[] {
  const [projectType, template] = PROJECTS[Math.floor(random() * PROJECTS.length)];
  const model = MODELS[Math.floor(random() * MODELS.length)];
  const user = USERS[Math.floor(random() * USERS.length)];
  const features = FEATURES.filter(() => random() < 0.3);
  const out: string[] = [];
  const e = (t: number, type: string, f: Record<string, unknown> = {}) => out.push(JSON.stringify({ ts: start + t, run_id: id, type, ...f }));
  e(0, 'run.started', { project_type: projectType, template, features, user_id: user, session_id: `${user}-${Math.floor(start / (4 * HOUR))}` });
  const fate = random();
  let t = 10;
  for (const [phase, lo, hi] of [['blueprint', 1000, 4000], ['codegen', 5000, 25_000], ['validation', 2000, 8000], ['deployment', 3000, 12_000]] as const) {
    const d = Math.round(lo + (hi - lo) * random() * random() * 1.5);
    e(t, 'phase.started', { phase });
    if (phase === 'blueprint' || phase === 'codegen') {
      const input = 1000 + Math.floor(random() * 6000);
      const output = 200 + Math.floor(random() * 2500);
      e(t + d - 5, 'model.inference', { model, phase, latency_ms: d - 20, queue_ms: Math.round(random() * 200), batch_size: 1 + Math.floor(random() * 8), input_tokens: input, output_tokens: output, queue_length: Math.floor(random() * 6) });
    }
    if (phase === 'deployment') e(t + 20, 'api.request', { route: '/deploy/:id', method: 'POST', status_code: random() < 0.04 ? 502 : 201, duration_ms: Math.round(random() * 300), in_flight: Math.floor(random() * 10) });
    if (phase === 'codegen') e(t + 30, 'db.query', { operation: 'insert artifacts', duration_ms: Math.round(random() * 40 * 10) / 10, pool_in_use: 1 + Math.floor(random() * 6), pool_size: 10 });
    if (phase === 'validation') e(t + d - 10, 'quality', { lint: 70 + Math.round(random() * 30), coverage: 40 + Math.round(random() * 50), security: 70 + Math.round(random() * 28), performance: 60 + Math.round(random() * 35) });
    const fails = fate < 0.15 && phase === 'codegen';
    if (fails) e(t + d - 2, 'error', { category: 'generation', severity: 'error', message: 'Context length exceeded', phase });
    e(t + d, 'phase.ended', { phase, status: fails ? 'failed' : 'ok', duration_ms: d });
    t += d + 10;
    if (fails) {
      e(t, 'run.ended', { status: 'failed', duration_ms: t });
      return out;
    }
    if (fate > 0.97 && phase === 'validation') return out; // abandoned: no end
  }
  e(t, 'run.ended', { status: fate < 0.25 ? 'partial' : 'success', duration_ms: t, artifact_bytes: 1_000_000 + Math.floor(random() * 20_000_000) });
  if (random() < 0.3) e(t + 60_000, 'feedback', { score: 1 + Math.floor(random() * 5) });
  return out;
}

async function build(spec: StoreSpec, dbPath: string, today: number, log: (m: string) => void): Promise<void> {
  const now = today + 12 * HOUR;
  const from = now - spec.days * DAY;
  const store = await Store.open({ dbPath, log, now: () => now });
  const random = rng(spec.days * 7919 + spec.runsPerDay);
  const src = { key: 'bench:1', path: '/bench/history.jsonl', fingerprint: null };
  let offset = 0;
  let pending: string[] = [];
  let bytes = 0;
  let latest = from;
  const flush = async () => {
    if (!pending.length) return;
    const body = Buffer.from(`${pending.join('\n')}\n`);
    pending = [];
    bytes = 0;
    // Received as a live agent would have: a little after the newest line, so the raw window and the tiers age as they would.
    const at = Math.min(now, latest + 5 * MIN);
    await store.commit([{ header: { kind: 'lines', at, src, start: offset, end: offset + body.length, size: offset + body.length }, body }]);
    offset += body.length;
  };
  const total = spec.days * spec.runsPerDay;
  for (let i = 0; i < total; i++) {
    const start = Math.round(from + (i + random() * 0.9) * ((spec.days * DAY - 10 * MIN) / total));
    latest = Math.max(latest, start + 10 * MIN);
    for (const line of runLines(random, `r${i}`, start)) {
      pending.push(line);
      bytes += line.length;
    }
    if (bytes > 2_000_000) await flush();
    if (i % 50_000 === 0 && i > 0) log(`${i} of ${total} runs`);
  }
  await flush();
  log(`${total} runs applied; machine data for ${spec.days} days`);
  await store.commit([{ header: { kind: 'tick', at: now, abandonAfterMs: 30 * MIN, sessionTimeoutMs: 30 * MIN }, body: Buffer.alloc(0) }]);
  await machineHistory(store, from, now, log);
  const parts = new PartitionSet(await loadSqlJs(), dbPath, log);
  await new Maintenance({ store, parts, retention: () => DEFAULT_RETENTION, now: () => now, log }).run();
  parts.close();
  await store.close();
}

/** A day-and-night curve with noise, for each machine reading. */
function machineValue(random: () => number, t: number, base: number, swing: number): number {
  const phase = ((t % DAY) / DAY) * 2 * Math.PI;
  return Math.max(0, base + swing * Math.sin(phase) + swing * 0.3 * (random() - 0.5));
}

const MACHINE: { metric: string; labels: Labels; base: number; swing: number; counter?: boolean }[] = [
  { metric: 'genmon_cpu_usage_ratio', labels: {}, base: 0.25, swing: 0.15 },
  { metric: 'genmon_memory_used_bytes', labels: {}, base: 9e9, swing: 2e9 },
  { metric: 'genmon_threads', labels: {}, base: 1400, swing: 200 },
  { metric: 'genmon_processes', labels: {}, base: 320, swing: 40 },
  { metric: 'genmon_disk_throughput_bytes_per_second', labels: { direction: 'read' }, base: 2e6, swing: 1.5e6 },
  { metric: 'genmon_disk_throughput_bytes_per_second', labels: { direction: 'write' }, base: 4e6, swing: 3e6 },
  { metric: 'genmon_network_throughput_bytes_per_second', labels: { direction: 'rx' }, base: 5e5, swing: 4e5 },
  { metric: 'genmon_network_throughput_bytes_per_second', labels: { direction: 'tx' }, base: 2e5, swing: 1.5e5 },
  { metric: 'genmon_network_connections', labels: {}, base: 180, swing: 60 },
  { metric: 'genmon_disk_io_bytes_total', labels: { direction: 'read' }, base: 2e6, swing: 1.5e6, counter: true },
  { metric: 'genmon_disk_io_bytes_total', labels: { direction: 'write' }, base: 4e6, swing: 3e6, counter: true },
  { metric: 'genmon_network_io_bytes_total', labels: { direction: 'rx' }, base: 5e5, swing: 4e5, counter: true },
  { metric: 'genmon_network_io_bytes_total', labels: { direction: 'tx' }, base: 2e5, swing: 1.5e5, counter: true },
  { metric: 'genmon_disk_operations_total', labels: { direction: 'read' }, base: 40, swing: 30, counter: true },
  { metric: 'genmon_disk_operations_total', labels: { direction: 'write' }, base: 90, swing: 60, counter: true },
  { metric: 'genmon_network_packets_dropped_total', labels: { direction: 'rx' }, base: 0.01, swing: 0.01, counter: true },
  { metric: 'genmon_network_packets_dropped_total', labels: { direction: 'tx' }, base: 0.005, swing: 0.005, counter: true },
];

/**
 * Rollups of 1 s samples from `from` to `now`: every tier for the buckets its
 * retention keeps, as the apply step would have written them, plus the raw
 * samples of the last day through the apply step itself.
 */
async function machineHistory(store: Store, from: number, now: number, log: (m: string) => void): Promise<void> {
  const random = rng(17);
  const st = store.st;
  const rawFrom = now - DEFAULT_RETENTION.samplesRawHours * HOUR;
  for (const { tier, ms } of TIERS) {
    const keepFrom = tier === '1m' ? now - DEFAULT_RETENTION.minuteDays * DAY : from;
    const start = Math.max(from, keepFrom - (keepFrom % ms));
    const end = Math.min(now, rawFrom) - (Math.min(now, rawFrom) % ms);
    let rows: SqlValue[][] = [];
    const write = () => {
      if (rows.length) st.run(rollupUpsert(tier as Tier), [JSON.stringify(rows)]);
      rows = [];
    };
    for (const m of MACHINE) {
      const series = seriesId(st, m.metric, m.labels);
      for (let b = start; b < end; b += ms) {
        const n = ms / 1000;
        const v = machineValue(random, b, m.base, m.swing);
        const sum = v * n;
        rows.push(m.counter ? [series, b, n, sum, v * 0.5, v * 1.5, v, b + ms - 1000, null] : [series, b, n, sum, v * 0.8, v * 1.2, v, b + ms - 1000, null]);
        if (rows.length >= 20_000) write();
      }
    }
    // The disk latency histogram: a sketch of the bucket's per-second readings.
    const latency = seriesId(st, 'genmon_disk_io_latency_seconds', {});
    for (let b = start; b < end; b += ms) {
      const s = new Sketch();
      const n = ms / 1000;
      const mean = 0.0005 + 0.002 * random();
      s.add(mean, n * 0.9);
      s.add(mean * 4, n * 0.1);
      rows.push([latency, b, n, mean * n * 1.3, mean, mean * 4, mean, b + ms - 1000, Buffer.from(s.encode()).toString('hex')]);
      if (rows.length >= 2000) write();
    }
    write();
    log(`machine rollups, ${tier}`);
  }
  // The last day of samples goes through the apply step: raw rows and the rollups of the newest buckets.
  const day: Sample[] = [];
  for (let t = rawFrom - (rawFrom % 1000); t < now; t += 1000) {
    day.push({
      ts: t, cpu: machineValue(random, t, 25, 15), cores: [], memUsed: machineValue(random, t, 9e9, 2e9), memAvailable: 7e9, memTotal: 16e9,
      swapUsed: 0, swapTotal: 0, load1: 1, load5: 1, load15: 1, processes: 320, threads: 1400,
      diskReadBytes: machineValue(random, t, 2e6, 1.5e6), diskWriteBytes: machineValue(random, t, 4e6, 3e6), diskReadOps: 40, diskWriteOps: 90,
      netRxBytes: machineValue(random, t, 5e5, 4e5), netTxBytes: machineValue(random, t, 2e5, 1.5e5), netRxErrors: 0, netTxErrors: 0,
      netRxDropped: 0, netTxDropped: 0, tcpConnections: 180, diskIoLatencyMs: 1.2,
    });
    if (day.length === 3600) {
      await store.commit([{ header: { kind: 'samples', at: now }, body: Buffer.from(JSON.stringify(day)) }]);
      day.length = 0;
    }
  }
  if (day.length) await store.commit([{ header: { kind: 'samples', at: now }, body: Buffer.from(JSON.stringify(day)) }]);
}

function seriesId(st: Statements, metric: string, labels: Labels): number {
  const text = labelKey(labels);
  st.run('INSERT OR IGNORE INTO series (metric, labels) VALUES (?, ?)', [metric, text]);
  return Number(st.one<{ id: number }>('SELECT id FROM series WHERE metric = ? AND labels = ?', [metric, text])!.id);
}
