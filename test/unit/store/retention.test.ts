/**
 * 400 days of synthetic history fed day by day under a fake clock, with the
 * storage maintenance run after each day as the live agent would: every
 * rollup is kept (in partitions and the hot day tier), raw data is dropped
 * past its window, and a 90-day query from rollups gives the totals and
 * percentiles of the raw data it came from, within the sketch's error.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Sample } from '../../../agent/api/types';
import { MetricEngine } from '../../../agent/metrics/query';
import { DEFAULT_PRICES } from '../../../agent/metrics/prices';
import { DEFAULT_RETENTION } from '../../../agent/metrics/settings';
import { SKETCH_RELATIVE_ACCURACY } from '../../../agent/metrics/sketch';
import { statementsSource } from '../../../agent/metrics/source';
import { Maintenance } from '../../../agent/store/maintenance';
import { partsDir } from '../../../agent/store/partition-files';
import { PartitionSet } from '../../../agent/store/partitions';
import { loadSqlJs } from '../../../agent/store/sqlite';
import { Store } from '../../../agent/store/store';
import { History } from '../../../agent/store/history';
import { Queries } from '../../../agent/store/queries';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DAYS = 400;
const RUNS_PER_DAY = 12;
const START = Date.UTC(2025, 9, 1);
const END = START + DAYS * DAY;

let clock = START;
let dir: string;
let store: Store;
let parts: PartitionSet;
let engine: MetricEngine;
/** The raw figures, kept here to compare with what the store answers. */
const raw: { day: number; started: number; codegenSeconds: number; ok: boolean; user: string }[] = [];

/** A deterministic pseudo-random sequence. */
let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

function dayOfLines(day: number): string {
  const lines: string[] = [];
  for (let i = 0; i < RUNS_PER_DAY; i++) {
    const started = START + day * DAY + Math.floor((i + random()) * (DAY / RUNS_PER_DAY - 120_000));
    const codegen = Math.round(2000 + random() * random() * 60_000);
    const ok = random() < 0.8;
    const id = `d${day}-r${i}`;
    raw.push({ day, started, codegenSeconds: codegen / 1000, ok, user: `u${i % 3}` });
    const e = (dt: number, type: string, f: Record<string, unknown> = {}) => JSON.stringify({ ts: started + dt, run_id: id, type, ...f });
    lines.push(
      e(0, 'run.started', { project_type: 'spa', template: 'react-vite', user_id: raw[raw.length - 1].user }),
      e(10, 'phase.started', { phase: 'codegen' }),
      e(codegen - 5, 'model.inference', { model: 'gpt-4o', phase: 'codegen', latency_ms: codegen - 20, input_tokens: 1000, output_tokens: 300 }),
      e(codegen, 'phase.ended', { phase: 'codegen', status: ok ? 'ok' : 'failed', duration_ms: codegen }),
      e(codegen + 10, 'run.ended', { status: ok ? 'success' : 'failed', duration_ms: codegen + 10 }),
    );
  }
  return `${lines.join('\n')}\n`;
}

function samplesOf(day: number): Sample[] {
  return Array.from({ length: 24 }, (_, h) => ({
    ts: START + day * DAY + h * HOUR, cpu: 10 + h, cores: [], memUsed: 1e9, memAvailable: 1e9, memTotal: 2e9, swapUsed: 0, swapTotal: 0,
    load1: 0, load5: 0, load15: 0, processes: 100, threads: 500, diskReadBytes: 0, diskWriteBytes: 0, diskReadOps: 0, diskWriteOps: 0,
    netRxBytes: 0, netTxBytes: 0, netRxErrors: 0, netTxErrors: 0,
  }));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'genmon-retention-'));
  const dbPath = join(dir, 'genmon.db');
  store = await Store.open({ dbPath, log: () => undefined, now: () => clock });
  parts = new PartitionSet(await loadSqlJs(), dbPath, () => undefined);
  const maintenance = new Maintenance({ store, parts, retention: () => DEFAULT_RETENTION, now: () => clock, log: (m) => assert.fail(m) });
  engine = new MetricEngine(store.st, {
    prices: () => DEFAULT_PRICES, retention: () => DEFAULT_RETENTION, now: () => clock,
    sources: () => [statementsSource(store.st), parts.source()], facts: parts.facts(store.st),
  });
  let offset = 0;
  const src = { key: '1:1', path: '/logs/history.jsonl', fingerprint: null };
  for (let day = 0; day < DAYS; day++) {
    clock = START + (day + 1) * DAY;
    const body = Buffer.from(dayOfLines(day));
    await store.commit([
      { header: { kind: 'lines', at: clock, src, start: offset, end: offset + body.length, size: offset + body.length }, body },
      { header: { kind: 'samples', at: clock }, body: Buffer.from(JSON.stringify(samplesOf(day))) },
    ]);
    offset += body.length;
    await maintenance.run();
  }
});

after(async () => {
  parts.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** DDSketch's target: rank ⌊q·(n−1)⌋ of the sorted values. */
function rankValue(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

test('raw data past its window is gone; the hot database holds only recent periods', () => {
  const count = (sql: string) => Number(store.st.one<{ n: number }>(sql)!.n);
  assert.equal(count(`SELECT COUNT(*) AS n FROM inferences WHERE ts < ${END - DEFAULT_RETENTION.rawHours * HOUR}`), 0);
  assert.ok(count('SELECT COUNT(*) AS n FROM inferences') > 0, 'recent raw rows are kept');
  assert.equal(count(`SELECT COUNT(*) AS n FROM samples WHERE ts < ${END - DEFAULT_RETENTION.samplesRawHours * HOUR}`), 0);
  assert.equal(count(`SELECT COUNT(*) AS n FROM rollup_1m WHERE bucket < ${END - 2 * DAY}`), 0, 'older minutes are sealed away');
  assert.equal(count(`SELECT COUNT(*) AS n FROM rollup_1h WHERE bucket < ${END - 15 * DAY}`), 0, 'older hours are sealed away');
  assert.ok(count('SELECT COUNT(*) AS n FROM runs') < 16 * RUNS_PER_DAY, 'older runs are sealed away');
});

test('every rollup within retention is kept: the whole history adds up, from day rollups and from sealed hour partitions', () => {
  const total = engine.stat('genmon_generation_attempts_total', 'increase', START, END, [], {}).value;
  assert.equal(total, DAYS * RUNS_PER_DAY);
  // An old week read at hourly resolution comes from a sealed partition.
  const weekFrom = START + 100 * DAY;
  const q = engine.query({ metric: 'genmon_generation_attempts_total', from: weekFrom, to: weekFrom + 7 * DAY, step: HOUR });
  assert.equal(q.tier, '1h');
  const sum = q.series[0].points.reduce((n, [, v]) => n + (v ?? 0), 0);
  assert.equal(sum, raw.filter((r) => r.started >= weekFrom && r.started < weekFrom + 7 * DAY).length);
  const files = readdirSync(partsDir(store.dataPath));
  assert.ok(files.some((f) => f.startsWith('1h-2025-10')), `hour partitions from the start are kept: ${files.slice(0, 3)}`);
  assert.ok(!files.some((f) => f.startsWith('1m-2025')), 'minute partitions past their 3 days are dropped');
  assert.ok(files.every((f) => f.endsWith('.sqlite.br')), 'no stray files');
});

test('a 90-day query from rollups has the totals and percentiles of the raw data', () => {
  const from = END - 90 * DAY;
  const inRange = raw.filter((r) => r.started >= from);
  const byStatus = engine.stat('genmon_generation_runs_total', 'increase', from, END, ['status'], {}).by!;
  assert.equal(byStatus.find((r) => r.labels.status === 'success')?.value, inRange.filter((r) => r.ok).length);
  assert.equal(byStatus.find((r) => r.labels.status === 'failed')?.value, inRange.filter((r) => !r.ok).length);
  const durations = inRange.map((r) => r.codegenSeconds);
  for (const agg of ['p50', 'p90', 'p95', 'p99'] as const) {
    const got = engine.stat('genmon_phase_duration_seconds', agg, from, END, [], {}).value!;
    const want = rankValue(durations, Number(agg.slice(1)) / 100);
    assert.ok(Math.abs(got - want) <= want * SKETCH_RELATIVE_ACCURACY, `${agg}: ${got} vs raw ${want}`);
  }
  const daily = engine.query({ metric: 'genmon_generation_attempts_total', from, to: END, step: DAY });
  assert.equal(daily.tier, '1d');
  assert.deepEqual(daily.series[0].points.map(([, v]) => v), Array.from({ length: 90 }, () => RUNS_PER_DAY));
  // The same figures filtered by a user come from the per-run facts in the sealed partitions.
  const u0 = engine.stat('genmon_generation_attempts_total', 'increase', from, END, [], { user: 'u0' }).value;
  assert.equal(u0, inRange.filter((r) => r.user === 'u0').length);
  assert.ok(existsSync(partsDir(store.dataPath)));
});

test('the older endpoints answer over the whole retention: summary, phases and samples from rollups, runs from sealed partitions', () => {
  const queries = new Queries(store.st);
  queries.history = new History({
    engine, parts, now: () => clock, rawMs: () => DEFAULT_RETENTION.rawHours * HOUR,
    oldestSample: () => Number(store.st.one<{ ts: number }>('SELECT MIN(ts) AS ts FROM samples')!.ts),
  });
  const from = END - 90 * DAY;
  const inRange = raw.filter((r) => r.started >= from);
  const summary = queries.summary({ from, to: END });
  assert.equal(summary.attempts, inRange.length);
  assert.equal(summary.successes, inRange.filter((r) => r.ok).length);
  assert.equal(summary.phases.codegen.ok + summary.phases.codegen.failed, inRange.length);
  const p95 = rankValue(inRange.map((r) => r.codegenSeconds), 0.95) * 1000;
  assert.ok(Math.abs(summary.phases.codegen.p95! - p95) <= p95 * SKETCH_RELATIVE_ACCURACY, `codegen p95 ${summary.phases.codegen.p95} vs ${p95}`);
  const samples = queries.samples({ from, to: END, maxPoints: 100 });
  assert.ok(samples.length >= 80 && samples.length <= 100, `${samples.length} points`);
  assert.ok(samples.every((s) => s.cpu >= 10 && s.cpu <= 33), 'hourly cpu 10..33 % averaged');
  const runs = queries.runs({ limit: 500 });
  assert.equal(runs.length, 500);
  assert.ok(runs[499].startedAt < END - 30 * DAY, 'the list reaches into sealed weeks');
  assert.deepEqual(runs.map((r) => r.startedAt), [...runs.map((r) => r.startedAt)].sort((a, b) => b - a));
  const old = queries.run('d100-r3');
  assert.equal(old?.run.runId, 'd100-r3');
  assert.deepEqual(old?.phases.map((p) => p.phase), ['codegen']);
});

test('filtered 90-day figures from sealed weeks: the same answer the first time (from the runs) and again (from the weeks\' kept hourly cells), at any step', () => {
  const from = END - 90 * DAY;
  const inRange = raw.filter((r) => r.started >= from && r.user === 'u1');
  const perDay = (step: number) => {
    const q = engine.query({ metric: 'genmon_generation_runs_total', from, to: END, step, by: ['status'], filters: { user: 'u1' } });
    const sums: Record<string, number> = {};
    for (const s of q.series) sums[s.labels.status!] = s.points.reduce((n, [, v]) => n + (v ?? 0), 0);
    return sums;
  };
  const want = { success: inRange.filter((r) => r.ok).length, failed: inRange.filter((r) => !r.ok).length };
  assert.deepEqual(perDay(DAY), want, 'daily steps, first');
  assert.deepEqual(perDay(DAY), want, 'daily steps, again');
  assert.deepEqual(perDay(6 * HOUR), want, 'six-hour steps');
  assert.deepEqual(perDay(90 * 60_000), want, 'ninety-minute steps (not whole hours: from the runs)');
  // Per day, the counts land on the day each run ended, first time and again alike.
  const days = () => engine.query({ metric: 'genmon_generation_attempts_total', from, to: END, step: DAY, filters: { user: 'u1' } }).series[0].points.map(([, v]) => v ?? 0);
  const first = days();
  assert.deepEqual(days(), first);
  assert.equal(first.reduce((a, b) => a + b, 0), inRange.length);
  const p95 = (): number => engine.stat('genmon_phase_duration_seconds', 'p95', from, END, [], { user: 'u1' }).value!;
  const want95 = rankValue(inRange.map((r) => r.codegenSeconds), 0.95);
  for (const got of [p95(), p95()]) assert.ok(Math.abs(got - want95) <= want95 * SKETCH_RELATIVE_ACCURACY, `p95 ${got} vs raw ${want95}`);
  // Cost and the filter lists of whole sealed weeks are kept too, with the same answers.
  const facts = parts.facts(store.st);
  assert.deepEqual(facts.distinct('project_type', from, END), ['spa']);
  assert.deepEqual(facts.distinct('project_type', from, END), ['spa']);
  const runsOf = (rows: { runs: number }[]) => rows.reduce((n, r) => n + r.runs, 0);
  assert.equal(runsOf(facts.costs('user', from, END, {})), raw.filter((r) => r.started >= from).length);
  assert.equal(runsOf(facts.costs('user', from, END, {})), raw.filter((r) => r.started >= from).length);
});

test('after a restart, whole sealed weeks answer from what was kept beside the database: a filtered 90-day figure and the cost opens only the weeks the range cuts', async () => {
  const from = END - 90 * DAY;
  const ask = (e: MetricEngine) => e.stat('genmon_generation_runs_total', 'increase', from, END, ['status'], { user: 'u2' }).by!.map((g) => [g.labels.status, g.value]).sort();
  const cost = (f: ReturnType<PartitionSet['facts']>) => f.costs('model', from, END, {}).map((r) => [r.key, r.runs]);
  const first = ask(engine);
  const firstCost = cost(parts.facts(store.st));
  const inRange = raw.filter((r) => r.started >= from && r.user === 'u2');
  assert.deepEqual(first, [['failed', inRange.filter((r) => !r.ok).length], ['success', inRange.filter((r) => r.ok).length]]);

  const again = new PartitionSet(await loadSqlJs(), store.dataPath, () => undefined);
  try {
    const restarted = new MetricEngine(store.st, {
      prices: () => DEFAULT_PRICES, retention: () => DEFAULT_RETENTION, now: () => clock,
      sources: () => [statementsSource(store.st), again.source()], facts: again.facts(store.st),
    });
    assert.deepEqual(ask(restarted), first);
    assert.deepEqual(cost(again.facts(store.st)), firstCost);
    const weeks = again.list().filter((p) => p.tier === 'facts' && p.to > from - DAY).length;
    assert.ok(weeks >= 13, `${weeks} facts weeks in range`);
    assert.ok(again.opened.facts <= 3, `${again.opened.facts} of ${weeks} facts weeks opened after the restart (only those the range or the day before it cuts)`);
  } finally {
    again.close();
  }
});
