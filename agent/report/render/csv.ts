/**
 * A report as a sectioned CSV: the headline figures, then every table and
 * chart of the report as its own block (a title row, a header row, the
 * rows, a blank line). Values are raw numbers in the unit named in the
 * header (ms, usd, ratio 0..1) and times are ISO 8601, so a spreadsheet can
 * compute with them; text cells are quoted and formula-neutralised.
 */
import type { ReportCell, ReportChart, ReportColumn, ReportDocument, ReportUnit } from '../../api/types';
import { csvCell } from '../escape';

function header(label: string, unit: ReportUnit): string {
  return unit === 'text' || unit === 'count' || unit === 'time' ? label : `${label} (${unit})`;
}

function cell(value: ReportCell, unit: ReportUnit): string {
  if (typeof value === 'number' && unit === 'time') return new Date(value).toISOString();
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  return csvCell(value);
}

function block(title: string, columns: ReportColumn[], rows: ReportCell[][]): string[] {
  return [
    csvCell(title),
    columns.map((c) => csvCell(header(c.label, c.unit))).join(','),
    ...rows.map((r) => columns.map((c, i) => cell(r[i] ?? null, c.unit)).join(',')),
    '',
  ];
}

const FIGURE_COLUMNS: ReportColumn[] = ['figure', 'value', 'unit', 'previous'].map((key) => ({ key, label: key, unit: 'text' }));

function chartTable(c: ReportChart): { columns: ReportColumn[]; rows: ReportCell[][] } {
  const columns: ReportColumn[] = [
    { key: 'x', label: c.axis === 'time' ? 'bucket_start' : 'name', unit: c.axis === 'time' ? 'time' : 'text' },
    ...c.series.map((s) => ({ key: s.name, label: s.name, unit: c.unit })),
  ];
  return { columns, rows: c.x.map((x, i) => [x, ...c.series.map((s) => s.values[i] ?? null)]) };
}

export function renderCsv(doc: ReportDocument): string {
  const lines: string[] = [];
  lines.push(
    ...block(
      `${doc.title}: ${new Date(doc.from).toISOString()} to ${new Date(doc.to).toISOString()}`,
      FIGURE_COLUMNS,
      doc.figures.map((f) => [f.label, f.unit === 'time' && f.value !== null ? new Date(f.value).toISOString() : f.value, f.unit, f.previous ?? null]),
    ),
  );
  for (const section of doc.sections) {
    for (const b of section.blocks) {
      if (b.type === 'table') lines.push(...block(`${section.title}: ${b.title}`, b.columns, b.rows));
      else if (b.type === 'chart') {
        const t = chartTable(b);
        lines.push(...block(`${section.title}: ${b.title}`, t.columns, t.rows));
      } else if (b.type === 'figures') {
        lines.push(...block(section.title, FIGURE_COLUMNS.slice(0, 3), b.figures.map((f) => [f.label, f.value, f.unit])));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
