/**
 * Cost: where the model spend of the range (30 days by default) went, by
 * day, model, phase, project type and template; cost per successful run,
 * spend on runs that failed, tokens, and the costliest runs.
 */
import type { ReportColumn, ReportSection, ReportTable, Summary } from '../../api/types';
import { bucketsFor, type CostDimension, type CostRow, type RunCost } from '../data';
import { defineTemplate, previousRange } from '../template';
import { costTotals, DAY, figure, per } from './parts';

export interface CostInput {
  summary: Summary;
  x: number[];
  bucketMs: number;
  series: (number | null)[];
  by: Record<CostDimension, CostRow[]>;
  previous: CostRow[];
  runs: RunCost[];
}

const DIMENSIONS: { by: CostDimension; label: string }[] = [
  { by: 'model', label: 'Model' },
  { by: 'phase', label: 'Phase' },
  { by: 'project_type', label: 'Project type' },
  { by: 'template', label: 'Template' },
];

function breakdown(by: CostDimension, label: string, rows: CostRow[], total: number | null): ReportTable {
  const columns: ReportColumn[] = [
    { key: by, label, unit: 'text' },
    { key: 'usd', label: 'Cost', unit: 'usd' },
    { key: 'share', label: 'Share', unit: 'ratio' },
    { key: 'runs', label: 'Runs', unit: 'count' },
    { key: 'per_success', label: 'Per successful run', unit: 'usd' },
    { key: 'wasted', label: 'On failed runs', unit: 'usd' },
    { key: 'inferences', label: 'Inferences', unit: 'count' },
    { key: 'unpriced', label: 'Unpriced', unit: 'count' },
    { key: 'tokens_in', label: 'Input tokens', unit: 'count' },
    { key: 'tokens_out', label: 'Output tokens', unit: 'count' },
  ];
  return {
    type: 'table',
    id: `by_${by}`,
    title: `By ${label.toLowerCase()}`,
    columns,
    rows: rows.map((r) => [
      r.key,
      r.priced > 0 ? r.usd : null,
      total && r.priced > 0 ? r.usd / total : null,
      r.runs,
      r.successes > 0 && r.priced > 0 ? r.usd / r.successes : null,
      r.priced > 0 ? r.wastedUsd : null,
      r.inferences,
      r.inferences - r.priced,
      r.inputTokens,
      r.outputTokens,
    ]),
    empty: 'No model inferences in this range.',
  };
}

export const cost = defineTemplate<CostInput>({
  id: 'cost',
  title: 'Cost',
  description: 'Model spend by day, model, phase, project type and template; cost per successful run, spend on failed runs, tokens, costliest runs.',
  defaultRangeMs: 30 * DAY,
  fetch(data, range) {
    const b = bucketsFor(range);
    return {
      summary: data.summary(range),
      x: b.x,
      bucketMs: b.bucketMs,
      series: data.costSeries(b),
      by: Object.fromEntries(DIMENSIONS.map(({ by }) => [by, data.cost(range, by)])) as Record<CostDimension, CostRow[]>,
      previous: data.cost(previousRange(range), 'model'),
      runs: data.costliestRuns(range, 10),
    };
  },
  build(d, ctx) {
    const t = costTotals(d.by.model);
    const before = costTotals(d.previous);
    const inferences = d.by.model.reduce((n, r) => n + r.inferences, 0);
    const sections: ReportSection[] = [
      {
        id: 'spend',
        title: 'Spend',
        blocks: [
          {
            type: 'text',
            text:
              'Cost is the model cost the generator logs (cost_usd on model.inference events). Inferences logged without a cost are counted as unpriced, not as free.' +
              (inferences > t.priced ? ` ${inferences - t.priced} of ${inferences} inferences in this range carried no cost.` : ''),
          },
          { type: 'chart', id: 'cost', title: `Model cost ${per(d.bucketMs)}`, kind: 'bar', axis: 'time', x: d.x, bucketMs: d.bucketMs, unit: 'usd', series: [{ name: 'Model cost', values: d.series }] },
          {
            type: 'chart',
            id: 'cost_by_model',
            title: 'Model cost by model',
            kind: 'bar',
            axis: 'category',
            x: d.by.model.slice(0, 12).map((r) => r.key),
            unit: 'usd',
            series: [{ name: 'Model cost', values: d.by.model.slice(0, 12).map((r) => (r.priced > 0 ? r.usd : null)) }],
          },
        ],
      },
      { id: 'breakdowns', title: 'Breakdowns', blocks: DIMENSIONS.map(({ by, label }) => breakdown(by, label, d.by[by], t.usd)) },
      {
        id: 'runs',
        title: 'Costliest runs',
        blocks: [
          {
            type: 'table',
            id: 'costliest_runs',
            title: 'Costliest runs',
            columns: [
              { key: 'run', label: 'Run', unit: 'text' },
              { key: 'status', label: 'Status', unit: 'text' },
              { key: 'template', label: 'Template', unit: 'text' },
              { key: 'started', label: 'Started', unit: 'time' },
              { key: 'inferences', label: 'Inferences', unit: 'count' },
              { key: 'usd', label: 'Cost', unit: 'usd' },
            ],
            rows: d.runs.map((r) => [r.runId, r.status, r.template, r.startedAt, r.inferences, r.usd]),
            empty: 'No priced inferences in this range.',
          },
        ],
      },
    ];
    const successes = d.summary.successes;
    const figures = [
      figure('cost', 'Model cost', t.usd, 'usd', before.usd, 'down'),
      figure('per_success', 'Per successful run', t.usd !== null && successes > 0 ? t.usd / successes : null, 'usd', undefined, 'down'),
      figure('wasted', 'On failed runs', t.usd === null ? null : t.wastedUsd, 'usd', undefined, 'down'),
      figure('wasted_share', 'Share on failed runs', t.usd ? t.wastedUsd / t.usd : null, 'ratio', undefined, 'down'),
      figure('tokens_in', 'Input tokens', t.inputTokens, 'count'),
      figure('tokens_out', 'Output tokens', t.outputTokens, 'count'),
      figure('runs', 'Runs started', d.summary.attempts, 'count'),
      figure('successes', 'Successful runs', successes, 'count'),
    ];
    return { figures, sections };
  },
});
