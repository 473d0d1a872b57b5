import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bucketsFor, storeReportData } from '../../../agent/report/data';
import { renderReport } from '../../../agent/report/render';
import { generateReport } from '../../../agent/report/template';
import { TEMPLATES } from '../../../agent/report/templates';
import { Queries } from '../../../agent/store/queries';
import { costBy, costliestRuns, errorSeries, outcomeSeries } from '../../../agent/store/report-queries';
import { Store } from '../../../agent/store/store';

const T0 = Date.UTC(2026, 10, 25, 10);
const MIN = 60_000;
const H = 60 * MIN;

function run(id: string, ts: number, o: { status?: string; template?: string; cost?: number; model?: string; phase?: string; error?: string } = {}): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [{ ts, run_id: id, type: 'run.started', template: o.template ?? 'react', project_type: 'spa', user_id: 'u1' }];
  events.push({ ts: ts + 100, run_id: id, type: 'model.inference', model: o.model ?? 'gpt-4o', phase: o.phase ?? 'codegen', latency_ms: 900, input_tokens: 100, output_tokens: 50, ...(o.cost !== undefined ? { cost_usd: o.cost } : {}) });
  if (o.error) events.push({ ts: ts + 200, run_id: id, type: 'error', category: 'generation', severity: 'error', message: o.error, phase: 'codegen' });
  events.push({ ts: ts + 1000, run_id: id, type: 'run.ended', status: o.status ?? 'success', duration_ms: 1000 });
  return events;
}

async function withStore(fn: (store: Store) => Promise<void>, events: Record<string, unknown>[]) {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-report-'));
  const store = await Store.open({ dbPath: join(dir, 'genmon.db'), log: () => undefined });
  try {
    const body = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await store.commit([{ header: { kind: 'lines', at: T0 + 3 * H, src: { key: '1:1', path: '/logs/a.jsonl', fingerprint: null }, start: 0, end: body.length, size: body.length }, body }]);
    await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const EVENTS = [
  ...run('a', T0, { cost: 1, error: 'boom' }),
  ...run('b', T0 + 10 * MIN, { status: 'failed', cost: 2, model: 'mini', error: 'boom' }),
  ...run('c', T0 + H + 5 * MIN, { status: 'partial', template: 'vue', phase: 'blueprint' }),
  ...run('d', T0 + 2 * H + 5 * MIN, { cost: 4, template: 'vue' }),
];

test('outcomes and errors per bucket, from the start of the range', () =>
  withStore(async (store) => {
    const b = { from: T0, bucketMs: H, buckets: 3 };
    assert.deepEqual(outcomeSeries(store.st, b), { started: [2, 1, 1], success: [1, 0, 1], failed: [1, 0, 0], partial: [0, 1, 0] });
    assert.deepEqual(errorSeries(store.st, b).generation, [2, 0, 0]);
    assert.deepEqual(errorSeries(store.st, b).system, [0, 0, 0]);
  }, EVENTS));

test('model cost grouped by model, phase and template; unpriced inferences counted apart; costliest runs', () =>
  withStore(async (store) => {
    const range = { from: T0, to: T0 + 3 * H };
    const byModel = costBy(store.st, range, 'model');
    assert.deepEqual(byModel.map((r) => [r.key, r.usd, r.priced, r.inferences, r.runs, r.successes, r.wastedUsd]), [
      ['gpt-4o', 5, 2, 3, 3, 2, 0],
      ['mini', 2, 1, 1, 1, 0, 2],
    ]);
    assert.equal(byModel[0].inputTokens, 300);
    assert.deepEqual(costBy(store.st, range, 'template').map((r) => [r.key, r.usd]), [['vue', 4], ['react', 3]]);
    assert.deepEqual(costBy(store.st, range, 'phase').map((r) => [r.key, r.priced]), [['codegen', 3], ['blueprint', 0]]);
    assert.deepEqual(costliestRuns(store.st, range, 2).map((r) => [r.runId, r.usd, r.status]), [['d', 4, 'success'], ['b', 2, 'failed']]);
  }, EVENTS));

test('every template runs against a real store and renders every format', () =>
  withStore(async (store) => {
    const data = storeReportData(store.st, new Queries(store.st), () => T0 + 3 * H);
    assert.equal(bucketsFor({ from: T0, to: T0 + 3 * H }).bucketMs, 15 * MIN);
    for (const t of TEMPLATES) {
      const doc = generateReport(t, data, { from: T0, to: T0 + 3 * H, generatedAt: T0 + 3 * H, timezone: 'UTC' });
      assert.equal(doc.template, t.id);
      for (const format of ['md', 'html', 'csv', 'json'] as const) assert.ok(renderReport(doc, format).body.length > 100);
    }
    const daily = generateReport(TEMPLATES[0], data, { from: T0, to: T0 + 3 * H, generatedAt: T0 + 3 * H, timezone: 'UTC' });
    assert.equal(daily.figures.find((f) => f.id === 'runs')?.value, 4);
    assert.equal(daily.figures.find((f) => f.id === 'cost')?.value, 7);
  }, EVENTS));
