/**
 * Errors: the error groups of the range (7 days by default) against the
 * range before: volume by category over time, the most frequent groups and
 * their trend, new and regressed groups, and what each group touched.
 */
import type { ErrorGroup, ErrorTrend, ReportSection, Summary } from '../../api/types';
import type { ErrorCategory } from '../../ingest/events';
import { defineTemplate } from '../template';
import { compared, DAY, errorCount, errorGroupTable, figure, per } from './parts';

export interface ErrorsInput {
  summary: Summary;
  previous: Summary;
  x: number[];
  bucketMs: number;
  byCategory: Record<ErrorCategory, number[]>;
  trend: ErrorTrend;
  groups: ErrorGroup[];
}

export const errors = defineTemplate<ErrorsInput>({
  id: 'errors',
  title: 'Errors',
  description: 'Errors by category over time, the most frequent error groups and their trend, new and regressed groups, runs and users affected.',
  defaultRangeMs: 7 * DAY,
  fetch(data, range) {
    const { b, ...base } = compared(data, range);
    return {
      ...base,
      byCategory: data.errorsByCategory(b),
      trend: data.errorTrend(range, b, 8),
      groups: data.errorGroups(range, 500),
    };
  },
  build(d, ctx) {
    const s = d.summary;
    const groups = [...d.groups].sort((a, b) => b.countInRange - a.countInRange || b.lastSeen - a.lastSeen);
    const fresh = groups.filter((g) => g.firstSeen >= ctx.from);
    const regressed = groups.filter((g) => g.status === 'regressed');
    const count = errorCount(s);
    const bucket = per(d.bucketMs);
    const sections: ReportSection[] = [
      {
        id: 'trend',
        title: 'Trend',
        blocks: [
          {
            type: 'chart',
            id: 'by_category',
            title: `Errors ${bucket} by category`,
            kind: 'bar',
            axis: 'time',
            stacked: true,
            x: d.x,
            bucketMs: d.bucketMs,
            unit: 'count',
            series: Object.entries(d.byCategory).map(([name, values]) => ({ name, values })),
          },
          {
            type: 'chart',
            id: 'top_groups',
            title: `Most frequent error groups, ${bucket}`,
            kind: 'line',
            axis: 'time',
            x: d.x,
            bucketMs: d.bucketMs,
            unit: 'count',
            series: d.trend.groups.map((g) => ({ name: g.message.length > 40 ? `${g.message.slice(0, 39)}…` : g.message, values: g.counts })),
          },
        ],
      },
      {
        id: 'groups',
        title: 'Error groups',
        blocks: [
          errorGroupTable('groups', 'Most frequent error groups', groups.slice(0, 50), 'No errors in this range.'),
          errorGroupTable('new_groups', 'New error groups', fresh, 'No new error groups.'),
          errorGroupTable('regressed_groups', 'Regressed error groups (resolved, then seen again)', regressed, 'No error group came back.'),
        ],
      },
      {
        id: 'breakdown',
        title: 'Breakdown',
        blocks: [
          {
            type: 'table',
            id: 'by_category',
            title: 'By category',
            columns: [
              { key: 'category', label: 'Category', unit: 'text' },
              { key: 'count', label: 'Errors', unit: 'count' },
              { key: 'before', label: 'Range before', unit: 'count' },
            ],
            rows: Object.entries(s.errorsByCategory).map(([c, n]) => [c, n, d.previous.errorsByCategory[c as ErrorCategory] ?? 0]),
          },
          {
            type: 'table',
            id: 'by_severity',
            title: 'By severity',
            columns: [
              { key: 'severity', label: 'Severity', unit: 'text' },
              { key: 'count', label: 'Errors', unit: 'count' },
              { key: 'before', label: 'Range before', unit: 'count' },
            ],
            rows: Object.entries(s.errorsBySeverity).map(([sev, n]) => [sev, n, d.previous.errorsBySeverity[sev as keyof Summary['errorsBySeverity']] ?? 0]),
          },
        ],
      },
    ];
    const figures = [
      figure('errors', 'Errors', count, 'count', errorCount(d.previous), 'down'),
      figure('per_run', 'Errors per run started', s.attempts > 0 ? count / s.attempts : null, 'count', d.previous.attempts > 0 ? errorCount(d.previous) / d.previous.attempts : null, 'down'),
      figure('critical', 'Critical errors', s.errorsBySeverity.critical, 'count', d.previous.errorsBySeverity.critical, 'down'),
      figure('groups', 'Error groups seen', groups.length, 'count'),
      figure('new_groups', 'New error groups', fresh.length, 'count'),
      figure('regressed_groups', 'Regressed error groups', regressed.length, 'count'),
      figure('failure_rate', 'Runs failed', s.failures, 'count', d.previous.failures, 'down'),
    ];
    return { figures, sections };
  },
});
