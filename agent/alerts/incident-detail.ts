/**
 * An incident with what the store shows around it: its timeline merged with
 * failed runs, error groups and resource peaks, impact and actions. Used by
 * the incident endpoints and the incident review report.
 */
import type { IncidentDetail } from '../api/types';
import type { AlertingQueries } from '../store/alerting-queries';
import { incidentContext } from '../store/incident-context';
import type { Statements } from '../store/statements';
import { buildTimeline } from './timeline';

/** An incident's window starts this long before it opened: what led up to it. */
export const LEAD_IN_MS = 10 * 60_000;

export function incidentDetail(st: Statements, stored: AlertingQueries, id: number, now: number): IncidentDetail | null {
  const incident = stored.incident(id);
  if (!incident) return null;
  const from = incident.openedAt - LEAD_IN_MS;
  const to = incident.resolvedAt ?? now;
  const ctx = incidentContext(st, from, to);
  const peak = (m: 'cpu' | 'memory') => ctx.peaks.find((p) => p.metric === m)?.value ?? null;
  return {
    incident,
    timeline: buildTimeline(stored.events(id), ctx.failedRuns, ctx.groups, ctx.peaks),
    impact: ctx.impact,
    errorGroups: ctx.groups.map(({ fingerprint, category, message, count, status }) => ({ fingerprint, category, message, count, status })),
    resources: { cpuPeak: peak('cpu'), memoryPeakPercent: peak('memory'), load1Peak: ctx.load1Peak },
    actions: stored.actions({ incidentId: id }),
  };
}
