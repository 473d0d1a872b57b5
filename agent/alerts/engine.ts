/**
 * Rule evaluation: each rule yields instances (one per label set, e.g. one
 * per error group) with whether the condition holds; each instance runs the
 * state machine; the transitions become alert instances for the dispatcher.
 * The figures come from an `Evaluator`, so this is pure and testable.
 */
import type { Severity } from '../ingest/events';
import type { AlertInstance } from './dispatch';
import type { Labels } from './matchers';
import type { AlertRule } from './rules-file';
import { INACTIVE, step, type AlertState, type Transition } from './state';
import { alertLink, renderTemplate } from './templates';

export interface Evaluation {
  labels: Labels;
  holds: boolean;
  value: number | null;
  /** Extra text for the notification (message of an error group, etc.). */
  annotations?: Record<string, string>;
}

export type Evaluator = (rule: AlertRule, now: number) => Evaluation[];

export interface TrackedAlert {
  rule: string;
  labels: Labels;
  annotations: Record<string, string>;
  state: AlertState;
  /** Set by a user; cleared when the alert stops firing. */
  ack?: { at: number; by: string } | null;
  /** The last escalation step taken during this firing and the severity it raised to. */
  escalation?: { step: number; severity: Severity } | null;
  incidentId?: number | null;
}

export interface AlertChange {
  fingerprint: string;
  alert: TrackedAlert;
  transition: Transition;
  /** For the dispatcher: set on firing and resolved transitions only. */
  instance: AlertInstance | null;
}

export function alertFingerprint(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}


export class AlertEngine {
  private readonly alerts = new Map<string, TrackedAlert>();

  evaluate(rules: readonly AlertRule[], evaluator: Evaluator, now: number): AlertChange[] {
    const changes: AlertChange[] = [];
    const seen = new Set<string>();
    for (const rule of rules) {
      let evaluations: Evaluation[];
      try {
        evaluations = evaluator(rule, now);
      } catch {
        // A rule whose figures cannot be read keeps its alerts as they are this round.
        for (const [fp, a] of this.alerts) if (a.rule === rule.name) seen.add(fp);
        continue;
      }
      for (const ev of evaluations) {
        const labels: Labels = { alertname: rule.name, severity: rule.severity, ...rule.labels, ...ev.labels };
        const fp = alertFingerprint(labels);
        seen.add(fp);
        changes.push(...this.advance(fp, rule, labels, ev.holds, ev.value, ev.annotations ?? {}, now));
      }
    }
    // Instances no longer reported (an error group gone quiet, a removed rule) stop holding.
    for (const [fp, a] of [...this.alerts]) {
      if (seen.has(fp)) continue;
      const rule = rules.find((r) => r.name === a.rule);
      changes.push(...this.advance(fp, rule ?? null, a.labels, false, null, a.annotations, now));
    }
    return changes;
  }

  private advance(fp: string, rule: AlertRule | null, labels: Labels, holds: boolean, value: number | null, extra: Record<string, string>, now: number): AlertChange[] {
    const tracked = this.alerts.get(fp);
    const timing = rule ? { forMs: rule.forMs, keepFiringForMs: rule.keepFiringForMs } : { forMs: 0, keepFiringForMs: 0 };
    const { state, transition } = step(tracked?.state ?? INACTIVE, holds, value, now, timing);
    const annotations: Record<string, string> = { ...extra };
    const input = { labels, annotations: extra, value: state.value ?? value, status: 'firing' as const, startsAt: state.activeAt ?? now, endsAt: null, link: alertLink(fp) };
    for (const [k, v] of Object.entries(rule?.annotations ?? tracked?.annotations ?? {})) annotations[k] = renderTemplate(v, input);
    // Acknowledgement, escalation and incident belong to one firing; a new one starts clean.
    const carried = transition?.kind === 'firing' ? {} : { ack: tracked?.ack ?? null, escalation: tracked?.escalation ?? null, incidentId: tracked?.incidentId ?? null };
    const alert: TrackedAlert = { rule: rule?.name ?? tracked!.rule, labels, annotations, state, ...carried };
    if (state.phase === 'inactive') this.alerts.delete(fp);
    else this.alerts.set(fp, alert);
    if (!transition) return [];
    if (transition.kind !== 'firing' && transition.kind !== 'resolved') return [{ fingerprint: fp, alert, transition, instance: null }];
    const instance: AlertInstance = {
      fingerprint: fp,
      labels,
      annotations,
      status: transition.kind === 'firing' ? 'firing' : 'resolved',
      startsAt: transition.kind === 'resolved' ? transition.firedAt : now,
      endsAt: transition.kind === 'resolved' ? now : null,
      value: state.value ?? value,
    };
    return [{ fingerprint: fp, alert, transition, instance }];
  }

  /** Every pending or firing alert. */
  active(): TrackedAlert[] {
    return [...this.alerts.values()];
  }

  get(fingerprint: string): TrackedAlert | undefined {
    return this.alerts.get(fingerprint);
  }

  /** Records a change to a tracked alert's acknowledgement, escalation or incident. */
  update(fingerprint: string, change: Pick<TrackedAlert, 'ack' | 'escalation' | 'incidentId'>): void {
    const a = this.alerts.get(fingerprint);
    if (a) this.alerts.set(fingerprint, { ...a, ...change });
  }

  snapshot(): [string, TrackedAlert][] {
    return [...this.alerts.entries()];
  }

  restore(entries: readonly [string, TrackedAlert][]): void {
    this.alerts.clear();
    for (const [fp, a] of entries) this.alerts.set(fp, a);
  }
}
