/**
 * Charts of a report as static inline SVG: line and (grouped or stacked)
 * bar charts over a time or a category axis, with a y axis, grid, and a
 * legend when there is more than one series.
 *
 * Written here rather than taken from a library. Evaluated: ECharts renders
 * SVG on the server without a DOM (`ssr: true`) and escapes its text, but
 * its tree-shaken line + bar build adds about 0.5 MB minified to the agent,
 * which runs all day, and took about 0.2 s for its first chart; Vega is
 * larger still. Reports need three plain chart shapes, and owning the
 * output keeps every string escaped in one place (`escapeHtml`) and the SVG
 * free of scripts, event attributes and external references.
 */
import type { ReportChart, ReportSeries, ReportUnit } from '../../api/types';
import { escapeHtml } from '../escape';
import { formatTime, scaleBytes } from '../format';

const W = 720;
const H = 220;
const M = { left: 60, right: 16, top: 12, bottom: 30 };
const LEGEND_ROW = 18;
const PALETTE = ['#3b82f6', '#f59e0b', '#8b5cf6', '#14b8a6', '#ec4899', '#64748b', '#84cc16', '#0ea5e9'];
const TONES = { good: '#16a34a', bad: '#dc2626', warn: '#d97706' } as const;

/** A compact axis label: `250 ms`, `1.5 s`, `2.4 min`, `12%`, `$0.05`, `3.1 MiB`. */
export function shortValue(v: number, unit: ReportUnit): string {
  const trim = (x: number, d: number) => String(Number(x.toFixed(d)));
  switch (unit) {
    case 'ms':
      if (Math.abs(v) < 1000) return `${trim(v, 0)} ms`;
      if (Math.abs(v) < 60_000) return `${trim(v / 1000, 1)} s`;
      if (Math.abs(v) < 3600_000) return `${trim(v / 60_000, 1)} min`;
      return `${trim(v / 3600_000, 1)} h`;
    case 'ratio':
      return `${trim(v * 100, 1)}%`;
    case 'percent':
      return `${trim(v, 1)}%`;
    case 'usd':
      return `$${trim(v, Math.abs(v) >= 10 || v === 0 ? 0 : Math.abs(v) >= 1 ? 1 : 3)}`;
    case 'bytes':
    case 'bytes/s': {
      const scaled = scaleBytes(v);
      return `${trim(scaled.value, 1)} ${scaled.unit}${unit === 'bytes/s' ? '/s' : ''}`;
    }
    default:
      if (Math.abs(v) >= 10_000) return `${trim(v / 1000, 1)}k`;
      return trim(v, 2);
  }
}

/** Round steps (1, 2, 5 times a power of ten) covering 0..max in about four ticks. */
export function niceTicks(min: number, max: number): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let t = start; t < max + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function colour(series: ReportSeries, i: number): string {
  return series.tone ? TONES[series.tone] : PALETTE[i % PALETTE.length];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

function xLabel(chart: ReportChart, i: number, zone: string): string {
  const x = chart.x[i];
  if (chart.axis === 'category' || typeof x === 'string') return String(x);
  const span = (chart.x[chart.x.length - 1] as number) - (chart.x[0] as number) + (chart.bucketMs ?? 0);
  return span >= 2 * 86_400_000 ? formatTime(x, zone, 'date').slice(5) : formatTime(x, zone, 'time');
}

/** Legend entries placed left to right, wrapping onto more rows when the width runs out. */
function legendLayout(series: ReportSeries[]): { index: number; name: string; x: number; row: number }[] {
  const out: { index: number; name: string; x: number; row: number }[] = [];
  let x = M.left;
  let row = 0;
  series.forEach((s, index) => {
    const name = clip(s.name, 32);
    const width = 28 + name.length * 6.2;
    if (x > M.left && x + width > W - M.right) {
      x = M.left;
      row++;
    }
    out.push({ index, name, x, row });
    x += width;
  });
  return out;
}

/** The chart as an `<svg>` element, every string escaped; `zone` is the time zone of time labels. */
export function renderChartSvg(chart: ReportChart, zone = 'UTC'): string {
  const n = chart.x.length;
  const entries = chart.series.length > 1 ? legendLayout(chart.series) : [];
  const legend = entries.length ? (entries[entries.length - 1].row + 1) * LEGEND_ROW + 2 : 0;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom - legend;
  const title = escapeHtml(chart.title);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${title}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>${title}</title>`,
  ];
  const stackedTotals = chart.x.map((_, i) => chart.series.reduce((sum, s) => sum + Math.max(0, s.values[i] ?? 0), 0));
  const all = chart.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  if (n === 0 || all.length === 0) {
    out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="currentColor" opacity="0.7">No data in this range</text></svg>`);
    return out.join('');
  }
  const top = chart.stacked && chart.kind === 'bar' ? Math.max(...stackedTotals) : Math.max(...all);
  const ticks = niceTicks(Math.min(0, ...all), top);
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  const y = (v: number) => M.top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const band = plotW / n;
  const cx = (i: number) => M.left + band * (i + 0.5);
  const f = (v: number) => v.toFixed(1);

  for (const t of ticks) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="currentColor" stroke-opacity="${t === lo ? 0.5 : 0.12}"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(y(t) + 3.5)}" text-anchor="end" fill="currentColor" opacity="0.75">${escapeHtml(shortValue(t, chart.unit))}</text>`);
  }
  const labelEvery = chart.axis === 'category' ? 1 : Math.max(1, Math.ceil(n / 6));
  const maxChars = Math.max(3, Math.floor((band * labelEvery) / 6.2));
  for (let i = 0; i < n; i += labelEvery) {
    out.push(`<text x="${f(cx(i))}" y="${H - legend - 12}" text-anchor="middle" fill="currentColor" opacity="0.75">${escapeHtml(clip(xLabel(chart, i, zone), maxChars))}</text>`);
  }

  if (chart.kind === 'bar') {
    const groups = chart.stacked ? 1 : chart.series.length;
    const inner = band * 0.8;
    const barW = inner / groups;
    const base = new Array<number>(n).fill(0);
    chart.series.forEach((s, si) => {
      const fill = colour(s, si);
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v) || v === 0) return;
        const x0 = cx(i) - inner / 2 + (chart.stacked ? 0 : si * barW);
        const from = chart.stacked ? base[i] : 0;
        const to = from + v;
        if (chart.stacked) base[i] = to;
        const yTop = Math.min(y(from), y(to));
        const h = Math.max(0.5, Math.abs(y(from) - y(to)));
        out.push(`<rect x="${f(x0)}" y="${f(yTop)}" width="${f(Math.max(0.5, barW - 1))}" height="${f(h)}" fill="${fill}"><title>${escapeHtml(`${xLabel(chart, i, zone)} ${s.name}: ${shortValue(v, chart.unit)}`)}</title></rect>`);
      });
    });
  } else {
    chart.series.forEach((s, si) => {
      const stroke = colour(s, si);
      let d = '';
      let pen = false;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${f(cx(i))} ${f(y(v))}`;
        pen = true;
      });
      out.push(`<path d="${d}" fill="none" stroke="${stroke}" stroke-width="2" stroke-linejoin="round"/>`);
      if (n <= 48) {
        s.values.forEach((v, i) => {
          if (v === null || !Number.isFinite(v)) return;
          out.push(`<circle cx="${f(cx(i))}" cy="${f(y(v))}" r="2.5" fill="${stroke}"><title>${escapeHtml(`${xLabel(chart, i, zone)} ${s.name}: ${shortValue(v, chart.unit)}`)}</title></circle>`);
        });
      }
    });
  }

  for (const e of entries) {
    const y0 = H - legend + 4 + e.row * LEGEND_ROW;
    out.push(`<rect x="${e.x}" y="${y0}" width="10" height="10" fill="${colour(chart.series[e.index], e.index)}"/>`);
    out.push(`<text x="${e.x + 14}" y="${y0 + 9}" fill="currentColor">${escapeHtml(e.name)}</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
