/**
 * Grouping of alert notifications, as Alertmanager's dispatcher does it:
 * alerts sharing the `groupBy` labels form one group; a new group waits
 * `groupWaitMs` to collect its siblings, then notifies; later changes go out
 * at most every `groupIntervalMs`; a group still firing with nothing new is
 * repeated after `repeatIntervalMs`. What was sent is part of the state, so
 * after a restart (state restored) nothing is sent twice or lost.
 */
import type { Labels } from './matchers';

export interface AlertInstance {
  /** Identity of the alert: rule and labels. */
  fingerprint: string;
  labels: Labels;
  annotations: Record<string, string>;
  status: 'firing' | 'resolved';
  startsAt: number;
  endsAt: number | null;
  value: number | null;
}

export interface RouteTiming {
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export interface Notification {
  groupKey: string;
  groupLabels: Labels;
  firing: AlertInstance[];
  resolved: AlertInstance[];
  reason: 'new' | 'changed' | 'repeat' | 'escalated';
  at: number;
}

export interface GroupState {
  key: string;
  labels: Labels;
  alerts: AlertInstance[];
  nextFlushAt: number;
  lastNotifiedAt: number | null;
  /** Fingerprints last notified as firing. */
  notifiedFiring: string[];
}

export function groupLabels(labels: Labels, groupBy: readonly string[]): Labels {
  const out: Labels = {};
  for (const name of [...groupBy].sort()) out[name] = labels[name] ?? '';
  return out;
}

export class Dispatcher {
  private readonly groups = new Map<string, GroupState>();

  constructor(
    private timing: RouteTiming,
    /** Silenced or inhibited alerts stay in their group but are not notified. */
    private readonly isMuted: (alert: AlertInstance, now: number) => boolean = () => false,
  ) {}

  /** New timing (a reloaded rules file); groups keep their state. */
  retime(timing: RouteTiming): void {
    this.timing = timing;
  }

  receive(alert: AlertInstance, now: number): void {
    const labels = groupLabels(alert.labels, this.timing.groupBy);
    const key = JSON.stringify(labels);
    let group = this.groups.get(key);
    if (!group) {
      if (alert.status === 'resolved') return;
      group = { key, labels, alerts: [], nextFlushAt: now + this.timing.groupWaitMs, lastNotifiedAt: null, notifiedFiring: [] };
      this.groups.set(key, group);
    }
    const i = group.alerts.findIndex((a) => a.fingerprint === alert.fingerprint);
    if (i >= 0) group.alerts[i] = alert;
    else group.alerts.push(alert);
  }

  /** When `flush` next has something to do, or null. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const g of this.groups.values()) next = next === null ? g.nextFlushAt : Math.min(next, g.nextFlushAt);
    return next;
  }

  flush(now: number): Notification[] {
    const out: Notification[] = [];
    for (const group of [...this.groups.values()]) {
      if (group.nextFlushAt > now) continue;
      const notified = new Set(group.notifiedFiring);
      const visible = group.alerts.filter((a) => !this.isMuted(a, now));
      const firing = visible.filter((a) => a.status === 'firing');
      const resolved = visible.filter((a) => a.status === 'resolved' && notified.has(a.fingerprint));
      const changed = firing.some((a) => !notified.has(a.fingerprint)) || resolved.length > 0;
      const repeat =
        !changed && firing.length > 0 && group.lastNotifiedAt !== null && now - group.lastNotifiedAt >= this.timing.repeatIntervalMs;
      if (changed || repeat) {
        out.push({
          groupKey: group.key,
          groupLabels: group.labels,
          firing,
          resolved,
          reason: repeat ? 'repeat' : group.lastNotifiedAt === null ? 'new' : 'changed',
          at: now,
        });
        group.lastNotifiedAt = now;
        group.notifiedFiring = firing.map((a) => a.fingerprint);
      }
      group.alerts = group.alerts.filter((a) => a.status === 'firing');
      if (group.alerts.length === 0) this.groups.delete(group.key);
      else group.nextFlushAt = now + this.timing.groupIntervalMs;
    }
    return out;
  }

  snapshot(): GroupState[] {
    return [...this.groups.values()].map((g) => ({ ...g, alerts: [...g.alerts], notifiedFiring: [...g.notifiedFiring] }));
  }

  restore(groups: readonly GroupState[]): void {
    this.groups.clear();
    for (const g of groups) this.groups.set(g.key, { ...g, alerts: [...g.alerts], notifiedFiring: [...g.notifiedFiring] });
  }
}
