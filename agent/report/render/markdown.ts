/**
 * A report as Markdown (GitHub-flavoured tables). Charts become a sparkline
 * per series with its range and total, or a small table for a category
 * axis, so the file reads well in an editor and in a chat message alike.
 * Every string is escaped: a log message cannot add links, HTML or rows.
 */
import type { ReportChart, ReportDocument, ReportFigure, ReportTable } from '../../api/types';
import { escapeMarkdown } from '../escape';
import { formatChange, formatTime, formatValue } from '../format';

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly (number | null)[]): string {
  const seen = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (seen.length === 0) return '';
  const lo = Math.min(...seen);
  const hi = Math.max(...seen);
  return values
    .map((v) => (v === null || !Number.isFinite(v) ? ' ' : BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]))
    .join('');
}

function figuresTable(figures: ReportFigure[], zone: string): string[] {
  const compare = figures.some((f) => f.previous !== undefined);
  const lines = compare ? ['| Figure | Value | Before | Change |', '| --- | ---: | ---: | ---: |'] : ['| Figure | Value |', '| --- | ---: |'];
  for (const f of figures) {
    const cells = [escapeMarkdown(f.label), escapeMarkdown(formatValue(f.value, f.unit, zone))];
    if (compare) cells.push(f.previous === undefined ? '' : escapeMarkdown(formatValue(f.previous, f.unit, zone)), escapeMarkdown(formatChange(f.value, f.previous, f.unit)));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function table(t: ReportTable, zone: string): string[] {
  const lines = [`**${escapeMarkdown(t.title)}**`, ''];
  if (t.rows.length === 0) return [...lines, escapeMarkdown(t.empty ?? 'Nothing in this range.', 500)];
  lines.push(`| ${t.columns.map((c) => escapeMarkdown(c.label)).join(' | ')} |`);
  lines.push(`| ${t.columns.map((c) => (c.unit === 'text' || c.unit === 'time' ? '---' : '---:')).join(' | ')} |`);
  for (const row of t.rows) lines.push(`| ${t.columns.map((c, i) => escapeMarkdown(formatValue(row[i] ?? null, c.unit, zone))).join(' | ')} |`);
  return lines;
}

function chart(c: ReportChart, zone: string): string[] {
  const lines = [`**${escapeMarkdown(c.title)}**`, ''];
  if (c.axis === 'category') {
    const columns = [{ key: 'x', label: 'Name', unit: 'text' as const }, ...c.series.map((s) => ({ key: s.name, label: s.name, unit: c.unit }))];
    const rows = c.x.map((x, i) => [String(x), ...c.series.map((s) => s.values[i] ?? null)]);
    return [...lines, ...table({ type: 'table', id: c.id, title: '', columns, rows }, zone).slice(2)];
  }
  const first = c.x[0] as number | undefined;
  const last = c.x[c.x.length - 1] as number | undefined;
  if (first !== undefined && last !== undefined) lines.push(`${escapeMarkdown(formatTime(first, zone))} to ${escapeMarkdown(formatTime(last + (c.bucketMs ?? 0), zone))}`, '');
  lines.push('| Series | Trend | Min | Max | Total |', '| --- | --- | ---: | ---: | ---: |');
  for (const s of c.series) {
    const seen = s.values.filter((v): v is number => v !== null && Number.isFinite(v));
    const sum = ['count', 'usd'].includes(c.unit) && seen.length ? formatValue(seen.reduce((a, b) => a + b, 0), c.unit, zone) : '';
    const min = seen.length ? formatValue(Math.min(...seen), c.unit, zone) : '–';
    const max = seen.length ? formatValue(Math.max(...seen), c.unit, zone) : '–';
    lines.push(`| ${escapeMarkdown(s.name)} | ${seen.length ? `\`${sparkline(s.values)}\`` : '–'} | ${escapeMarkdown(min)} | ${escapeMarkdown(max)} | ${escapeMarkdown(sum)} |`);
  }
  return lines;
}

export function renderMarkdown(doc: ReportDocument): string {
  const zone = doc.timezone;
  const out: string[] = [`# ${escapeMarkdown(doc.title, 200)}`, ''];
  out.push(`${escapeMarkdown(formatTime(doc.from, zone))} to ${escapeMarkdown(formatTime(doc.to, zone))} (${escapeMarkdown(zone)}). Generated ${escapeMarkdown(formatTime(doc.generatedAt, zone))}.`, '');
  if (doc.figures.length > 0) out.push(...figuresTable(doc.figures, zone), '');
  for (const section of doc.sections) {
    out.push(`## ${escapeMarkdown(section.title, 200)}`, '');
    for (const block of section.blocks) {
      if (block.type === 'text') out.push(escapeMarkdown(block.text, 2000));
      else if (block.type === 'figures') out.push(...figuresTable(block.figures, zone));
      else if (block.type === 'table') out.push(...table(block, zone));
      else out.push(...chart(block, zone));
      out.push('');
    }
  }
  return out.join('\n');
}
