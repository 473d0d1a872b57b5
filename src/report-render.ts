/**
 * Report exports other than the agent's Markdown: HTML (every string from a
 * log escaped) and CSV (quoted, and cells that a spreadsheet would run as a
 * formula neutralised). Pure: API data in, text out.
 */
import type { Summary, TopError } from '../agent/api/types';
import { PHASES } from '../agent/ingest/events';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One CSV cell: quoted when needed; a leading = + - @ (or tab/CR) gets a ' so spreadsheets show it as text. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const ms = (v: number | null) => (v === null ? '' : Math.round(v));

export function reportCsv(s: Summary, top: TopError[]): string {
  const rows: (string | number | null)[][] = [
    ['section', 'name', 'count', 'value', 'p50_ms', 'p95_ms', 'p99_ms'],
    ['generations', 'attempts', s.attempts, null, null, null, null],
    ['generations', 'successes', s.successes, null, null, null, null],
    ['generations', 'failures', s.failures, null, null, null, null],
    ['generations', 'partials', s.partials, null, null, null, null],
    ['generations', 'success_rate', null, s.successRate, null, null, null],
    ...PHASES.map((p) => ['phase', p, s.phases[p].count, null, ms(s.phases[p].p50), ms(s.phases[p].p95), ms(s.phases[p].p99)]),
    ...top.map((e) => ['error', `${e.category}/${e.severity}: ${e.message}`, e.count, null, null, null, null]),
  ];
  return `${rows.map((r) => r.map((c) => csvCell(c === '' ? null : c)).join(',')).join('\r\n')}\r\n`;
}

export function reportHtml(s: Summary, top: TopError[]): string {
  const rate = s.successRate === null ? '–' : `${(s.successRate * 100).toFixed(1)}%`;
  const row = (cells: (string | number)[]) => `<tr>${cells.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Genmon report</title><style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #8886;padding:.3rem .6rem;text-align:left}</style></head>
<body><h1>Genmon report</h1><p>${escapeHtml(new Date(s.from).toISOString())} to ${escapeHtml(new Date(s.to).toISOString())}</p>
<h2>Generations</h2><table><tr><th>Success rate</th><th>Attempts</th><th>Successes</th><th>Failures</th><th>Partial</th></tr>${row([rate, s.attempts, s.successes, s.failures, s.partials])}</table>
<h2>Phase durations (ms)</h2><table><tr><th>Phase</th><th>Count</th><th>p50</th><th>p95</th><th>p99</th></tr>${PHASES.map((p) => row([p, s.phases[p].count, ms(s.phases[p].p50), ms(s.phases[p].p95), ms(s.phases[p].p99)])).join('')}</table>
<h2>Top errors</h2><table><tr><th>Count</th><th>Category</th><th>Severity</th><th>Message</th></tr>${top.map((e) => row([e.count, e.category, e.severity, e.message])).join('')}</table>
</body></html>
`;
}
