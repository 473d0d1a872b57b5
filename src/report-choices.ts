/**
 * The choices of "Genmon: Generate Report…": ranges, formats, and reading a
 * custom date the user types. Pure, so it is tested without VS Code.
 */
import type { ReportFormat, ReportTemplateInfo } from '../agent/api/types';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface RangeChoice {
  label: string;
  description?: string;
  /** Length of a range ending now; absent for "Custom…". */
  ms?: number;
}

export function describeSpan(ms: number): string {
  if (ms % DAY === 0) return ms === DAY ? '24 hours' : `${ms / DAY} days`;
  return ms % HOUR === 0 ? `${ms / HOUR} hours` : `${Math.round(ms / 60_000)} minutes`;
}

/** Last 24 h, 7 d, 30 d and Custom…, the template's own range first and marked. */
export function rangeChoices(template: Pick<ReportTemplateInfo, 'defaultRangeMs'>): RangeChoice[] {
  const spans = [DAY, 7 * DAY, 30 * DAY];
  const ordered = [template.defaultRangeMs, ...spans.filter((s) => s !== template.defaultRangeMs)];
  return [
    ...ordered.map((ms) => ({ label: `Last ${describeSpan(ms)}`, ms, description: ms === template.defaultRangeMs ? "the template's range" : undefined })),
    { label: 'Custom…', description: 'from and to dates' },
  ];
}

export const FORMAT_CHOICES: { label: string; format: ReportFormat; description: string }[] = [
  { label: 'Markdown', format: 'md', description: 'open in an editor' },
  { label: 'HTML', format: 'html', description: 'one self-contained file with charts; save' },
  { label: 'CSV', format: 'csv', description: 'every table, for a spreadsheet; save' },
  { label: 'JSON', format: 'json', description: 'the report as data; save' },
];

/**
 * A date the user typed, in local time unless it names a zone:
 * `2026-01-02`, `2026-01-02 07:30`, `2026-01-02T07:30Z`, or `now`.
 * Returns the time in epoch ms, or an error message.
 */
export function parseUserTime(text: string, now: number): number | string {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'now') return now;
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(t);
  if (local) {
    const [, y, mo, d, h, mi] = local.map(Number);
    const date = new Date(y, mo - 1, d, Number.isNaN(h) ? 0 : h, Number.isNaN(mi) ? 0 : mi);
    if (date.getMonth() !== mo - 1 || date.getDate() !== d) return `${t} is not a date`;
    return date.getTime();
  }
  const ms = Date.parse(t);
  return Number.isFinite(ms) && /^\d{4}-\d{2}-\d{2}T/.test(t) ? ms : 'use YYYY-MM-DD, YYYY-MM-DD HH:MM, an ISO 8601 time, or now';
}
