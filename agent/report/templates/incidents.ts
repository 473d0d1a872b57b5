/**
 * Incident review: the incidents open at some time in the range (7 days by
 * default): how fast they were acknowledged and resolved, what they cost,
 * and for each its timeline, error groups, resources and actions, the
 * material of a postmortem.
 */
import type { IncidentDetail, ReportSection } from '../../api/types';
import { defineTemplate } from '../template';
import { DAY, figure, incidentTable } from './parts';

export interface IncidentsInput {
  incidents: IncidentDetail[];
}

/** Incidents reviewed one by one; the rest are in the overview table only. */
const DETAILED = 10;

function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function detail(d: IncidentDetail, now: number): ReportSection {
  const i = d.incident;
  return {
    id: `incident_${i.id}`,
    title: `#${i.id} ${i.title}`,
    blocks: [
      {
        type: 'figures',
        figures: [
          figure('severity_opened', 'Opened', i.openedAt, 'time'),
          figure('lasted', i.resolvedAt === null ? 'Open for' : 'Lasted', (i.resolvedAt ?? now) - i.openedAt, 'ms'),
          figure('ack', 'Acknowledged after', i.acknowledgedAt === null ? null : i.acknowledgedAt - i.openedAt, 'ms'),
          figure('runs_failed', 'Runs failed', d.impact.runsFailed, 'count'),
          figure('runs_ended', 'Runs ended', d.impact.runsEnded, 'count'),
          figure('users', 'Users affected', d.impact.usersAffected, 'count'),
          figure('errors', 'Errors', d.impact.errors, 'count'),
          figure('wasted', 'Cost of failed runs', d.impact.costWastedUsd, 'usd'),
          figure('cpu_peak', 'CPU peak', d.resources.cpuPeak, 'percent'),
          figure('mem_peak', 'Memory peak', d.resources.memoryPeakPercent, 'percent'),
        ],
      },
      {
        type: 'table',
        id: `timeline_${i.id}`,
        title: 'Timeline',
        columns: [
          { key: 'ts', label: 'Time', unit: 'time' },
          { key: 'kind', label: 'What', unit: 'text' },
          { key: 'text', label: 'Detail', unit: 'text' },
          { key: 'by', label: 'By', unit: 'text' },
        ],
        rows: d.timeline.map((e) => [e.ts, e.kind.replace(/_/g, ' '), e.text, e.by ?? null]),
        empty: 'Nothing recorded.',
      },
      {
        type: 'table',
        id: `groups_${i.id}`,
        title: 'Error groups during the incident',
        columns: [
          { key: 'message', label: 'Message', unit: 'text' },
          { key: 'category', label: 'Category', unit: 'text' },
          { key: 'count', label: 'Errors', unit: 'count' },
          { key: 'status', label: 'Status', unit: 'text' },
        ],
        rows: d.errorGroups.map((g) => [g.message, g.category, g.count, g.status]),
        empty: 'No errors during the incident.',
      },
      {
        type: 'table',
        id: `actions_${i.id}`,
        title: 'Automated actions',
        columns: [
          { key: 'action', label: 'Action', unit: 'text' },
          { key: 'status', label: 'Status', unit: 'text' },
          { key: 'exit', label: 'Exit code', unit: 'count' },
          { key: 'duration', label: 'Took', unit: 'ms' },
          { key: 'by', label: 'Run by', unit: 'text' },
        ],
        rows: d.actions.map((a) => [a.display, a.status, a.exitCode, a.durationMs, a.claimedBy]),
        empty: 'No automated actions.',
      },
    ],
  };
}

export const incidents = defineTemplate<IncidentsInput>({
  id: 'incidents',
  title: 'Incident review',
  description: 'Incidents of the range with time to acknowledge and resolve and their impact; for each, the timeline, error groups, resources and actions.',
  defaultRangeMs: 7 * DAY,
  fetch(data, range) {
    return { incidents: data.incidents(range, 200) };
  },
  build(d, ctx) {
    const list = d.incidents;
    const acked = list.filter((x) => x.incident.acknowledgedAt !== null).map((x) => x.incident.acknowledgedAt! - x.incident.openedAt);
    const resolved = list.filter((x) => x.incident.resolvedAt !== null).map((x) => x.incident.resolvedAt! - x.incident.openedAt);
    const wasted = list.map((x) => x.impact.costWastedUsd).filter((v): v is number => v !== null);
    const figures = [
      figure('incidents', 'Incidents', list.length, 'count'),
      figure('open', 'Still open', list.filter((x) => x.incident.status === 'open').length, 'count'),
      figure('critical', 'Critical', list.filter((x) => x.incident.severity === 'critical').length, 'count'),
      figure('mtta', 'Mean time to acknowledge', mean(acked), 'ms'),
      figure('mttr', 'Mean time to resolve', mean(resolved), 'ms'),
      figure('runs_failed', 'Runs failed during incidents', list.reduce((n, x) => n + x.impact.runsFailed, 0), 'count'),
      figure('wasted', 'Cost of failed runs', wasted.length ? wasted.reduce((a, b) => a + b, 0) : null, 'usd'),
    ];
    const sections: ReportSection[] = [
      { id: 'overview', title: 'Overview', blocks: [incidentTable(list, ctx.to)] },
      ...list.slice(0, DETAILED).map((x) => detail(x, ctx.to)),
    ];
    if (list.length > DETAILED) sections.push({ id: 'more', title: 'More incidents', blocks: [{ type: 'text', text: `${list.length - DETAILED} older incidents are in the overview table only.` }] });
    return { figures, sections };
  },
});
