import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReportBlock, ReportChart, ReportDocument, ReportTable } from '../../../agent/api/types';
import { renderReport } from '../../../agent/report/render';
import { buildDocument } from '../../../agent/report/template';
import { cost } from '../../../agent/report/templates/cost';
import { daily, type DailyInput } from '../../../agent/report/templates/daily';
import { errors } from '../../../agent/report/templates/errors';
import { incidents } from '../../../agent/report/templates/incidents';
import { TEMPLATES, templateInfos } from '../../../agent/report/templates';
import { weekly, type WeeklyInput } from '../../../agent/report/templates/weekly';
import { costRow, ctx, DAY, group, H, incident, summary, T0 } from './fixtures';

function blocks(doc: ReportDocument): ReportBlock[] {
  return doc.sections.flatMap((s) => s.blocks);
}
function tableOf(doc: ReportDocument, id: string): ReportTable {
  const t = blocks(doc).find((b): b is ReportTable => b.type === 'table' && b.id === id);
  assert.ok(t, `table ${id}`);
  return t;
}
function chartOf(doc: ReportDocument, id: string): ReportChart {
  const c = blocks(doc).find((b): b is ReportChart => b.type === 'chart' && b.id === id);
  assert.ok(c, `chart ${id}`);
  return c;
}
function fig(doc: ReportDocument, id: string) {
  const f = doc.figures.find((x) => x.id === id);
  assert.ok(f, `figure ${id}`);
  return f;
}
const hours = (n: number, v: number) => new Array<number>(n).fill(v);

function dailyInput(): DailyInput {
  const x = Array.from({ length: 24 }, (_, i) => T0 + i * H);
  return {
    summary: summary(),
    previous: summary({ attempts: 8, failures: 0, successRate: 1, errorsByCategory: { validation: 0, generation: 1, deployment: 0, system: 0 } }),
    x,
    bucketMs: H,
    outcomes: { started: hours(24, 0), success: hours(24, 0), failed: hours(24, 0), partial: hours(24, 0) },
    cpu: hours(24, 20),
    memory: hours(24, 50),
    topErrors: [{ category: 'generation', severity: 'error', message: 'model timeout after 30s', count: 2, lastSeen: T0 + H, lastRunId: 'r9' }],
    groups: [group('old'), group('fresh', { firstSeen: T0 + 2 * H, message: 'brand new failure' })],
    incidents: [incident(1)],
    cost: [costRow('gpt-4o', 3), costRow('small', 1)],
    previousCost: [costRow('gpt-4o', 2)],
  };
}

test('the registry: five templates, ids unique, every one with a title, description and range', () => {
  assert.deepEqual(TEMPLATES.map((t) => t.id), ['daily', 'weekly', 'cost', 'errors', 'incidents']);
  for (const t of templateInfos()) assert.ok(t.title && t.description && t.defaultRangeMs > 0, t.id);
});

test('daily: headline figures against the day before, outcomes, phases, new groups only, incidents, resources', () => {
  const doc = buildDocument(daily, dailyInput(), ctx(DAY));
  assert.equal(doc.title, 'Daily summary');
  assert.equal(doc.template, 'daily');
  assert.deepEqual([fig(doc, 'runs').value, fig(doc, 'runs').previous], [10, 8]);
  assert.deepEqual([fig(doc, 'success_rate').value, fig(doc, 'success_rate').previous, fig(doc, 'success_rate').better], [0.7, 1, 'up']);
  assert.deepEqual([fig(doc, 'errors').value, fig(doc, 'errors').previous], [3, 1]);
  assert.deepEqual([fig(doc, 'cost').value, fig(doc, 'cost').previous], [4, 2]);
  assert.equal(fig(doc, 'incidents').value, 1);
  const phases = tableOf(doc, 'phases');
  assert.deepEqual(phases.rows[1], ['codegen', 4, 8000, 8000, 8000, 8000, 3, 1, 0]);
  assert.deepEqual(phases.rows[4].slice(0, 3), ['total run', 10, 20_000]);
  assert.deepEqual(tableOf(doc, 'new_groups').rows.map((r) => r[0]), ['brand new failure'], 'a group first seen before the range is not new');
  assert.deepEqual(tableOf(doc, 'incidents').rows[0].slice(0, 4), [1, 'Incident 1', 'error', 'resolved']);
  assert.equal(chartOf(doc, 'outcomes').title, 'Runs ended per hour');
  assert.deepEqual(tableOf(doc, 'mounts').rows, [['/', 250, 1000, 0.25]]);
  const md = renderReport(doc, 'md').body;
  assert.match(md, /\| 2 \| generation \| error \| model timeout after 30s \| 2026-03-02 08:00 \| r9 \|/, 'what the first report showed is still there');
  assert.match(md, /\| CPU peak \| 42\.5% \|/);
});

test('daily: with no cost logged, cost is unknown rather than $0', () => {
  const input = { ...dailyInput(), cost: [costRow('gpt-4o', 0, { priced: 0 })], previousCost: [] };
  const doc = buildDocument(daily, input, ctx(DAY));
  assert.equal(fig(doc, 'cost').value, null);
  assert.equal(fig(doc, 'cost').previous, null);
});

test('weekly: success rate per day from the outcomes, per-day table, new and regressed groups, bucket wording', () => {
  const x = Array.from({ length: 7 }, (_, i) => T0 + i * DAY);
  const zero = () => new Array<number>(7).fill(0);
  const input: WeeklyInput = {
    summary: summary(),
    previous: summary(),
    x,
    bucketMs: DAY,
    outcomes: { started: [4, 0, 0, 0, 0, 0, 0], success: [3, 0, 1, 0, 0, 0, 0], failed: [1, 0, 1, 0, 0, 0, 0], partial: zero() },
    runP95: [1000, null, 2000, null, null, null, null],
    phaseP95: { blueprint: new Array(7).fill(null), codegen: new Array(7).fill(500), validation: new Array(7).fill(null), deployment: new Array(7).fill(null) },
    errors: { validation: zero(), generation: [2, 0, 1, 0, 0, 0, 0], deployment: zero(), system: [0, 0, 1, 0, 0, 0, 0] },
    cost: [0.5, null, 0.25, null, null, null, null],
    costRows: [costRow('m', 0.75)],
    previousCostRows: [],
    trend: { from: T0, to: T0 + 7 * DAY, bucketMs: DAY, groups: [{ fingerprint: 'g', category: 'generation', message: 'x'.repeat(60), status: 'ongoing', phases: [], total: 3, counts: [2, 0, 1, 0, 0, 0, 0] }] },
    groups: [group('old'), group('new', { firstSeen: T0 + DAY }), group('back', { status: 'regressed' })],
  };
  const doc = buildDocument(weekly, input, ctx(7 * DAY));
  assert.deepEqual(chartOf(doc, 'success_rate').series[0].values, [0.75, null, 0.5, null, null, null, null]);
  const days = tableOf(doc, 'days');
  assert.equal(days.title, 'Figures per day');
  assert.deepEqual(days.rows[0], [T0, 4, 3, 1, 0, 0.75, 1000, 2, 0.5]);
  assert.deepEqual(days.rows[2], [T0 + 2 * DAY, 0, 1, 1, 0, 0.5, 2000, 2, 0.25]);
  assert.deepEqual(tableOf(doc, 'new_groups').rows.map((r) => r[0]), ['message of new']);
  assert.deepEqual(tableOf(doc, 'regressed_groups').rows.map((r) => r[0]), ['message of back']);
  assert.equal(chartOf(doc, 'top_groups').series[0].name.length, 40, 'long messages are cut for the legend');
  assert.deepEqual(chartOf(doc, 'phase_p95').series.map((s) => s.name), ['blueprint', 'codegen', 'validation', 'deployment']);
  assert.deepEqual([fig(doc, 'new_groups').value, fig(doc, 'regressed_groups').value, fig(doc, 'cost').value], [1, 1, 0.75]);
});

test('cost: shares, per successful run, unpriced inferences, waste, costliest runs', () => {
  const byModel = [costRow('gpt-4o', 6, { successes: 3, wastedUsd: 2 }), costRow('mini', 2, { priced: 6, successes: 0 })];
  const doc = buildDocument(
    cost,
    {
      summary: summary({ successes: 4 }),
      x: [T0],
      bucketMs: DAY,
      series: [8],
      by: { model: byModel, phase: [costRow('codegen', 8)], project_type: [costRow('(none)', 8)], template: [] },
      previous: [costRow('gpt-4o', 4)],
      runs: [{ runId: '=cmd()', status: 'failed', template: 'react', startedAt: T0, inferences: 3, usd: 1.5 }],
    },
    ctx(DAY),
  );
  assert.deepEqual([fig(doc, 'cost').value, fig(doc, 'cost').previous], [8, 4]);
  assert.equal(fig(doc, 'per_success').value, 2, '8 USD over 4 successful runs');
  assert.equal(fig(doc, 'wasted').value, 2);
  assert.equal(fig(doc, 'wasted_share').value, 0.25);
  const models = tableOf(doc, 'by_model');
  assert.deepEqual(models.rows[0].slice(0, 8), ['gpt-4o', 6, 0.75, 4, 2, 2, 10, 0]);
  assert.deepEqual(models.rows[1].slice(0, 8), ['mini', 2, 0.25, 4, null, 0, 10, 4], 'no success: no cost per success; 4 inferences unpriced');
  assert.equal(tableOf(doc, 'by_template').rows.length, 0);
  assert.match((doc.sections[0].blocks[0] as { text: string }).text, /4 of 20 inferences in this range carried no cost/);
  assert.deepEqual(chartOf(doc, 'cost_by_model').x, ['gpt-4o', 'mini']);
  const csv = renderReport(doc, 'csv').body;
  assert.ok(csv.includes(`'=cmd(),failed,react,2026-03-02T07:00:00.000Z,3,1.5`), 'a run id that looks like a formula is neutralised');
});

test('errors: groups by count in range, new and regressed, breakdowns against the range before', () => {
  const doc = buildDocument(
    errors,
    {
      summary: summary(),
      previous: summary({ attempts: 5, errorsByCategory: { validation: 3, generation: 3, deployment: 0, system: 0 }, errorsBySeverity: { critical: 0, error: 6, warning: 0, info: 0 } }),
      x: [T0],
      bucketMs: DAY,
      byCategory: { validation: [1], generation: [2], deployment: [0], system: [0] },
      trend: { from: T0, to: T0 + DAY, bucketMs: DAY, groups: [] },
      groups: [group('a', { countInRange: 1 }), group('b', { countInRange: 9, firstSeen: T0 + H }), group('c', { countInRange: 4, status: 'regressed' })],
    },
    ctx(DAY),
  );
  assert.deepEqual(tableOf(doc, 'groups').rows.map((r) => [r[0], r[4]]), [['message of b', 9], ['message of c', 4], ['message of a', 1]]);
  assert.deepEqual(tableOf(doc, 'new_groups').rows.map((r) => r[0]), ['message of b']);
  assert.deepEqual(tableOf(doc, 'regressed_groups').rows.map((r) => r[0]), ['message of c']);
  assert.deepEqual([fig(doc, 'errors').value, fig(doc, 'errors').previous], [3, 6]);
  assert.deepEqual([fig(doc, 'per_run').value, fig(doc, 'per_run').previous], [0.3, 1.2]);
  assert.deepEqual(tableOf(doc, 'by_category').rows, [['validation', 1, 3], ['generation', 2, 3], ['deployment', 0, 0], ['system', 0, 0]]);
  assert.deepEqual(tableOf(doc, 'by_severity').rows[0], ['critical', 1, 0]);
});

test('incident review: MTTA and MTTR over the incidents that have them, open ones counted, a section per incident', () => {
  const list = [
    incident(3, { acknowledgedAt: null, resolvedAt: null, severity: 'critical', cost: null }),
    incident(2, { openedAt: T0, acknowledgedAt: T0 + 10 * 60_000, resolvedAt: T0 + H }),
    incident(1, { openedAt: T0, acknowledgedAt: T0 + 20 * 60_000, resolvedAt: T0 + 3 * H }),
  ];
  const doc = buildDocument(incidents, { incidents: list }, ctx(7 * DAY));
  assert.equal(fig(doc, 'incidents').value, 3);
  assert.equal(fig(doc, 'open').value, 1);
  assert.equal(fig(doc, 'critical').value, 1);
  assert.equal(fig(doc, 'mtta').value, 15 * 60_000);
  assert.equal(fig(doc, 'mttr').value, 2 * H);
  assert.equal(fig(doc, 'runs_failed').value, 9);
  assert.equal(fig(doc, 'wasted').value, 1, 'unknown cost left out of the sum');
  assert.deepEqual(doc.sections.map((s) => s.title), ['Overview', '#3 Incident 3', '#2 Incident 2', '#1 Incident 1']);
  const timeline = tableOf(doc, 'timeline_2');
  assert.deepEqual(timeline.rows[1], [T0 + 60_000, 'note', 'Looking <b>now</b>', 'ana']);
  assert.ok(renderReport(doc, 'html').body.includes('Looking &lt;b&gt;now&lt;/b&gt;'));
  const many = buildDocument(incidents, { incidents: Array.from({ length: 12 }, (_, i) => incident(i + 1)) }, ctx(7 * DAY));
  assert.equal(many.sections.length, 12, 'overview, ten reviewed, and a note on the rest');
  assert.match(JSON.stringify(many.sections[11]), /2 older incidents are in the overview table only/);
});

test('every template renders every format from an empty store', () => {
  const emptyData = {
    summary: () => summary({ attempts: 0, successes: 0, failures: 0, partials: 0, successRate: null, mounts: [] }),
    topErrors: () => [],
    errorGroups: () => [],
    errorTrend: (r: { from: number; to: number }) => ({ from: r.from, to: r.to, bucketMs: H, groups: [] }),
    outcomes: (b: { buckets: number }) => ({ started: new Array(b.buckets).fill(0), success: new Array(b.buckets).fill(0), failed: new Array(b.buckets).fill(0), partial: new Array(b.buckets).fill(0) }),
    errorsByCategory: (b: { buckets: number }) => ({ validation: new Array(b.buckets).fill(0), generation: new Array(b.buckets).fill(0), deployment: new Array(b.buckets).fill(0), system: new Array(b.buckets).fill(0) }),
    series: (_m: string, _p: unknown, b: { buckets: number }) => new Array(b.buckets).fill(null),
    costSeries: (b: { buckets: number }) => new Array(b.buckets).fill(null),
    cost: () => [],
    costliestRuns: () => [],
    incidents: () => [],
  };
  for (const t of TEMPLATES) {
    const doc = buildDocument(t, t.fetch(emptyData, { from: T0, to: T0 + t.defaultRangeMs }) as never, ctx(t.defaultRangeMs));
    for (const format of ['md', 'html', 'csv', 'json'] as const) assert.ok(renderReport(doc, format).body.length > 100, `${t.id} ${format}`);
  }
});
