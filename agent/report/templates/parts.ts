/** Building blocks several templates share: outcome figures and charts, phase, error and incident tables. */
import type { ErrorGroup, IncidentDetail, ReportCell, ReportChart, ReportFigure, ReportTable, Summary, TopError } from '../../api/types';
import { PHASES } from '../../ingest/events';
import { bucketsFor, type Buckets, type CostRow, type OutcomeSeries, type ReportData, type ReportRange } from '../data';
import { previousRange } from '../template';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** `per hour`, `per day`, `per 15 min`: how a chart's bucket reads in its title. */
export function per(bucketMs: number): string {
  if (bucketMs === HOUR) return 'per hour';
  if (bucketMs === DAY) return 'per day';
  if (bucketMs === 7 * DAY) return 'per week';
  return bucketMs < HOUR ? `per ${Math.round(bucketMs / 60_000)} min` : `per ${Math.round(bucketMs / HOUR)} h`;
}

/** The range's summary and the one before, and the buckets of its charts: what most templates start from. */
export function compared(data: ReportData, range: ReportRange): { summary: Summary; previous: Summary; b: Buckets & { x: number[] }; x: number[]; bucketMs: number } {
  const b = bucketsFor(range);
  return { summary: data.summary(range), previous: data.summary(previousRange(range)), b, x: b.x, bucketMs: b.bucketMs };
}

export function figure(id: string, label: string, value: number | null, unit: ReportFigure['unit'], previous?: number | null, better?: 'up' | 'down'): ReportFigure {
  const f: ReportFigure = { id, label, value, unit };
  if (previous !== undefined) f.previous = previous;
  if (better) f.better = better;
  return f;
}

export function errorCount(s: Summary): number {
  return Object.values(s.errorsByCategory).reduce((a, b) => a + b, 0);
}

/** Runs, success rate, failures, p95 run time and errors, each against the range before when given. */
export function outcomeFigures(s: Summary, before?: Summary): ReportFigure[] {
  return [
    figure('runs', 'Runs started', s.attempts, 'count', before?.attempts),
    figure('success_rate', 'Success rate', s.successRate, 'ratio', before ? before.successRate : undefined, 'up'),
    figure('failures', 'Failed runs', s.failures, 'count', before?.failures, 'down'),
    figure('run_p95', 'Run time p95', s.total.p95, 'ms', before ? before.total.p95 : undefined, 'down'),
    figure('errors', 'Errors', errorCount(s), 'count', before ? errorCount(before) : undefined, 'down'),
  ];
}

export function costTotals(rows: CostRow[]): { usd: number | null; priced: number; inputTokens: number; outputTokens: number; wastedUsd: number } {
  const priced = rows.reduce((n, r) => n + r.priced, 0);
  return {
    usd: priced > 0 ? rows.reduce((n, r) => n + r.usd, 0) : null,
    priced,
    inputTokens: rows.reduce((n, r) => n + r.inputTokens, 0),
    outputTokens: rows.reduce((n, r) => n + r.outputTokens, 0),
    wastedUsd: rows.reduce((n, r) => n + r.wastedUsd, 0),
  };
}

export function outcomeChart(id: string, title: string, x: number[], bucketMs: number, o: OutcomeSeries): ReportChart {
  return {
    type: 'chart',
    id,
    title,
    kind: 'bar',
    axis: 'time',
    x,
    bucketMs,
    unit: 'count',
    stacked: true,
    series: [
      { name: 'Succeeded', values: o.success, tone: 'good' },
      { name: 'Partial', values: o.partial, tone: 'warn' },
      { name: 'Failed', values: o.failed, tone: 'bad' },
    ],
  };
}

export function phaseTable(s: Summary): ReportTable {
  const rows: ReportCell[][] = PHASES.map((p) => {
    const x = s.phases[p];
    return [p, x.count, x.p50, x.p95, x.p99, x.max, x.ok, x.failed, x.skipped];
  });
  rows.push(['total run', s.total.count, s.total.p50, s.total.p95, s.total.p99, s.total.max, null, null, null]);
  return {
    type: 'table',
    id: 'phases',
    title: 'Phase durations',
    columns: [
      { key: 'phase', label: 'Phase', unit: 'text' },
      { key: 'count', label: 'Count', unit: 'count' },
      { key: 'p50', label: 'p50', unit: 'ms' },
      { key: 'p95', label: 'p95', unit: 'ms' },
      { key: 'p99', label: 'p99', unit: 'ms' },
      { key: 'max', label: 'Max', unit: 'ms' },
      { key: 'ok', label: 'OK', unit: 'count' },
      { key: 'failed', label: 'Failed', unit: 'count' },
      { key: 'skipped', label: 'Skipped', unit: 'count' },
    ],
    rows,
  };
}

export function topErrorsTable(top: TopError[]): ReportTable {
  return {
    type: 'table',
    id: 'top_errors',
    title: 'Top errors',
    columns: [
      { key: 'count', label: 'Count', unit: 'count' },
      { key: 'category', label: 'Category', unit: 'text' },
      { key: 'severity', label: 'Severity', unit: 'text' },
      { key: 'message', label: 'Message', unit: 'text' },
      { key: 'last_seen', label: 'Last seen', unit: 'time' },
      { key: 'last_run', label: 'Last run', unit: 'text' },
    ],
    rows: top.map((e) => [e.count, e.category, e.severity, e.message, e.lastSeen, e.lastRunId]),
    empty: 'No errors in this range.',
  };
}

export function errorGroupTable(id: string, title: string, groups: ErrorGroup[], empty: string): ReportTable {
  return {
    type: 'table',
    id,
    title,
    columns: [
      { key: 'message', label: 'Message', unit: 'text' },
      { key: 'category', label: 'Category', unit: 'text' },
      { key: 'severity', label: 'Severity', unit: 'text' },
      { key: 'status', label: 'Status', unit: 'text' },
      { key: 'count', label: 'In range', unit: 'count' },
      { key: 'runs', label: 'Runs', unit: 'count' },
      { key: 'users', label: 'Users', unit: 'count' },
      { key: 'first_seen', label: 'First seen', unit: 'time' },
      { key: 'last_seen', label: 'Last seen', unit: 'time' },
      { key: 'phases', label: 'Phases', unit: 'text' },
    ],
    rows: groups.map((g) => [g.message, g.category, g.severity, g.status, g.countInRange, g.runsAffected, g.usersAffected, g.firstSeen, g.lastSeen, g.phases.join(', ')]),
    empty,
  };
}

export function incidentTable(incidents: IncidentDetail[], now: number): ReportTable {
  return {
    type: 'table',
    id: 'incidents',
    title: 'Incidents',
    columns: [
      { key: 'id', label: '#', unit: 'count' },
      { key: 'title', label: 'Title', unit: 'text' },
      { key: 'severity', label: 'Severity', unit: 'text' },
      { key: 'status', label: 'Status', unit: 'text' },
      { key: 'opened', label: 'Opened', unit: 'time' },
      { key: 'ack', label: 'Acknowledged after', unit: 'ms' },
      { key: 'duration', label: 'Lasted', unit: 'ms' },
      { key: 'runs_failed', label: 'Runs failed', unit: 'count' },
      { key: 'wasted', label: 'Cost wasted', unit: 'usd' },
    ],
    rows: incidents.map(({ incident: i, impact }) => [
      i.id,
      i.title,
      i.severity,
      i.status,
      i.openedAt,
      i.acknowledgedAt === null ? null : i.acknowledgedAt - i.openedAt,
      (i.resolvedAt ?? now) - i.openedAt,
      impact.runsFailed,
      impact.costWastedUsd,
    ]),
    empty: 'No incidents in this range.',
  };
}
