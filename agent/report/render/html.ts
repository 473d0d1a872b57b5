/**
 * A report as one self-contained HTML file: inline styles and inline SVG
 * charts, no scripts and nothing fetched (the Content-Security-Policy meta
 * tag forbids both, so a string that slipped through escaping still could
 * not run). Follows the reader's light or dark colour scheme.
 */
import type { ReportBlock, ReportDocument, ReportFigure, ReportTable } from '../../api/types';
import { escapeHtml } from '../escape';
import { formatChange, formatTime, formatValue } from '../format';
import { renderChartSvg } from './svg';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root{color-scheme:light dark;--muted:#6b7280;--line:#8884;--card:#8881}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:980px;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}
h3{font-size:1rem;margin:1.4rem 0 .5rem}.range{color:var(--muted);margin-top:0}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.6rem;margin:1rem 0}
.figure{background:var(--card);border-radius:6px;padding:.6rem .8rem}.figure .label{color:var(--muted);font-size:.85rem}
.figure .value{font-size:1.35rem;font-weight:600}.figure .change{font-size:.8rem;color:var(--muted)}
.figure .good{color:#16a34a}.figure .bad{color:#dc2626}
table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.9rem}td,th{border-bottom:1px solid var(--line);padding:.3rem .7rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td{overflow-wrap:anywhere;max-width:32rem}
.chart{margin:.4rem 0 1rem;overflow-x:auto}.chart svg{max-width:100%;height:auto}.empty{color:var(--muted)}
`;

function changeClass(f: ReportFigure): string {
  if (f.value === null || f.previous === null || f.previous === undefined || f.value === f.previous || !f.better) return '';
  const rose = f.value > f.previous;
  return rose === (f.better === 'up') ? 'good' : 'bad';
}

function figures(list: ReportFigure[], zone: string): string {
  const cards = list.map((f) => {
    const change = formatChange(f.value, f.previous, f.unit);
    const before = f.previous === undefined ? '' : `<div class="change ${changeClass(f)}">${escapeHtml(change)} (before: ${escapeHtml(formatValue(f.previous, f.unit, zone))})</div>`;
    return `<div class="figure"><div class="label">${escapeHtml(f.label)}</div><div class="value">${escapeHtml(formatValue(f.value, f.unit, zone))}</div>${before}</div>`;
  });
  return `<div class="figures">${cards.join('')}</div>`;
}

function table(t: ReportTable, zone: string): string {
  const head = `<h3>${escapeHtml(t.title)}</h3>`;
  if (t.rows.length === 0) return `${head}<p class="empty">${escapeHtml(t.empty ?? 'Nothing in this range.')}</p>`;
  const numeric = t.columns.map((c) => c.unit !== 'text' && c.unit !== 'time');
  const th = t.columns.map((c, i) => `<th${numeric[i] ? ' class="n"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${t.columns.map((c, i) => `<td${numeric[i] ? ' class="n"' : ''}>${escapeHtml(formatValue(r[i] ?? null, c.unit, zone))}</td>`).join('')}</tr>`);
  return `${head}<table><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function block(b: ReportBlock, zone: string): string {
  switch (b.type) {
    case 'text':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'figures':
      return figures(b.figures, zone);
    case 'table':
      return table(b, zone);
    case 'chart':
      return `<h3>${escapeHtml(b.title)}</h3><div class="chart">${renderChartSvg(b, zone)}</div>`;
  }
}

export function renderHtml(doc: ReportDocument): string {
  const zone = doc.timezone;
  const range = `${formatTime(doc.from, zone)} to ${formatTime(doc.to, zone)} (${zone}). Generated ${formatTime(doc.generatedAt, zone)}.`;
  const sections = doc.sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.blocks.map((b) => block(b, zone)).join('\n')}</section>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(doc.title)}</h1><p class="range">${escapeHtml(range)}</p>
${doc.figures.length ? figures(doc.figures, zone) : ''}
${sections.join('\n')}
</body></html>
`;
}
