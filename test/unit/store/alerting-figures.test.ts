import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILTIN_RULES } from '../../../agent/alerts/builtin';
import { storeEvaluator } from '../../../agent/alerts/evaluator';
import { inferenceCost } from '../../../agent/store/cost';
import { groupDetail, errorTrend } from '../../../agent/store/error-patterns';
import { figureSeries } from '../../../agent/store/figure-series';
import { Queries } from '../../../agent/store/queries';
import { Store } from '../../../agent/store/store';

const T0 = Date.UTC(2026, 10, 25, 10);
const MIN = 60_000;

async function withStore(fn: (store: Store, commit: (events: Record<string, unknown>[]) => Promise<void>) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-figures-'));
  let offset = 0;
  const store = await Store.open({ dbPath: join(dir, 'genmon.db'), log: () => undefined });
  const commit = async (events: Record<string, unknown>[]) => {
    const body = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await store.commit([{ header: { kind: 'lines', at: T0 + 3600_000, src: { key: '1:1', path: '/logs/a.jsonl', fingerprint: null }, start: offset, end: offset + body.length, size: offset + body.length }, body }]);
    offset += body.length;
  };
  try {
    await fn(store, commit);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(id: string, ts: number, opts: { status?: string; template?: string; user?: string; cost?: number; model?: string; error?: string; phase?: string } = {}): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [{ ts, run_id: id, type: 'run.started', template: opts.template ?? 'react', project_type: 'spa', user_id: opts.user ?? 'u1' }];
  events.push({ ts: ts + 100, run_id: id, type: 'model.inference', model: opts.model ?? 'gpt-4o', latency_ms: 900, ...(opts.cost !== undefined ? { cost_usd: opts.cost } : {}) });
  if (opts.error) events.push({ ts: ts + 200, run_id: id, type: 'error', category: 'generation', severity: 'error', message: opts.error, phase: opts.phase ?? 'codegen' });
  events.push({ ts: ts + 1000, run_id: id, type: 'run.ended', status: opts.status ?? 'success', duration_ms: 1000 });
  return events;
}

test('inference cost is kept and sums over a range; the cost rule holds over its budget', () =>
  withStore(async (store, commit) => {
    await commit([...run('a', T0, { cost: 4 }), ...run('b', T0 + 10 * MIN, { cost: 7.5 }), ...run('c', T0 + 20 * MIN)]);
    assert.deepEqual(inferenceCost(store.st, { from: T0, to: T0 + 3600_000 }), { usd: 11.5, priced: 2 });
    const queries = new Queries(store.st);
    const evaluate = storeEvaluator({ queries, st: store.st, latestSample: () => null, latestMounts: () => [] });
    const cost = BUILTIN_RULES.find((r) => r.spec.kind === 'cost_per_hour')!;
    assert.deepEqual(evaluate(cost, T0 + 30 * MIN).map((e) => [e.holds, e.value]), [[true, 11.5]]);
    assert.deepEqual(evaluate(cost, T0 + 2 * 3600_000).map((e) => [e.holds, e.value]), [[false, null]], 'no priced inference: unknown, not zero');
  }));

test('figure series: failure rate and cost per bucket; empty buckets are null', () =>
  withStore(async (store, commit) => {
    await commit([...run('a', T0, { status: 'failed', cost: 1 }), ...run('b', T0 + MIN, { cost: 1 }), ...run('c', T0 + 11 * MIN, { cost: 2 })]);
    const failure = figureSeries(store.st, 'failure_rate', null, T0, 5 * MIN, 3);
    assert.deepEqual(failure.values, [0.5, null, 0]);
    assert.deepEqual(failure.counts, [2, 0, 1]);
    assert.deepEqual(figureSeries(store.st, 'cost_per_hour', null, T0, 5 * MIN, 3).values, [24, null, 24]);
  }));

test('error-group patterns: frequency, correlation with a template above its base rate, impact and resolution', () =>
  withStore(async (store, commit) => {
    const events: Record<string, unknown>[] = [];
    // 10 runs on "vue" all fail with the error; 30 on "react" succeed, 2 of them failing with it.
    for (let i = 0; i < 10; i++) events.push(...run(`v${i}`, T0 + i * MIN, { template: 'vue', status: 'failed', error: `Template broke at line ${i + 10}`, user: `u${i % 4}`, cost: 0.5 }));
    for (let i = 0; i < 30; i++) events.push(...run(`r${i}`, T0 + i * MIN, { template: 'react', status: i < 2 ? 'failed' : 'success', error: i < 2 ? `Template broke at line ${i + 40}` : undefined, user: 'u9' }));
    await commit(events);
    const queries = new Queries(store.st);
    const [group] = queries.errorGroups({ from: 0, to: T0 + 3600_000, limit: 10 });
    const d = groupDetail(store.st, group, T0, T0 + 60 * MIN, 6);
    assert.equal(d.frequency.bucketMs, 10 * MIN);
    assert.deepEqual(d.frequency.counts, [12, 0, 0, 0, 0, 0]);
    const vue = d.correlations.find((c) => c.dimension === 'template' && c.value === 'vue')!;
    assert.deepEqual([vue.groupCount, vue.groupTotal, vue.baseCount, vue.baseTotal], [10, 12, 10, 40]);
    assert.ok(Math.abs(vue.lift! - (10 / 12) / (10 / 40)) < 1e-9);
    const react = d.correlations.find((c) => c.dimension === 'template' && c.value === 'react')!;
    assert.ok(react.lift! < 1, 'react comes with the group less than with runs in general');
    assert.equal(d.correlations[0].value, 'vue', 'sorted by lift');
    assert.deepEqual(d.impact, { errors: 12, runsAffected: 12, runsFailed: 12, usersAffected: 5, costWastedUsd: 5 });
    assert.deepEqual(d.resolution, { status: 'new', firstSeen: T0 + 200, resolvedAt: null, timeToResolveMs: null, reopenCount: 0 });
    assert.equal(d.recent.length, 12);
    const trend = errorTrend(store.st, T0, T0 + 60 * MIN, 6, 5);
    assert.deepEqual(trend.groups.map((g) => [g.total, g.counts[0]]), [[12, 12]]);
  }));
