import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Queries } from '../../../agent/store/queries';
import { Store } from '../../../agent/store/store';

const T0 = Date.UTC(2026, 10, 25, 10);

let clock = 0;

/** Events one second apart, the clock running on across calls. */
function lines(events: Record<string, unknown>[]): Buffer {
  return Buffer.from(events.map((e) => `${JSON.stringify({ ts: T0 + (clock++ % 1000) * 1000, ...e })}\n`).join(''));
}

async function withStore(fn: (store: Store, commit: (events: Record<string, unknown>[]) => Promise<void>, dbPath: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-store-'));
  const dbPath = join(dir, 'genmon.db');
  let offset = 0;
  clock = 0;
  const store = await Store.open({ dbPath, log: () => undefined });
  const commit = async (events: Record<string, unknown>[]) => {
    const body = lines(events);
    await store.commit([{ header: { kind: 'lines', at: T0 + 3600_000, src: { key: '1:1', path: '/logs/a.jsonl', fingerprint: null }, start: offset, end: offset + body.length, size: offset + body.length }, body }]);
    offset += body.length;
  };
  try {
    await fn(store, commit, dbPath);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('phase attempts: a retried phase gets attempt 2; starts and ends pair up within and across records', () =>
  withStore(async (store, commit) => {
    await commit([
      { run_id: 'r', type: 'run.started' },
      { run_id: 'r', type: 'phase.started', phase: 'codegen' },
      { run_id: 'r', type: 'phase.ended', phase: 'codegen', status: 'failed', duration_ms: 900 },
      { run_id: 'r', type: 'phase.started', phase: 'codegen' },
    ]);
    await commit([
      { run_id: 'r', type: 'phase.ended', phase: 'codegen', status: 'ok', duration_ms: 1500 },
      { run_id: 'r', type: 'phase.ended', phase: 'deployment', status: 'skipped', duration_ms: 0 },
    ]);
    const detail = new Queries(store.st).run('r')!;
    const rows = detail.phases.map((p) => [p.phase, p.attempt, p.status, p.durationMs, p.startedAt! - T0]);
    assert.deepEqual(rows, [
      ['codegen', 1, 'failed', 900, 1000],
      ['codegen', 2, 'ok', 1500, 3000],
      ['deployment', 1, 'skipped', 0, 5000],
    ]);
    assert.equal(detail.run.currentPhase, 'deployment');
  }));

test('a store reopened after close has the same rows, and a run cache miss reads the database', () =>
  withStore(async (store, commit, dbPath) => {
    await commit([
      { run_id: 'a', type: 'run.started' },
      { run_id: 'a', type: 'phase.started', phase: 'blueprint' },
    ]);
    await store.snapshot();
    const again = await Store.open({ dbPath: `${dbPath}`, log: () => undefined, readOnly: true });
    try {
      assert.deepEqual(new Queries(again.st).run('a')?.phases.map((p) => p.status), ['running']);
    } finally {
      again.db.close();
    }
    await commit([{ run_id: 'a', type: 'phase.ended', phase: 'blueprint', status: 'ok', duration_ms: 10 }]);
    assert.deepEqual(new Queries(store.st).run('a')?.phases.map((p) => [p.attempt, p.status]), [[1, 'ok']]);
  }));

test('model inferences land in their table with their fields; API requests and DB queries in rollups only', () =>
  withStore(async (store, commit) => {
    await commit([
      { run_id: 'm', type: 'run.started' },
      { run_id: 'm', type: 'model.inference', model: 'gpt-4o', latency_ms: 812.5, queue_ms: 20, batch_size: 4, input_tokens: 1000, output_tokens: 250, phase: 'codegen' },
      { run_id: 'm', type: 'api.request', route: '/generate', method: 'POST', status_code: 502, duration_ms: 30 },
      { run_id: 'm', type: 'db.query', operation: 'select', duration_ms: 3.5, pool_in_use: 4, pool_size: 10, deadlock: true },
      { run_id: 'm', type: 'run.ended', status: 'success', duration_ms: 5000 },
    ]);
    const detail = new Queries(store.st).run('m')!;
    assert.deepEqual(detail.inferences, [{ ts: T0 + 1000, model: 'gpt-4o', phase: 'codegen', latencyMs: 812.5, queueMs: 20, batchSize: 4, inputTokens: 1000, outputTokens: 250 }]);
    assert.equal(store.st.one<{ n: number }>('SELECT COUNT(*) AS n FROM api_requests')?.n, 0);
    const rollup = (metric: string) =>
      store.st.all(`SELECT s.labels, r.count, r.sum FROM rollup_1m r JOIN series s ON s.id = r.series WHERE s.metric = ? ORDER BY s.labels`, [metric]);
    assert.deepEqual(rollup('genmon_api_request_duration_seconds'), [{ labels: '{"method":"POST","route":"/generate","status":"5xx"}', count: 1, sum: 0.03 }]);
    assert.deepEqual(rollup('genmon_db_query_duration_seconds'), [{ labels: '{"operation":"select"}', count: 1, sum: 0.0035 }]);
    assert.deepEqual(rollup('genmon_db_deadlocks_total'), [{ labels: '{}', count: 1, sum: 1 }]);
    assert.equal(detail.run.status, 'success');
  }));

test('a line whose rows cannot be written is set aside as not_stored; the other lines of its record are stored', () =>
  withStore(async (store, commit) => {
    // Stands in for a bug in deriving rows: writing the run "poison" throws.
    const run = store.st.run.bind(store.st);
    store.st.run = (sql, params) => {
      if (params.includes('poison')) throw new Error('simulated failure');
      run(sql, params);
    };
    await commit([
      { run_id: 'before', type: 'run.started' },
      { run_id: 'poison', type: 'run.started' },
      { run_id: 'after', type: 'run.started' },
      { run_id: 'after', type: 'error', category: 'system', severity: 'error', message: 'kept' },
    ]);
    const q = new Queries(store.st);
    assert.deepEqual(q.runs({ limit: 10 }).map((r) => r.runId).sort(), ['after', 'before']);
    assert.equal(q.errors({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 }).length, 1);
    const ingest = q.ingest();
    assert.equal(ingest.eventsStored, 3);
    const example = ingest.examples.find((b) => b.reason === 'not_stored');
    assert.match(example?.message ?? '', /could not be stored: simulated failure/);
  }));

test('a line nested deeper than the limit is set aside as too_deep, and its record is stored', () =>
  withStore(async (store, commit) => {
    await commit([
      { run_id: 'deep', type: 'run.started' },
      { run_id: 'deep', type: 'error', category: 'system', severity: 'error', message: 'm', context: JSON.parse(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`) },
      { run_id: 'deep', type: 'error', category: 'system', severity: 'error', message: 'shallow' },
    ]);
    const q = new Queries(store.st);
    assert.deepEqual(q.errors({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 }).map((e) => e.message), ['shallow']);
    assert.match(q.ingest().examples.find((b) => b.reason === 'too_deep')?.message ?? '', /nest 3001 deep; at most 64/);
  }));

test('an hour of 1 s samples asked for as 60 points: 60 averaged points, each of a minute', () =>
  withStore(async (store) => {
    const sample = (i: number) => ({
      ts: T0 + i * 1000, cpu: i % 60, cores: [], memUsed: 1e9, memAvailable: 1e9, memTotal: 2e9, swapUsed: 0, swapTotal: 0, load1: 1, load5: 1, load15: 1,
      processes: 100, threads: 500, diskReadBytes: 0, diskWriteBytes: 0, diskReadOps: 0, diskWriteOps: 0, netRxBytes: 0, netTxBytes: 0, netRxErrors: 0, netTxErrors: 0,
    });
    await store.commit([{ header: { kind: 'samples', at: T0 + 3600_000 }, body: Buffer.from(JSON.stringify(Array.from({ length: 3600 }, (_, i) => sample(i)))) }]);
    // Times past 2^31 are bound as REAL by sql.js: the buckets must still be whole minutes.
    const points = new Queries(store.st).samples({ from: T0, to: T0 + 3600_000 - 1, maxPoints: 60 });
    assert.equal(points.length, 60);
    assert.deepEqual(points.slice(0, 3).map((p) => p.ts - T0), [0, 60_000, 120_000]);
    assert.ok(points.every((p) => p.cpu === 29.5), 'each point the average of 0..59');
  }));
