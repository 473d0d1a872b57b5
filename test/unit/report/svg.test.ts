import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReportChart } from '../../../agent/api/types';
import { niceTicks, renderChartSvg, shortValue } from '../../../agent/report/render/svg';

const H = 3600_000;
const T0 = Date.UTC(2026, 0, 1);

function chart(over: Partial<ReportChart> = {}): ReportChart {
  return { type: 'chart', id: 'c', title: 'Runs', kind: 'line', axis: 'time', x: [T0, T0 + H, T0 + 2 * H, T0 + 3 * H], bucketMs: H, unit: 'count', series: [{ name: 'Runs', values: [1, 3, null, 2] }], ...over };
}

test('ticks are round numbers covering the data', () => {
  assert.deepEqual(niceTicks(0, 9), [0, 2.5, 5, 7.5, 10]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(0, 0), [0, 0.25, 0.5, 0.75, 1], 'a flat zero series still gets an axis');
  assert.deepEqual(niceTicks(-3, 3), [-4, -2, 0, 2, 4]);
});

test('axis labels are short and in the unit', () => {
  assert.equal(shortValue(250, 'ms'), '250 ms');
  assert.equal(shortValue(1500, 'ms'), '1.5 s');
  assert.equal(shortValue(150_000, 'ms'), '2.5 min');
  assert.equal(shortValue(0.25, 'ratio'), '25%');
  assert.equal(shortValue(0.05, 'usd'), '$0.05');
  assert.equal(shortValue(3 * 1024 * 1024, 'bytes'), '3 MiB');
  assert.equal(shortValue(25_000, 'count'), '25k');
});

test('a line breaks at missing values; points carry their value as a tooltip', () => {
  const svg = renderChartSvg(chart());
  const d = /<path d="([^"]+)"/.exec(svg)![1];
  assert.equal((d.match(/M/g) ?? []).length, 2, 'two segments around the null');
  assert.equal((svg.match(/<circle /g) ?? []).length, 3);
  assert.match(svg, /<title>01:00 Runs: 3<\/title>/);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 720 220"[^>]* role="img" aria-label="Runs"/);
});

test('stacked bars sit on each other and reach the sum', () => {
  const svg = renderChartSvg(chart({ kind: 'bar', stacked: true, series: [{ name: 'ok', values: [2, 0, 0, 0], tone: 'good' }, { name: 'failed', values: [2, 0, 0, 0], tone: 'bad' }] }));
  const rects = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="(#[0-9a-f]+)">/g)].map((m) => ({ y: Number(m[1]), h: Number(m[2]), fill: m[3] }));
  assert.equal(rects.length, 2);
  assert.equal(rects[0].fill, '#16a34a');
  assert.equal(rects[1].fill, '#dc2626');
  assert.ok(Math.abs(rects[1].y + rects[1].h - rects[0].y) < 0.2, 'the second bar starts where the first ends');
  assert.ok(Math.abs(rects[0].h - rects[1].h) < 0.2);
  assert.match(svg, /<rect x="60" y="204" width="10" height="10" fill="#16a34a"\/><text x="74" y="213" fill="currentColor">ok<\/text>/, 'a legend for two series');
});

test('hostile names and labels stay text; an empty chart says so', () => {
  const xss = '<script>alert(1)</script>';
  const svg = renderChartSvg(chart({ title: xss, axis: 'category', kind: 'bar', x: [xss, '"><img src=x onerror=alert(1)>'], series: [{ name: xss, values: [1, 2] }, { name: 'b', values: [2, 1] }] }));
  assert.doesNotMatch(svg, /<script|<img|<[^>]*\son[a-z]+=/i);
  assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.match(renderChartSvg(chart({ series: [{ name: 'Runs', values: [null, null, null, null] }] })), /No data in this range/);
});

test('time labels follow the time zone and switch to dates over long ranges', () => {
  const berlin = renderChartSvg(chart(), 'Europe/Berlin');
  assert.match(berlin, />01:00<\/text>/, 'UTC midnight is 01:00 in Berlin in winter');
  const days = chart({ x: Array.from({ length: 7 }, (_, i) => T0 + i * 24 * H), bucketMs: 24 * H, series: [{ name: 'Runs', values: [1, 2, 3, 4, 5, 6, 7] }] });
  assert.match(renderChartSvg(days), />01-03<\/text>/);
});

test('a long legend wraps onto more rows and the plot gives them room', () => {
  const series = Array.from({ length: 5 }, (_, i) => ({ name: `Error group number ${i} with a long message`, values: [1, 2, 3, 4] }));
  const svg = renderChartSvg(chart({ series }));
  const legend = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="10" height="10"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
  assert.equal(legend.length, 5);
  assert.ok(legend.every((e) => e.x + 14 + 32 * 6.2 <= 720), 'every entry inside the width');
  assert.ok(new Set(legend.map((e) => e.y)).size >= 2, 'more than one row');
  const baseline = Number(/<line x1="60" x2="704" y1="([\d.]+)"/.exec(svg)![1]);
  assert.ok(baseline < Math.min(...legend.map((e) => e.y)) - 20, 'the axis labels sit above the legend');
});
