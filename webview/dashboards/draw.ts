/** Chart cards made for metric answers, and how each answer is drawn into them. */
import type { HistogramResult, MetricLabel, MetricQueryResult } from '../../agent/api/types';
import { CategoryChart, ROLES, TimeChart, type Role, type Series } from '../chart-kit';
import { formatCount, formatDuration, formatNumber, formatSmall, formatUsd } from '../data/format';
import { histogramBars, seriesFor, timeSeries, type Scale } from '../data/metrics';
import type { ValueUnit } from '../data/ticks';

/** Colours that mean something: outcomes, severities, categories. Other values take the next free colour. */
const MEANING: Record<string, Role> = {
  success: 'green', 'success rate': 'green', failed: 'red', partial: 'yellow', abandoned: 'orange', running: 'blue',
  critical: 'red', error: 'orange', warning: 'yellow', info: 'blue',
  validation: 'yellow', generation: 'purple', deployment: 'orange', system: 'red',
  '2xx': 'green', '3xx': 'blue', '4xx': 'yellow', '5xx': 'red',
  blueprint: 'blue', codegen: 'purple', deployed: 'green',
  read: 'blue', write: 'orange', rx: 'green', tx: 'blue', input: 'blue', output: 'orange',
};

export function rolesFor(names: readonly string[]): Series[] {
  let next = 0;
  return names.map((label) => ({ label, role: MEANING[label] ?? ROLES[next++ % ROLES.length] }));
}

export interface AxisFormat {
  yFormat: (value: number) => string;
  unit: ValueUnit;
  yMax?: number;
}

export const AXIS = {
  count: { yFormat: (v: number) => formatCount(v), unit: 'count' },
  number: { yFormat: (v: number) => formatNumber(v), unit: 'plain' },
  percent: { yFormat: (v: number) => `${Math.round(v)} %`, unit: 'plain', yMax: 100 },
  /** Percent that may pass 100 (saturation, utilization of several models stacked). */
  percentOpen: { yFormat: (v: number) => `${Math.round(v)} %`, unit: 'plain' },
  duration: { yFormat: (v: number) => formatDuration(v), unit: 'duration' },
  usd: { yFormat: (v: number) => formatUsd(v), unit: 'plain' },
  rate: { yFormat: (v: number) => `${formatSmall(v)}/s`, unit: 'plain' },
} satisfies Record<string, AxisFormat>;

/** `pointRadius` marks each point of a line, so a step standing alone between gaps still shows. */
export function timeChart(id: string, title: string, type: 'line' | 'bar', axis: AxisFormat, stacked = false, pointRadius?: number): TimeChart {
  return new TimeChart(id, title, type, [], { ...axis, stacked, pointRadius });
}

export function barChart(id: string, title: string, axis: AxisFormat, o: { stacked?: boolean; horizontal?: boolean; xTitle?: string } = {}): CategoryChart {
  return new CategoryChart(id, title, [], { ...axis, ...o });
}

/** Draws a `/query` answer: a line or a stack per series. Counters of nothing are gaps, so empty bars are not drawn. */
export function drawSeries(chart: TimeChart, result: MetricQueryResult, scale?: Scale, opts: { order?: readonly string[]; limit?: number; fallback?: string; dropZero?: boolean } = {}): void {
  const shaped = timeSeries(result, scale, opts);
  const data = opts.dropZero ? shaped.data.map((pts) => pts.map((p) => (p.y === 0 ? { x: p.x, y: null } : p))) : shaped.data;
  chart.setData(data, shaped.min, shaped.max, rolesFor(shaped.names));
}

/** Draws one histogram series (by `label` = `value`, or the total) as bars labelled by their lower bound. */
export function drawHistogram(chart: CategoryChart, result: HistogramResult, format: (lower: number) => string, pick?: { label: MetricLabel; value: string }): void {
  const bars = histogramBars(seriesFor(result, pick?.label, pick?.value), format);
  chart.setData(bars.labels, [bars.counts], [{ label: 'count', role: 'purple' }]);
}

export const seconds = (v: number) => formatDuration(v * 1000);
export { DISCRETE as discrete } from '../data/metrics';
