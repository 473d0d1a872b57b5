/** Read side of the alerting tables: silences, incidents, their timeline, actions and deliveries. */
import type { ActionStatus, ActionView, DeliveryStatus, DeliveryView, IncidentStatus, IncidentSummary, TimelineEntry } from '../api/types';
import type { StoredSilence } from './alerting-apply';
import type { Statements } from './statements';

type Row = Record<string, unknown>;

function incidentFromRow(r: Row): IncidentSummary {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    title: String(r.title),
    severity: r.severity as IncidentSummary['severity'],
    status: r.status as IncidentStatus,
    labels: JSON.parse(String(r.labels)) as Record<string, string>,
    openedAt: Number(r.opened_at),
    acknowledgedAt: num(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by === null ? null : String(r.acknowledged_by),
    resolvedAt: num(r.resolved_at),
    resolvedBy: r.resolved_by === null ? null : String(r.resolved_by),
    alerts: JSON.parse(String(r.alerts)) as IncidentSummary['alerts'],
  };
}

export class AlertingQueries {
  constructor(private readonly st: Statements) {}

  silences(): StoredSilence[] {
    return this.st.all('SELECT * FROM silences ORDER BY created_at').map((r) => ({
      id: String(r.id),
      matchers: JSON.parse(String(r.matchers)) as string[],
      startsAt: Number(r.starts_at),
      endsAt: Number(r.ends_at),
      createdBy: String(r.created_by),
      comment: String(r.comment),
      createdAt: Number(r.created_at),
    }));
  }

  incidents(opts: { status?: IncidentStatus; limit: number }): IncidentSummary[] {
    const rows = opts.status
      ? this.st.all('SELECT * FROM incidents WHERE status = ? ORDER BY opened_at DESC, id DESC LIMIT ?', [opts.status, opts.limit])
      : this.st.all('SELECT * FROM incidents ORDER BY opened_at DESC, id DESC LIMIT ?', [opts.limit]);
    return rows.map(incidentFromRow);
  }

  incident(id: number): IncidentSummary | null {
    const row = this.st.one('SELECT * FROM incidents WHERE id = ?', [id]);
    return row ? incidentFromRow(row) : null;
  }

  lastIncidentId(): number {
    return Number(this.st.one<{ n: number | null }>('SELECT MAX(id) AS n FROM incidents')?.n ?? 0);
  }

  events(incidentId: number): TimelineEntry[] {
    return this.st.column<string>('SELECT body FROM incident_events WHERE incident_id = ? ORDER BY ts, id', [incidentId]).map((b) => JSON.parse(b) as TimelineEntry);
  }

  actions(opts: { status?: ActionStatus; incidentId?: number }): ActionView[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (opts.status) {
      where.push('status = ?');
      params.push(opts.status);
    }
    if (opts.incidentId !== undefined) {
      where.push('incident_id = ?');
      params.push(opts.incidentId);
    }
    return this.st
      .column<string>(`SELECT body FROM actions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, params)
      .map((b) => JSON.parse(b) as ActionView)
      .sort((a, b) => a.requestedAt - b.requestedAt);
  }

  action(id: string): ActionView | null {
    const body = this.st.column<string>('SELECT body FROM actions WHERE id = ?', [id])[0];
    return body ? (JSON.parse(body) as ActionView) : null;
  }

  deliveries(opts: { status?: DeliveryStatus; limit: number }): DeliveryView[] {
    const rows = opts.status
      ? this.st.column<string>('SELECT body FROM deliveries WHERE status = ? ORDER BY created_at DESC LIMIT ?', [opts.status, opts.limit])
      : this.st.column<string>('SELECT body FROM deliveries ORDER BY created_at DESC LIMIT ?', [opts.limit]);
    return rows.map((b) => JSON.parse(b) as DeliveryView);
  }

  /** Deliveries still to make, with what to send, oldest first. */
  undelivered(): { delivery: DeliveryView; payload: string }[] {
    return this.st
      .all<{ body: string; payload: string }>("SELECT body, payload FROM deliveries WHERE status != 'delivered' ORDER BY created_at")
      .map((r) => ({ delivery: JSON.parse(r.body) as DeliveryView, payload: r.payload }));
  }
}
