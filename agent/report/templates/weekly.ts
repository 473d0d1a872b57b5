/**
 * Weekly trends: the range (7 days by default) day by day against the week
 * before: outcomes and success rate, run and phase p95, errors by category
 * and the error groups that grew, appeared or came back, and model cost.
 */
import type { ErrorGroup, ErrorTrend, ReportChart, ReportSection, Summary } from '../../api/types';
import { PHASES, type ErrorCategory, type Phase } from '../../ingest/events';
import type { CostRow, OutcomeSeries } from '../data';
import { defineTemplate, previousRange } from '../template';
import { compared, costTotals, DAY, errorGroupTable, figure, outcomeChart, outcomeFigures, per } from './parts';

export interface WeeklyInput {
  summary: Summary;
  previous: Summary;
  x: number[];
  bucketMs: number;
  outcomes: OutcomeSeries;
  runP95: (number | null)[];
  phaseP95: Record<Phase, (number | null)[]>;
  errors: Record<ErrorCategory, number[]>;
  cost: (number | null)[];
  costRows: CostRow[];
  previousCostRows: CostRow[];
  trend: ErrorTrend;
  groups: ErrorGroup[];
}

function line(id: string, title: string, d: WeeklyInput, unit: ReportChart['unit'], series: ReportChart['series']): ReportChart {
  return { type: 'chart', id, title, kind: 'line', axis: 'time', x: d.x, bucketMs: d.bucketMs, unit, series };
}

export const weekly = defineTemplate<WeeklyInput>({
  id: 'weekly',
  title: 'Weekly trends',
  description: 'Day by day against the week before: outcomes, success rate, run and phase p95, errors by category, growing and new error groups, model cost.',
  defaultRangeMs: 7 * DAY,
  fetch(data, range) {
    const { b, ...base } = compared(data, range);
    return {
      ...base,
      outcomes: data.outcomes(b),
      runP95: data.series('run_duration_p95', null, b),
      phaseP95: Object.fromEntries(PHASES.map((p) => [p, data.series('phase_p95', p, b)])) as Record<Phase, (number | null)[]>,
      errors: data.errorsByCategory(b),
      cost: data.costSeries(b),
      costRows: data.cost(range, 'model'),
      previousCostRows: data.cost(previousRange(range), 'model'),
      trend: data.errorTrend(range, b, 5),
      groups: data.errorGroups(range, 500),
    };
  },
  build(d, ctx) {
    const o = d.outcomes;
    const rate = d.x.map((_, i) => {
      const ended = o.success[i] + o.failed[i] + o.partial[i];
      return ended > 0 ? o.success[i] / ended : null;
    });
    const errorsPer = d.x.map((_, i) => Object.values(d.errors).reduce((n, list) => n + (list[i] ?? 0), 0));
    const cost = costTotals(d.costRows);
    const before = costTotals(d.previousCostRows);
    const fresh = d.groups.filter((g) => g.firstSeen >= ctx.from);
    const regressed = d.groups.filter((g) => g.status === 'regressed');
    const bucket = per(d.bucketMs);
    const sections: ReportSection[] = [
      {
        id: 'generations',
        title: 'Generations',
        blocks: [
          outcomeChart('outcomes', `Runs ended ${bucket}`, d.x, d.bucketMs, o),
          line('success_rate', `Success rate ${bucket}`, d, 'ratio', [{ name: 'Success rate', values: rate, tone: 'good' }]),
          {
            type: 'table',
            id: 'days',
            title: `Figures ${bucket}`,
            columns: [
              { key: 'start', label: 'From', unit: 'time' },
              { key: 'started', label: 'Started', unit: 'count' },
              { key: 'success', label: 'Succeeded', unit: 'count' },
              { key: 'failed', label: 'Failed', unit: 'count' },
              { key: 'partial', label: 'Partial', unit: 'count' },
              { key: 'rate', label: 'Success rate', unit: 'ratio' },
              { key: 'p95', label: 'Run p95', unit: 'ms' },
              { key: 'errors', label: 'Errors', unit: 'count' },
              { key: 'cost', label: 'Model cost', unit: 'usd' },
            ],
            rows: d.x.map((x, i) => [x, o.started[i], o.success[i], o.failed[i], o.partial[i], rate[i], d.runP95[i], errorsPer[i], d.cost[i]]),
          },
        ],
      },
      {
        id: 'performance',
        title: 'Performance',
        blocks: [
          line('run_p95', `Run time p95 ${bucket}`, d, 'ms', [{ name: 'Run p95', values: d.runP95 }]),
          line('phase_p95', `Phase time p95 ${bucket}`, d, 'ms', PHASES.map((p) => ({ name: p, values: d.phaseP95[p] }))),
        ],
      },
      {
        id: 'errors',
        title: 'Errors',
        blocks: [
          {
            type: 'chart',
            id: 'errors_by_category',
            title: `Errors ${bucket} by category`,
            kind: 'bar',
            axis: 'time',
            stacked: true,
            x: d.x,
            bucketMs: d.bucketMs,
            unit: 'count',
            series: Object.entries(d.errors).map(([name, values]) => ({ name, values })),
          },
          line(
            'top_groups',
            `Most frequent error groups, ${bucket}`,
            d,
            'count',
            d.trend.groups.map((g) => ({ name: g.message.length > 40 ? `${g.message.slice(0, 39)}…` : g.message, values: g.counts })),
          ),
          errorGroupTable('new_groups', 'New error groups', fresh, 'No new error groups this week.'),
          errorGroupTable('regressed_groups', 'Regressed error groups (resolved, then seen again)', regressed, 'No error group came back.'),
        ],
      },
      {
        id: 'cost',
        title: 'Cost',
        blocks: [{ type: 'chart', id: 'cost', title: `Model cost ${bucket}`, kind: 'bar', axis: 'time', x: d.x, bucketMs: d.bucketMs, unit: 'usd', series: [{ name: 'Model cost', values: d.cost }] }],
      },
    ];
    const figures = [
      ...outcomeFigures(d.summary, d.previous),
      figure('cost', 'Model cost', cost.usd, 'usd', before.usd, 'down'),
      figure('new_groups', 'New error groups', fresh.length, 'count'),
      figure('regressed_groups', 'Regressed error groups', regressed.length, 'count'),
    ];
    return { figures, sections };
  },
});
