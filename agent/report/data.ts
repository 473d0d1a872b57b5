/**
 * The one way templates reach data. A template's `fetch` asks this module
 * for the figures it needs; its `build` then works on what came back alone
 * (pure, so it is unit-tested with hand-made data).
 *
 * Today every answer comes from the store's own queries. The metric
 * registry (CONTRACT.md: `/stat`, `/query`, `/cost`) is meant to replace the
 * implementations here, one function at a time, without templates changing:
 * each function names the registry figure it will be answered by.
 */
import type { ErrorGroup, ErrorTrend, IncidentDetail, Summary, TopError } from '../api/types';
import { incidentDetail } from '../alerts/incident-detail';
import { AlertingQueries } from '../store/alerting-queries';
import { costSeries } from '../store/cost';
import { errorTrend } from '../store/error-patterns';
import { figureSeries, type SeriesMetric } from '../store/figure-series';
import type { Queries } from '../store/queries';
import { costBy, costliestRuns, errorSeries, incidentIdsIn, outcomeSeries, type Buckets, type CostDimension, type CostRow, type OutcomeSeries, type RunCost } from '../store/report-queries';
import type { Statements } from '../store/statements';
import type { ErrorCategory, Phase } from '../ingest/events';

export interface ReportRange {
  from: number;
  to: number;
}

export type { Buckets, CostDimension, CostRow, OutcomeSeries, RunCost };

export interface ReportData {
  /** Outcomes, phase percentiles, errors by category and severity, resource peaks. Registry: `/stat` over genmon_generation_*, genmon_phase_duration_seconds, genmon_errors_total. */
  summary(range: ReportRange): Summary;
  topErrors(range: ReportRange, limit: number): TopError[];
  /** Error groups with errors in the range (counts in range), most recent first. */
  errorGroups(range: ReportRange, limit: number): ErrorGroup[];
  errorTrend(range: ReportRange, b: Buckets, limit: number): ErrorTrend;
  /** Runs started and ended by outcome per bucket. Registry: `/query` genmon_generation_attempts_total, genmon_generation_runs_total by status. */
  outcomes(b: Buckets): OutcomeSeries;
  /** Errors per bucket by category. Registry: `/query` genmon_errors_total by category. */
  errorsByCategory(b: Buckets): Record<ErrorCategory, number[]>;
  /** p95 of run or phase durations, failure rate, CPU or memory per bucket. Registry: `/query` with agg p95/avg. */
  series(metric: Exclude<SeriesMetric, 'cost_per_hour'>, phase: Phase | null, b: Buckets): (number | null)[];
  /** Model cost per bucket (null: no priced inference). Registry: `/cost?by=day` (and other steps). */
  costSeries(b: Buckets): (number | null)[];
  /** Model cost grouped. Registry: `/cost?by=model|phase|project_type|template`, which adds compute, storage and API cost. */
  cost(range: ReportRange, by: CostDimension): CostRow[];
  costliestRuns(range: ReportRange, limit: number): RunCost[];
  /** Incidents open at some time in the range, newest first, with timeline and impact. */
  incidents(range: ReportRange, limit: number): IncidentDetail[];
}

export function storeReportData(st: Statements, queries: Queries, now: () => number): ReportData {
  const alerting = new AlertingQueries(st);
  return {
    summary: (range) => queries.summary(range),
    topErrors: (range, limit) => queries.topErrors({ ...range, limit }),
    errorGroups: (range, limit) => queries.errorGroups({ ...range, limit }),
    errorTrend: (range, b, limit) => errorTrend(st, range.from, range.to, b.buckets, limit),
    outcomes: (b) => outcomeSeries(st, b),
    errorsByCategory: (b) => errorSeries(st, b),
    series: (metric, phase, b) => figureSeries(st, metric, phase, b.from, b.bucketMs, b.buckets).values,
    costSeries: (b) => costSeries(st, b.from, b.bucketMs, b.buckets),
    cost: (range, by) => costBy(st, range, by),
    costliestRuns: (range, limit) => costliestRuns(st, range, limit),
    incidents: (range, limit) =>
      incidentIdsIn(st, range, limit)
        .map((id) => incidentDetail(st, alerting, id, now()))
        .filter((d): d is IncidentDetail => d !== null),
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Equal buckets over the range, sized for a chart of a few dozen bars or points. */
export function bucketsFor(range: ReportRange, bucketMs?: number): Buckets & { x: number[] } {
  const span = Math.max(1, range.to - range.from);
  const size = bucketMs ?? (span <= 6 * HOUR ? 15 * MINUTE : span <= 2 * DAY ? HOUR : span <= 62 * DAY ? DAY : 7 * DAY);
  const buckets = Math.max(1, Math.min(500, Math.ceil(span / size)));
  return { from: range.from, bucketMs: size, buckets, x: Array.from({ length: buckets }, (_, i) => range.from + i * size) };
}
