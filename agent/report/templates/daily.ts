/**
 * Daily summary: what happened in the range (24 h by default) against the
 * range before: outcomes per hour, phase timings, top and new errors,
 * incidents, model cost and the machine's peaks. The default template, and
 * a superset of the first `/report`.
 */
import type { ErrorGroup, IncidentDetail, ReportSection, Summary, TopError } from '../../api/types';
import type { CostRow, OutcomeSeries } from '../data';
import { defineTemplate, previousRange } from '../template';
import { compared, costTotals, DAY, errorGroupTable, figure, incidentTable, outcomeChart, outcomeFigures, per, phaseTable, topErrorsTable } from './parts';

export interface DailyInput {
  summary: Summary;
  previous: Summary;
  x: number[];
  bucketMs: number;
  outcomes: OutcomeSeries;
  cpu: (number | null)[];
  memory: (number | null)[];
  topErrors: TopError[];
  groups: ErrorGroup[];
  incidents: IncidentDetail[];
  cost: CostRow[];
  previousCost: CostRow[];
}

export const daily = defineTemplate<DailyInput>({
  id: 'daily',
  title: 'Daily summary',
  description: 'Outcomes per hour, phase timings, top and new errors, incidents, model cost and resource peaks, against the day before.',
  defaultRangeMs: DAY,
  fetch(data, range) {
    const { b, ...base } = compared(data, range);
    const before = previousRange(range);
    return {
      ...base,
      outcomes: data.outcomes(b),
      cpu: data.series('cpu', null, b),
      memory: data.series('memory', null, b),
      topErrors: data.topErrors(range, 10),
      groups: data.errorGroups(range, 200),
      incidents: data.incidents(range, 20),
      cost: data.cost(range, 'model'),
      previousCost: data.cost(before, 'model'),
    };
  },
  build(d, ctx) {
    const s = d.summary;
    const cost = costTotals(d.cost);
    const costBefore = costTotals(d.previousCost);
    const fresh = d.groups.filter((g) => g.firstSeen >= ctx.from);
    const k = s.peaks;
    const sections: ReportSection[] = [
      {
        id: 'generations',
        title: 'Generations',
        blocks: [
          {
            type: 'figures',
            figures: [
              figure('successes', 'Succeeded', s.successes, 'count'),
              figure('partials', 'Partial', s.partials, 'count'),
              figure('abandoned', 'Abandoned', s.abandoned ?? 0, 'count'),
              figure('running', 'Still running', s.running, 'count'),
            ],
          },
          outcomeChart('outcomes', `Runs ended ${per(d.bucketMs)}`, d.x, d.bucketMs, d.outcomes),
          phaseTable(s),
        ],
      },
      {
        id: 'errors',
        title: 'Errors',
        blocks: [
          topErrorsTable(d.topErrors),
          errorGroupTable('new_groups', 'New error groups', fresh, 'No new error groups.'),
          {
            type: 'table',
            id: 'by_category',
            title: 'Errors by category',
            columns: [
              { key: 'category', label: 'Category', unit: 'text' },
              { key: 'count', label: 'Count', unit: 'count' },
            ],
            rows: Object.entries(s.errorsByCategory).map(([c, n]) => [c, n]),
          },
        ],
      },
      { id: 'incidents', title: 'Incidents', blocks: [incidentTable(d.incidents, ctx.to)] },
      {
        id: 'resources',
        title: 'Resources',
        blocks: [
          {
            type: 'figures',
            figures: [
              figure('cpu_peak', 'CPU peak', k.cpu, 'percent'),
              figure('mem_peak', 'Memory used, peak', k.memUsed, 'bytes'),
              figure('load_peak', 'Load (1 min), peak', k.load1, 'count'),
              figure('disk_read_peak', 'Disk read, peak', k.diskReadBytes, 'bytes/s'),
              figure('disk_write_peak', 'Disk write, peak', k.diskWriteBytes, 'bytes/s'),
              figure('net_in_peak', 'Network in, peak', k.netRxBytes, 'bytes/s'),
              figure('net_out_peak', 'Network out, peak', k.netTxBytes, 'bytes/s'),
            ],
          },
          {
            type: 'chart',
            id: 'machine',
            title: `CPU and memory, average ${per(d.bucketMs)}`,
            kind: 'line',
            axis: 'time',
            x: d.x,
            bucketMs: d.bucketMs,
            unit: 'percent',
            series: [
              { name: 'CPU', values: d.cpu },
              { name: 'Memory used', values: d.memory },
            ],
          },
          {
            type: 'table',
            id: 'mounts',
            title: 'Disks',
            columns: [
              { key: 'mount', label: 'Mount', unit: 'text' },
              { key: 'used', label: 'Used', unit: 'bytes' },
              { key: 'size', label: 'Size', unit: 'bytes' },
              { key: 'use', label: 'Use', unit: 'ratio' },
            ],
            rows: s.mounts.map((m) => [m.mount, m.used, m.size, m.size > 0 ? m.used / m.size : null]),
            empty: 'No disk usage recorded.',
          },
        ],
      },
    ];
    const figures = [
      ...outcomeFigures(s, d.previous),
      figure('cost', 'Model cost', cost.usd, 'usd', costBefore.usd, 'down'),
      figure('incidents', 'Incidents', d.incidents.length, 'count'),
    ];
    return { figures, sections };
  },
});
