/**
 * A small, hand-computed scenario for the metric tests: four runs, three
 * users, three sessions, two machine samples and a mount. Every expected
 * value in scenario.test.ts is worked out from these lines by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MountUsage, Sample } from '../../../agent/api/types';
import { costBreakdown } from '../../../agent/metrics/cost';
import type { FactSource } from '../../../agent/metrics/facts';
import { PartitionSet } from '../../../agent/store/partitions';
import { loadSqlJs } from '../../../agent/store/sqlite';
import { DEFAULT_PRICES } from '../../../agent/metrics/prices';
import { MetricEngine } from '../../../agent/metrics/query';
import { DEFAULT_RETENTION } from '../../../agent/metrics/settings';
import { statementsSource } from '../../../agent/metrics/source';
import { Store } from '../../../agent/store/store';

export const T0 = Date.UTC(2026, 10, 25, 10);
export const S = 1000;
export const MIN = 60 * S;
export const HOUR = 60 * MIN;

const e = (at: number, run_id: string, type: string, fields: Record<string, unknown> = {}) => ({ ts: T0 + at, run_id, type, ...fields });

export const EVENTS = [
  // r1: u1/s1, spa/react-vite, auth+payments: every phase ok, success.
  e(0, 'r1', 'run.started', { user_id: 'u1', session_id: 's1', project_type: 'spa', template: 'react-vite', features: ['auth', 'payments'] }),
  e(0, 'r1', 'phase.started', { phase: 'blueprint' }),
  e(1500, 'r1', 'model.inference', { model: 'gpt-4o', phase: 'blueprint', latency_ms: 1500, queue_ms: 100, batch_size: 2, queue_length: 3, input_tokens: 1000, output_tokens: 500 }),
  e(2000, 'r1', 'phase.ended', { phase: 'blueprint', status: 'ok', duration_ms: 2000 }),
  e(2000, 'r1', 'phase.started', { phase: 'codegen' }),
  e(10_000, 'r1', 'model.inference', { model: 'gpt-4o', phase: 'codegen', latency_ms: 8000, input_tokens: 4000, output_tokens: 2000, cost_usd: 0.05 }),
  e(12_000, 'r1', 'phase.ended', { phase: 'codegen', status: 'ok', duration_ms: 10_000 }),
  e(12_000, 'r1', 'phase.started', { phase: 'validation' }),
  e(13_000, 'r1', 'quality', { lint: 90, coverage: 70, security: 80, performance: 60, requirements: 100, blueprint_accuracy: 90, correctness: 80, documentation: 50 }),
  e(16_000, 'r1', 'phase.ended', { phase: 'validation', status: 'ok', duration_ms: 4000 }),
  e(16_000, 'r1', 'phase.started', { phase: 'deployment' }),
  e(17_000, 'r1', 'api.request', { route: '/deploy', method: 'POST', status_code: 201, duration_ms: 100, in_flight: 4 }),
  e(18_000, 'r1', 'db.query', { operation: 'insert', duration_ms: 20, pool_in_use: 3, pool_size: 10 }),
  e(18_500, 'r1', 'network.probe', { target: 'api.openai.com:443', latency_ms: 40 }),
  e(22_000, 'r1', 'phase.ended', { phase: 'deployment', status: 'ok', duration_ms: 6000 }),
  e(23_000, 'r1', 'run.ended', { status: 'success', duration_ms: 23_000, artifact_bytes: 1_000_000_000 }),
  // r2: u2/s2, api/express, auth: codegen fails once and is retried, validation fails, the run fails.
  e(MIN, 'r2', 'run.started', { user_id: 'u2', session_id: 's2', project_type: 'api', template: 'express', features: ['auth'] }),
  e(MIN + 1000, 'r2', 'phase.ended', { phase: 'blueprint', status: 'ok', duration_ms: 1000 }),
  e(MIN + 1000, 'r2', 'phase.started', { phase: 'codegen' }),
  e(MIN + 3000, 'r2', 'model.inference', { model: 'claude-sonnet', phase: 'codegen', latency_ms: 2000, input_tokens: 2000, output_tokens: 1000 }),
  e(MIN + 4000, 'r2', 'api.request', { route: '/gen', method: 'GET', status_code: 503, duration_ms: 400 }),
  e(MIN + 5000, 'r2', 'db.query', { operation: 'select', duration_ms: 5, deadlock: true, replication_lag_ms: 2000 }),
  e(MIN + 5500, 'r2', 'error', { category: 'generation', severity: 'error', message: 'codegen crashed', phase: 'codegen' }),
  e(MIN + 6000, 'r2', 'phase.ended', { phase: 'codegen', status: 'failed', duration_ms: 5000 }),
  e(MIN + 6000, 'r2', 'phase.started', { phase: 'codegen' }),
  e(MIN + 13_000, 'r2', 'phase.ended', { phase: 'codegen', status: 'ok', duration_ms: 7000 }),
  e(MIN + 15_000, 'r2', 'error', { category: 'validation', severity: 'critical', message: 'tests failed', phase: 'validation' }),
  e(MIN + 16_000, 'r2', 'phase.ended', { phase: 'validation', status: 'failed', duration_ms: 3000 }),
  e(MIN + 17_000, 'r2', 'run.ended', { status: 'failed', duration_ms: 17_000 }),
  // r3: u1/s1 again, regenerates r1, search: blueprint ok, then nothing: abandoned by the timeout.
  e(2 * MIN, 'r3', 'run.started', { user_id: 'u1', session_id: 's1', project_type: 'spa', template: 'react-vite', features: ['search'], regenerates: 'r1' }),
  e(2 * MIN + 3000, 'r3', 'phase.ended', { phase: 'blueprint', status: 'ok', duration_ms: 3000 }),
  // r4: u3/s3, static/astro, no features: the user abandons it.
  e(3 * MIN, 'r4', 'run.started', { user_id: 'u3', session_id: 's3', project_type: 'static', template: 'astro' }),
  e(3 * MIN + 1000, 'r4', 'phase.ended', { phase: 'blueprint', status: 'skipped', duration_ms: 0 }),
  e(4 * MIN, 'r4', 'run.abandoned', { reason: 'cancelled' }),
  // After r1: feedback and a hand modification, in session s1.
  e(5 * MIN, 'r1', 'feedback', { score: 5 }),
  e(6 * MIN, 'r1', 'modification', { files_changed: 2 }),
];

function sample(ts: number, cpu: number): Sample {
  return {
    ts, cpu, cores: [], memUsed: 4e9, memAvailable: 4e9, memTotal: 8e9, swapUsed: 0, swapTotal: 0, load1: 1, load5: 1, load15: 1, processes: 200, threads: 900,
    diskReadBytes: 1000, diskWriteBytes: 500, diskReadOps: 10, diskWriteOps: 5, netRxBytes: 2000, netTxBytes: 100, netRxErrors: 0, netTxErrors: 0,
    netRxDropped: 1, netTxDropped: 0, tcpConnections: 42, diskIoLatencyMs: 2,
  };
}

export const SAMPLES = [sample(T0, 50), sample(T0 + S, 70)];
export const MOUNTS: MountUsage[] = [{ ts: T0, mount: '/', fs: 'ext4', size: 100, used: 50 }];

export interface Scenario {
  store: Store;
  engine: MetricEngine;
  facts: FactSource;
  cost: typeof costBreakdown;
  dispose(): Promise<void>;
}

/** A store fed the scenario, with the ticks that abandon r3 and close the sessions. */
export async function scenario(): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-scenario-'));
  const store = await Store.open({ dbPath: join(dir, 'genmon.db'), log: () => undefined });
  const body = Buffer.from(EVENTS.map((ev) => `${JSON.stringify(ev)}\n`).join(''));
  const src = { key: '1:1', path: '/logs/runs.jsonl', fingerprint: null };
  await store.commit([{ header: { kind: 'lines', at: T0 + 10 * MIN, src, start: 0, end: body.length, size: body.length }, body }]);
  await store.commit([{ header: { kind: 'samples', at: T0 + 10 * MIN }, body: Buffer.from(JSON.stringify(SAMPLES)) }]);
  await store.commit([{ header: { kind: 'mounts', at: T0 + 10 * MIN }, body: Buffer.from(JSON.stringify(MOUNTS)) }]);
  const tick = { abandonAfterMs: 30 * MIN, sessionTimeoutMs: 30 * MIN };
  await store.commit([{ header: { kind: 'tick', at: T0 + 2 * HOUR, ...tick }, body: Buffer.alloc(0) }]);
  const facts: FactSource = new PartitionSet(await loadSqlJs(), join(dir, 'genmon.db'), () => undefined).facts(store.st);
  const engine = new MetricEngine(store.st, {
    prices: () => DEFAULT_PRICES, retention: () => DEFAULT_RETENTION, now: () => T0 + 3 * HOUR, sources: () => [statementsSource(store.st)], facts,
  });
  return {
    store, engine, facts, cost: costBreakdown,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
