/**
 * Incidents: a firing alert of the configured severity or above opens one,
 * or joins the open one whose alerts share its grouping labels. An incident
 * keeps a timeline of what happened to it and resolves when the user says
 * so or when all its alerts have stayed resolved for a while. The book holds
 * the open incidents in memory; every change goes out as journal operations.
 */
import type { IncidentAlert, IncidentSummary, TimelineEntry } from '../api/types';
import type { Severity } from '../ingest/events';
import { groupLabels } from './dispatch';
import type { Effects } from './effects';
import { raise, severityAtLeast } from './escalation';
import type { Labels } from './matchers';
import type { IncidentSettings } from './rules-file';

export interface FiringAlert {
  fingerprint: string;
  rule: string;
  labels: Labels;
  severity: Severity;
  summary: string | null;
}

export class IncidentBook {
  private readonly open = new Map<number, IncidentSummary>();
  private lastId: number;

  constructor(
    open: readonly IncidentSummary[],
    lastId: number,
    private settings: IncidentSettings,
  ) {
    for (const i of open) this.open.set(i.id, i);
    this.lastId = lastId;
  }

  configure(settings: IncidentSettings): void {
    this.settings = settings;
  }

  openIncidents(): IncidentSummary[] {
    return [...this.open.values()];
  }

  get(id: number): IncidentSummary | undefined {
    return this.open.get(id);
  }

  /** The open incident an alert belongs to, if any. */
  of(fingerprint: string): IncidentSummary | undefined {
    for (const i of this.open.values()) if (i.alerts.some((a) => a.fingerprint === fingerprint)) return i;
    return undefined;
  }

  private save(incident: IncidentSummary, fx: Effects, entry?: TimelineEntry): void {
    if (incident.status === 'open') this.open.set(incident.id, incident);
    else this.open.delete(incident.id);
    fx.ops.push({ op: 'incident.put', incident });
    if (entry) fx.ops.push({ op: 'incident.event', incidentId: incident.id, entry });
    fx.pushes.push({ type: 'incident', incident });
  }

  /**
   * An alert started firing (or was escalated to a severity that counts).
   * Returns its incident, or null when its severity is below the threshold.
   */
  onFiring(alert: FiringAlert, now: number, fx: Effects): { incident: IncidentSummary; opened: boolean } | null {
    if (!severityAtLeast(alert.severity, this.settings.minSeverity)) return null;
    const labels = groupLabels(alert.labels, this.settings.groupBy);
    const key = JSON.stringify(labels);
    const member: IncidentAlert = { fingerprint: alert.fingerprint, rule: alert.rule, labels: alert.labels, severity: alert.severity, firing: true, since: now };
    const text = `${alert.rule} firing${alert.summary ? `: ${alert.summary}` : ''}`;
    const existing = this.of(alert.fingerprint) ?? [...this.open.values()].find((i) => JSON.stringify(i.labels) === key);
    if (existing) {
      const incident: IncidentSummary = {
        ...existing,
        severity: raise(existing.severity, alert.severity),
        alerts: [...existing.alerts.filter((a) => a.fingerprint !== alert.fingerprint), member],
      };
      this.save(incident, fx, { ts: now, kind: 'alert_firing', text, fingerprint: alert.fingerprint });
      return { incident, opened: false };
    }
    const incident: IncidentSummary = {
      id: ++this.lastId,
      title: text,
      severity: alert.severity,
      status: 'open',
      labels,
      openedAt: now,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      alerts: [member],
    };
    this.save(incident, fx, { ts: now, kind: 'opened', text: `Incident opened: ${text}`, fingerprint: alert.fingerprint });
    return { incident, opened: true };
  }

  onResolved(fingerprint: string, rule: string, now: number, fx: Effects): void {
    const incident = this.of(fingerprint);
    if (!incident) return;
    const alerts = incident.alerts.map((a) => (a.fingerprint === fingerprint ? { ...a, firing: false, since: now } : a));
    this.save({ ...incident, alerts }, fx, { ts: now, kind: 'alert_resolved', text: `${rule} resolved`, fingerprint });
  }

  onEscalated(fingerprint: string, rule: string, severity: Severity, now: number, fx: Effects): void {
    const incident = this.of(fingerprint);
    if (!incident) return;
    const alerts = incident.alerts.map((a) => (a.fingerprint === fingerprint ? { ...a, severity } : a));
    this.save({ ...incident, severity: raise(incident.severity, severity), alerts }, fx, {
      ts: now,
      kind: 'escalated',
      text: `${rule} escalated to ${severity}`,
      fingerprint,
    });
  }

  onAcknowledged(fingerprint: string, rule: string, by: string, now: number, fx: Effects): void {
    const incident = this.of(fingerprint);
    if (!incident) return;
    const first = incident.acknowledgedAt === null;
    this.save({ ...incident, acknowledgedAt: incident.acknowledgedAt ?? now, acknowledgedBy: incident.acknowledgedBy ?? by }, fx, {
      ts: now,
      kind: 'acknowledged',
      text: `${rule} acknowledged${first ? '' : ' (incident already acknowledged)'}`,
      by,
      fingerprint,
    });
  }

  note(incident: IncidentSummary, text: string, by: string, now: number, fx: Effects): void {
    fx.ops.push({ op: 'incident.event', incidentId: incident.id, entry: { ts: now, kind: 'note', text, by } });
    fx.pushes.push({ type: 'incident', incident });
  }

  resolve(incident: IncidentSummary, by: string, reason: string, now: number, fx: Effects): IncidentSummary {
    const resolved: IncidentSummary = { ...incident, status: 'resolved', resolvedAt: now, resolvedBy: by };
    this.save(resolved, fx, { ts: now, kind: 'resolved', text: reason, by });
    return resolved;
  }

  /** Open incidents whose alerts all stayed resolved for `resolveAfterMs` resolve themselves. */
  autoResolve(now: number, fx: Effects): void {
    for (const incident of [...this.open.values()]) {
      if (incident.alerts.some((a) => a.firing)) continue;
      const quietSince = Math.max(...incident.alerts.map((a) => a.since), incident.openedAt);
      if (now - quietSince < this.settings.resolveAfterMs) continue;
      const minutes = Math.round(this.settings.resolveAfterMs / 60_000);
      this.resolve(incident, 'genmon', `Resolved: all alerts stayed resolved for ${minutes >= 1 ? `${minutes} min` : `${this.settings.resolveAfterMs / 1000} s`}`, now, fx);
    }
  }
}
