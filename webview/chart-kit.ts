/**
 * Chart.js set up for the dashboard: only the pieces it draws are
 * registered, time runs along a linear axis of epoch milliseconds with our
 * own aligned ticks (no date adapter), and colours follow the theme.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Scale,
  type TooltipItem,
} from 'chart.js';
import { valueTicks, type ValueUnit } from './data/ticks';
import { formatTick, formatTimestamp, localOffset, timeTicks } from './data/time';
import type { Palette } from './theme';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

export type Role = 'blue' | 'green' | 'red' | 'yellow' | 'orange' | 'purple';

export interface Series {
  label: string;
  role: Role;
}

export interface Point {
  x: number;
  y: number | null;
}

type AnyChart = Chart<'line' | 'bar', (Point | number | null)[], string>;

/** Series colours in order, for series that come from label values rather than a fixed list. */
export const ROLES: readonly Role[] = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

let currentPalette: Palette | null = null;

/** A chart card: a heading, an optional note, and the canvas tests find by `data-chart`. */
export abstract class ChartCard {
  readonly element: HTMLElement;
  protected readonly chart: AnyChart;
  private readonly note: HTMLElement;

  protected constructor(
    readonly id: string,
    title: string,
    protected series: readonly Series[],
    private readonly kind: 'line' | 'bar',
    build: (canvas: HTMLCanvasElement) => AnyChart,
    /** Marks on a line's points; series added later get them too. */
    private readonly pointRadius?: number,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'card chart-card';
    const heading = document.createElement('h3');
    heading.textContent = title;
    this.note = document.createElement('span');
    this.note.className = 'note';
    heading.append(' ', this.note);
    const body = document.createElement('div');
    body.className = 'chart-body';
    const canvas = document.createElement('canvas');
    canvas.id = `chart-${id}`;
    canvas.dataset.chart = id;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', title);
    body.append(canvas);
    this.element.append(heading, body);
    this.chart = build(canvas);
  }

  setNote(text: string): void {
    this.note.textContent = text;
  }

  /** Data points with a value, over all series: what the tests call "drawn". */
  points(): number {
    let n = 0;
    for (const ds of this.chart.data.datasets) {
      for (const p of ds.data) {
        const y = p !== null && typeof p === 'object' ? p.y : p;
        if (y !== null && Number.isFinite(y)) n++;
      }
    }
    return n;
  }

  /** The sum of every value drawn: tests compare it to see that a filter or a push changed the chart. */
  total(): number {
    let sum = 0;
    for (const ds of this.chart.data.datasets) {
      for (const p of ds.data) {
        const y = p !== null && typeof p === 'object' ? p.y : p;
        if (y !== null && Number.isFinite(y)) sum += y;
      }
    }
    return sum;
  }

  recolor(palette: Palette): void {
    this.paint(palette);
    this.chart.update('none');
  }

  /** Removes every point, e.g. when the panel's query failed. */
  clear(): void {
    for (const ds of this.chart.data.datasets) ds.data = [];
    this.chart.update('none');
  }

  /**
   * Replaces the series when they differ (series from label values come and
   * go with the range and the filters); the data is set next.
   */
  protected useSeries(series: readonly Series[] | undefined): void {
    if (!series || (series.length === this.series.length && series.every((s, i) => s.label === this.series[i].label && s.role === this.series[i].role))) return;
    this.series = series;
    this.chart.data.datasets = series.map((s) => ({ ...dataset(this.kind, s), ...(this.pointRadius ? { pointRadius: this.pointRadius } : {}) }));
    if (currentPalette) this.paint(currentPalette);
  }

  private paint(palette: Palette): void {
    this.chart.data.datasets.forEach((ds, i) => {
      const colour = palette[this.series[i]?.role ?? 'blue'];
      ds.borderColor = colour;
      ds.backgroundColor = colour;
    });
  }
}

/** Global Chart.js defaults from the theme; charts pick them up on their next update. */
export function applyPalette(palette: Palette): void {
  currentPalette = palette;
  Chart.defaults.color = palette.muted;
  Chart.defaults.borderColor = palette.grid;
  Chart.defaults.font.family = palette.fontFamily;
  Chart.defaults.font.size = Math.max(10, palette.fontSize - 1);
  const tooltip = Chart.defaults.plugins.tooltip;
  tooltip.backgroundColor = palette.tooltipBackground;
  tooltip.titleColor = palette.tooltipForeground;
  tooltip.bodyColor = palette.tooltipForeground;
  tooltip.borderColor = palette.tooltipBorder;
  tooltip.borderWidth = 1;
  Chart.defaults.plugins.legend.labels.color = palette.foreground;
}

interface CommonOptions {
  yFormat: (value: number) => string;
  /** What makes a round tick step on the value axis. */
  unit: ValueUnit;
  yMax?: number;
  stacked?: boolean;
}

function commonOptions(o: CommonOptions) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    normalized: true,
    interaction: { mode: 'index' as const, intersect: false },
    plugins: {
      legend: { position: 'bottom' as const, labels: { boxWidth: 10, boxHeight: 10 } },
      tooltip: {
        callbacks: {
          label: (item: TooltipItem<'line' | 'bar'>) => {
            const value = item.chart.options.indexAxis === 'y' ? item.parsed.x : item.parsed.y;
            return `${item.dataset.label ?? ''}: ${value === null ? '–' : o.yFormat(value)}`;
          },
        },
      },
    },
  };
}

/** A value axis from 0 with ticks on round values of its unit, ending on a tick unless `yMax` pins it. */
function yScale(o: CommonOptions) {
  let ticks: number[] = [0];
  const maxTicks = (scale: Scale) => Math.max(2, Math.floor(scale.isHorizontal() ? scale.width / 70 : scale.height / 45));
  return {
    type: 'linear' as const,
    stacked: o.stacked ?? false,
    min: 0,
    max: o.yMax,
    afterDataLimits: (scale: Scale) => {
      const fixed = scale.options.max as number | undefined;
      const t = valueTicks(scale.max, maxTicks(scale), o.unit, fixed);
      ticks = t.values;
      scale.max = t.top;
    },
    afterBuildTicks: (scale: Scale) => {
      scale.ticks = ticks.map((value) => ({ value }));
    },
    ticks: { callback: (value: number | string) => o.yFormat(Number(value)) },
  };
}

function dataset(type: 'line' | 'bar', s: Series): ChartDataset<'line' | 'bar', (Point | number | null)[]> {
  return type === 'line'
    ? ({ type, label: s.label, data: [], borderWidth: 1.5, pointRadius: 0, pointHitRadius: 6, tension: 0, spanGaps: false } as ChartDataset<'line', (Point | number | null)[]>)
    : ({ type, label: s.label, data: [], borderWidth: 0, barPercentage: 0.9, categoryPercentage: 0.9 } as ChartDataset<'bar', (Point | number | null)[]>);
}

/** Series over time: x is epoch ms on a linear axis, ticks on round local times. */
export class TimeChart extends ChartCard {
  constructor(id: string, title: string, type: 'line' | 'bar', series: readonly Series[], o: CommonOptions & { pointRadius?: number }) {
    super(id, title, series, type, (canvas) => {
      let step = 60_000;
      const base = commonOptions(o);
      return new Chart(canvas, {
        type,
        data: { datasets: series.map((s) => ({ ...dataset(type, s), ...(o.pointRadius ? { pointRadius: o.pointRadius } : {}) })) },
        options: {
          ...base,
          parsing: false,
          plugins: {
            ...base.plugins,
            tooltip: {
              callbacks: { ...base.plugins.tooltip.callbacks, title: (items: TooltipItem<'line' | 'bar'>[]) => (items[0] ? formatTimestamp(items[0].parsed.x ?? 0) : '') },
            },
          },
          scales: {
            x: {
              type: 'linear',
              stacked: o.stacked ?? false,
              offset: false,
              grid: { display: false },
              afterBuildTicks: (scale: Scale) => {
                const ticks = timeTicks(scale.min, scale.max, Math.max(2, Math.floor(scale.width / 70)), localOffset(scale.min));
                step = ticks.step;
                scale.ticks = ticks.values.map((value) => ({ value }));
              },
              ticks: { callback: (value: number | string) => formatTick(Number(value), step), maxRotation: 0, autoSkip: false },
            },
            y: yScale(o),
          },
        },
      }) as AnyChart;
    }, o.pointRadius);
  }

  /** `data[i]` belongs to series i; x runs from `min` to `max`. `series` replaces the series named at construction. */
  setData(data: readonly Point[][], min: number, max: number, series?: readonly Series[]): void {
    this.useSeries(series);
    this.chart.data.datasets.forEach((ds, i) => (ds.data = (data[i] ?? []) as Point[]));
    const x = this.chart.options.scales?.x;
    if (x) {
      x.min = min;
      x.max = max;
    }
    this.chart.update('none');
  }

  setYMax(max: number | undefined): void {
    const y = this.chart.options.scales?.y;
    if (y) y.max = max;
  }
}

/** Bars over named categories: phases, histogram bins. */
export class CategoryChart extends ChartCard {
  /** `horizontal` lays the categories down the side (a funnel, a ranking). */
  constructor(id: string, title: string, series: readonly Series[], o: CommonOptions & { xTitle?: string; horizontal?: boolean }) {
    super(id, title, series, 'bar', (canvas) => {
      const base = commonOptions(o);
      // Down the side every category gets its line; along the bottom Chart.js thins crowded labels.
      const categories = { type: 'category' as const, stacked: o.stacked ?? false, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: !o.horizontal }, title: { display: !!o.xTitle, text: o.xTitle ?? '' } };
      return new Chart(canvas, {
        type: 'bar',
        data: { labels: [], datasets: series.map((s) => dataset('bar', s)) },
        options: {
          ...base,
          indexAxis: o.horizontal ? 'y' : 'x',
          interaction: { mode: 'index', intersect: false, axis: o.horizontal ? 'y' : 'x' },
          scales: o.horizontal ? { y: categories, x: yScale(o) } : { x: categories, y: yScale(o) },
        },
      }) as AnyChart;
    });
  }

  setData(labels: string[], data: readonly (number | null)[][], series?: readonly Series[]): void {
    this.useSeries(series);
    // A ranking down the side needs room for a line per category.
    this.element.classList.toggle('tall', this.chart.options.indexAxis === 'y' && labels.length > 6);
    this.chart.data.labels = labels;
    this.chart.data.datasets.forEach((ds, i) => (ds.data = (data[i] ?? []) as (number | null)[]));
    this.chart.update('none');
  }
}
