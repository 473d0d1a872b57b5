import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Correlation, CostBreakdown, ErrorGroup, FunnelResult, HistogramResult, MetricQueryResult } from '../../../agent/api/types';
import {
  correlationBars, DISCRETE, costRanking, costStack, errorImpact, frequencyPoints, trendSeries, funnelBars, groupStates, histogramBars, percentiles, ranked, seriesFor, seriesName, statValue, stepTimes, timeSeries, timeToResolve, toMs, toPercent,
} from '../../../webview/data/metrics';
import { formatCompact, formatSmall, formatUnit, formatUsd } from '../../../webview/data/format';

const query = (series: MetricQueryResult['series']): MetricQueryResult => ({ metric: 'm', from: 0, to: 300, step: 100, agg: 'increase', tier: '1m', series });

test('timeSeries: a line per series at the middle of each step, nulls as gaps, named by label values in the given order', () => {
  const t = timeSeries(
    query([
      { labels: { status: 'failed' }, points: [[0, 1], [100, null], [200, 3]] },
      { labels: { status: 'success' }, points: [[0, 5], [100, 6], [200, 7]] },
    ]),
    undefined,
    { order: ['success', 'failed'] },
  );
  assert.deepEqual(t.names, ['success', 'failed']);
  assert.deepEqual(t.data[1], [{ x: 50, y: 1 }, { x: 150, y: null }, { x: 250, y: 3 }]);
  assert.equal(t.min, 0);
  assert.equal(t.max, 300);
});

test('timeSeries: a step sent as a bare null is a gap at its place', () => {
  const t = timeSeries({ ...query([{ labels: {}, points: [null, [100, 2], null] as never }]), from: 30 });
  assert.deepEqual(t.data[0], [{ x: 50, y: null }, { x: 150, y: 2 }, { x: 250, y: null }]);
});

test('timeSeries: scales values, names a series without labels by the fallback, keeps the largest series under a limit', () => {
  const ratio = timeSeries(query([{ labels: {}, points: [[0, 0.25]] }]), toPercent, { fallback: 'success rate' });
  assert.deepEqual(ratio.names, ['success rate']);
  assert.equal(ratio.data[0][0].y, 25);
  const many = timeSeries(query(['a', 'b', 'c'].map((model, i) => ({ labels: { model }, points: [[0, i]] }))), undefined, { limit: 2 });
  assert.deepEqual(many.names, ['b', 'c']);
  assert.equal(seriesName({ route: '/a', method: 'GET' }), '/a · GET');
});

const hist = (buckets: [number, number, number][], p99: number | null, labels = {}): HistogramResult['series'][number] => ({
  labels, count: buckets.reduce((n, b) => n + b[2], 0), p50: null, p90: null, p95: null, p99, buckets: buckets.map(([lower, upper, count]) => ({ lower, upper, count })),
});

test('histogramBars: empty buckets at either end are dropped and zero bars are not drawn', () => {
  const bars = histogramBars(hist([[0, 1, 0], [1, 2, 4], [2, 3, 0], [3, 4, 2], [4, 5, 0]], null), String);
  assert.deepEqual(bars, { labels: ['1', '2', '3'], counts: [4, null, 2] });
});

test('histogramBars: everything above the p99 bucket folds into a last "≥" bar', () => {
  const bars = histogramBars(hist([[0, 1, 50], [1, 2, 40], [2, 4, 9], [4, 8, 0], [8, 100, 1]], 3), String);
  assert.deepEqual(bars, { labels: ['0', '1', '2', '≥ 4'], counts: [50, 40, 9, 1] });
});

test('histogramBars: many buckets merge into at most maxBars', () => {
  const buckets = Array.from({ length: 100 }, (_, i): [number, number, number] => [i, i + 1, 1]);
  const bars = histogramBars(hist(buckets, null), String, 24);
  assert.ok(bars.labels.length <= 24);
  assert.equal(bars.counts.reduce((n, c) => n! + (c ?? 0), 0), 100, 'no count is lost');
  assert.equal(bars.labels[1], '5', 'merged bars are labelled by their lowest bound');
  assert.deepEqual(histogramBars(undefined, String), { labels: [], counts: [] });
  assert.deepEqual(histogramBars(hist([[0, 1, 0]], null), String), { labels: [], counts: [] });
});

test('histogramBars for whole numbers: one bar per value seen, buckets rounding to one value add up', () => {
  const bars = histogramBars(hist([[0, 1.04, 8], [1.04, 1.1, 0], [1.9, 2.02, 5], [2.02, 2.1, 0], [2.9, 3.04, 2], [3.04, 3.1, 1]], 3), DISCRETE);
  assert.deepEqual(bars, { labels: ['1', '2', '3'], counts: [8, 5, 3] });
});

test('seriesFor and percentiles pick series by label, in pipeline order, scaled to ms', () => {
  const h: HistogramResult = {
    metric: 'genmon_phase_duration_seconds', from: 0, to: 1,
    series: [
      { ...hist([[0, 1, 1]], 1, { phase: 'validation' }), p50: 2, p95: 3, p99: 4 },
      { ...hist([[0, 1, 1]], 1, { phase: 'blueprint' }), p50: 1, p95: null, p99: 1.5 },
      { ...hist([], null, { phase: 'deployment' }), count: 0 },
    ],
  };
  assert.equal(seriesFor(h, 'phase', 'blueprint')?.p50, 1);
  assert.equal(seriesFor(h, 'phase', 'codegen'), undefined);
  assert.deepEqual(percentiles(h, 'phase', ['blueprint', 'codegen', 'validation', 'deployment'], toMs), {
    labels: ['blueprint', 'validation'], p50: [1000, 2000], p95: [null, 3000], p99: [1500, 4000],
  });
});

const funnel: FunnelResult = {
  from: 0, to: 1, conversionRate: 0.6,
  steps: [
    { step: 'started', reached: 10, droppedBefore: 0, conversion: 1, p50Seconds: null, p95Seconds: null },
    { step: 'blueprint', reached: 9, droppedBefore: 1, conversion: 0.9, p50Seconds: 2, p95Seconds: 4 },
    { step: 'codegen', reached: 9, droppedBefore: 0, conversion: 0.9, p50Seconds: 30, p95Seconds: 60 },
    { step: 'validation', reached: 7, droppedBefore: 2, conversion: 0.7, p50Seconds: 5, p95Seconds: null },
    { step: 'deployed', reached: 6, droppedBefore: 1, conversion: 0.6, p50Seconds: 10, p95Seconds: 20 },
  ],
};

test('funnelBars: reached and stopped-before per step, the conversion in the label', () => {
  assert.deepEqual(funnelBars(funnel), {
    labels: ['started', 'blueprint 90 %', 'codegen 90 %', 'validation 70 %', 'deployed 60 %'],
    reached: [10, 9, 9, 7, 6],
    dropped: [null, 1, null, 2, 1],
  });
  assert.deepEqual(stepTimes(funnel), { labels: ['blueprint', 'codegen', 'validation', 'deployed'], p50: [2000, 30000, 5000, 10000], p95: [4000, 60000, null, 20000] });
});

test('statValue and ranked read /stat answers', () => {
  const stats = [
    { metric: 'a', agg: 'p95' as const, value: 3 },
    { metric: 'a', agg: 'p50' as const, value: 1 },
    { metric: 'b', agg: 'increase' as const, value: null, by: [
      { labels: { route: '/x' }, value: 5 }, { labels: { route: '/y' }, value: 9 }, { labels: { route: '/z' }, value: null }, { labels: { route: '/w' }, value: 5 },
    ] },
  ];
  assert.equal(statValue(stats, 'a', 'p50'), 1);
  assert.equal(statValue(stats, 'a'), 3);
  assert.equal(statValue(stats, 'c'), null);
  assert.deepEqual(ranked(stats[2], 'route'), [{ key: '/y', value: 9 }, { key: '/w', value: 5 }, { key: '/x', value: 5 }]);
  assert.deepEqual(ranked(stats[2], 'route', 1, true), [{ key: '/w', value: 5 }]);
  assert.deepEqual(ranked(undefined, 'route'), []);
});

const row = (key: string, totalUsd: number, wastedUsd: number, perSuccessUsd: number | null): CostBreakdown['rows'][number] => ({
  key, runs: 2, successes: 1, computeUsd: totalUsd * 0.2, storageUsd: 0, apiUsd: totalUsd * 0.1, modelUsd: totalUsd * 0.7, totalUsd, wastedUsd, perSuccessUsd,
});

test('costRanking puts the worst first and rows without a value last; costStack splits days by use and by waste', () => {
  const cost: CostBreakdown = {
    from: 0, to: 1, by: 'day',
    rows: [row('2025-01-02', 10, 4, 5), row('2025-01-01', 20, 0, null), row('2025-01-03', 6, 6, 6)],
    total: { totalUsd: 36, wastedUsd: 10, perSuccessUsd: 18, inputTokens: 1, outputTokens: 2 },
  };
  assert.deepEqual(costRanking(cost, 'perSuccessUsd').map((r) => r.key), ['2025-01-03', '2025-01-02', '2025-01-01']);
  assert.deepEqual(costRanking(cost, 'totalUsd', 1).map((r) => r.key), ['2025-01-01']);
  const stack = costStack(cost);
  assert.deepEqual(stack.labels, ['2025-01-01', '2025-01-02', '2025-01-03']);
  assert.deepEqual(stack.parts.wasted, [null, 4, 6]);
  assert.deepEqual(stack.parts.useful, [20, 6, null]);
  assert.deepEqual(stack.parts.model, [14, 7, 6 * 0.7]);
  assert.deepEqual(stack.parts.storage, [null, null, null]);
});

const group = (over: Partial<ErrorGroup>): ErrorGroup => ({
  fingerprint: 'f', category: 'system', severity: 'error', message: 'm', firstSeen: 1000, lastSeen: 2000, count: 1, countInRange: 1, runsAffected: 1, usersAffected: 1,
  phases: [], models: [], templates: [], status: 'new', statusChangedAt: null, resolvedAt: null, reopenCount: 0, ...over,
});

test('error groups: states in lifecycle order, impact over the range, time to resolve', () => {
  const groups = [
    group({ status: 'new', countInRange: 3, runsAffected: 2, usersAffected: 2 }),
    group({ status: 'resolved', resolvedAt: 4000, countInRange: 1, runsAffected: 1, usersAffected: 5 }),
    group({ status: 'regressed', resolvedAt: 11_000, reopenCount: 2, countInRange: 2, runsAffected: 2 }),
    group({ status: 'resolved', resolvedAt: 2000, countInRange: 0 }),
  ];
  assert.deepEqual(groupStates(groups), { labels: ['new', 'ongoing', 'regressed', 'resolved', 'ignored'], counts: [1, null, 1, 2, null] });
  assert.equal(timeToResolve(groups[1]), 3000);
  assert.equal(timeToResolve(groups[0]), null);
  assert.deepEqual(errorImpact(groups), { groups: 3, errors: 6, runsAffected: 5, usersAffected: 5, medianTimeToResolve: 3000, reopened: 1 });
});

test('money, compact counts and registry units read as people write them', () => {
  assert.equal(formatUsd(1234.5), '$1,235');
  assert.equal(formatUsd(12.345), '$12.35');
  assert.equal(formatUsd(0.0042), '$0.0042');
  assert.equal(formatUsd(null), '–');
  assert.equal(formatCompact(31_626_000), '31.6M');
  assert.equal(formatSmall(0.0042), '0.0042');
  assert.equal(formatSmall(0), '0');
  assert.equal(formatSmall(12.345), '12.35');
  assert.equal(formatUnit(0.125, 'ratio'), '12.5 %');
  assert.equal(formatUnit(2.5, 'seconds'), '2.5 s');
  assert.equal(formatUnit(2048, 'bytes'), '2.00 KiB');
  assert.equal(formatUnit(3, '1'), '3');
  assert.equal(formatUnit(87.25, 'score'), '87.3');
  assert.equal(formatUnit(null, 'usd'), '–');
});

test('group trends: a line per group named by its message, points in the middle of each bucket; a group\'s frequency drops empty buckets', () => {
  const t = trendSeries({ from: 0, to: 40, bucketMs: 10, groups: [{ fingerprint: 'a', category: 'system', message: 'x'.repeat(50), status: 'new', phases: [], total: 3, counts: [1, 0, 2, 0] }] }, 10);
  assert.deepEqual(t.names, ['xxxxxxxxx…']);
  assert.deepEqual(t.data[0].map((p) => p.x), [5, 15, 25, 35]);
  assert.deepEqual(t.data[0].map((p) => p.y), [1, 0, 2, 0]);
  assert.deepEqual(frequencyPoints({ from: 100, to: 120, bucketMs: 10, counts: [0, 4] }), [{ x: 105, y: null }, { x: 115, y: 4 }]);
});

test('correlations: only what comes with the group above its base rate, strongest first, as percent', () => {
  const c = (dimension: Correlation['dimension'], value: string, groupRate: number, baseRate: number, groupCount = 1): Correlation => ({
    dimension, value, groupCount, groupTotal: 10, groupRate, baseCount: 1, baseTotal: 10, baseRate, lift: baseRate ? groupRate / baseRate : null,
  });
  const bars = correlationBars([c('phase', 'codegen', 0.8, 0.4), c('model', 'gpt-4o', 0.2, 0.4), c('projectType', 'spa', 0.5, 0.1), c('template', 'next', 0.1, 0.05, 0), c('resourcePressure', 'cpu', 1, 0)]);
  assert.deepEqual(bars, { labels: ['project type: spa', 'phase: codegen'], group: [50, 80], base: [10, 40] });
});
