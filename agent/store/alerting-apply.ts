/**
 * The `alerting` journal record: the alert engine's state and the changes of
 * one alerting step (silences, incidents and their timeline, actions,
 * deliveries), applied together so a crash keeps all of a step or none.
 * Every id and time is in the record, so replay rebuilds the same rows.
 */
import type { ActionView, DeliveryView, IncidentSummary, TimelineEntry } from '../api/types';
import type { Statements } from './statements';

export interface StoredSilence {
  id: string;
  matchers: string[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
}

export type AlertingOp =
  | { op: 'silence.put'; silence: StoredSilence }
  | { op: 'incident.put'; incident: IncidentSummary }
  | { op: 'incident.event'; incidentId: number; entry: TimelineEntry }
  | { op: 'action.put'; action: ActionView }
  | { op: 'delivery.put'; delivery: DeliveryView; payload?: string }
  | { op: 'delivery.prune'; before: number }
  | { op: 'silence.prune'; before: number };

export interface AlertingRecord {
  /** The engine's and dispatcher's state after the step, when it changed. */
  state?: unknown;
  ops: AlertingOp[];
}

export function encodeAlerting(record: AlertingRecord): Buffer {
  return Buffer.from(JSON.stringify(record));
}

export function applyAlerting(st: Statements, body: Buffer): void {
  const record = JSON.parse(body.toString('utf8')) as AlertingRecord;
  if (record.state !== undefined) st.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('alert_state', ?)", [JSON.stringify(record.state)]);
  for (const op of record.ops) applyOp(st, op);
}

export function applyOp(st: Statements, op: AlertingOp): void {
  switch (op.op) {
    case 'silence.put': {
      const s = op.silence;
      st.run('INSERT OR REPLACE INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.createdBy, s.comment, s.createdAt,
      ]);
      return;
    }
    case 'incident.put': {
      const i = op.incident;
      st.run(
        `INSERT OR REPLACE INTO incidents (id, title, severity, status, labels, opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, alerts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [i.id, i.title, i.severity, i.status, JSON.stringify(i.labels), i.openedAt, i.acknowledgedAt, i.acknowledgedBy, i.resolvedAt, i.resolvedBy, JSON.stringify(i.alerts)],
      );
      return;
    }
    case 'incident.event':
      st.run('INSERT INTO incident_events (incident_id, ts, kind, body) VALUES (?, ?, ?, ?)', [op.incidentId, op.entry.ts, op.entry.kind, JSON.stringify(op.entry)]);
      return;
    case 'action.put':
      st.run('INSERT OR REPLACE INTO actions (id, incident_id, status, body) VALUES (?, ?, ?, ?)', [op.action.id, op.action.incidentId, op.action.status, JSON.stringify(op.action)]);
      return;
    case 'delivery.put': {
      const d = op.delivery;
      // The payload is written once; later puts of the same delivery only change its state.
      st.run(
        `INSERT INTO deliveries (id, channel, status, created_at, updated_at, next_attempt_at, body, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, next_attempt_at = excluded.next_attempt_at, body = excluded.body`,
        [d.id, d.channel, d.status, d.createdAt, d.updatedAt, d.nextAttemptAt, JSON.stringify(d), op.payload ?? ''],
      );
      return;
    }
    case 'delivery.prune':
      st.run("DELETE FROM deliveries WHERE status = 'delivered' AND updated_at < ?", [op.before]);
      return;
    case 'silence.prune':
      st.run('DELETE FROM silences WHERE ends_at < ?', [op.before]);
      return;
  }
}
