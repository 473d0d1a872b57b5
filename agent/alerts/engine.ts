/**
 * Rule evaluation: each rule yields instances (one per label set, e.g. one
 * per error group) with whether the condition holds; each instance runs the
 * state machine; the transitions become alert instances for the dispatcher.
 * The figures come from an `Evaluator`, so this is pure and testable.
 */
import type { AlertInstance } from './dispatch';
import type { Labels } from './matchers';
import type { AlertRule } from './rules-file';
import { INACTIVE, step, type AlertState, type Transition } from './state';

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
}

export interface AlertChange {
  alert: TrackedAlert;
  transition: Transition;
  instance: AlertInstance;
}

export function alertFingerprint(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function fill(template: string, labels: Labels, value: number | null): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) => (key === 'value' ? (value === null ? '' : formatValue(value)) : (labels[key] ?? '')));
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
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
    for (const [k, v] of Object.entries(rule?.annotations ?? tracked?.annotations ?? {})) annotations[k] = fill(v, labels, state.value ?? value);
    const alert: TrackedAlert = { rule: rule?.name ?? tracked!.rule, labels, annotations, state };
    if (state.phase === 'inactive') this.alerts.delete(fp);
    else this.alerts.set(fp, alert);
    if (!transition || (transition.kind !== 'firing' && transition.kind !== 'resolved')) return [];
    const instance: AlertInstance = {
      fingerprint: fp,
      labels,
      annotations,
      status: transition.kind === 'firing' ? 'firing' : 'resolved',
      startsAt: transition.kind === 'resolved' ? transition.firedAt : now,
      endsAt: transition.kind === 'resolved' ? now : null,
      value: state.value ?? value,
    };
    return [{ alert, transition, instance }];
  }

  /** Every pending or firing alert. */
  active(): TrackedAlert[] {
    return [...this.alerts.values()];
  }

  snapshot(): [string, TrackedAlert][] {
    return [...this.alerts.entries()];
  }

  restore(entries: readonly [string, TrackedAlert][]): void {
    this.alerts.clear();
    for (const [fp, a] of entries) this.alerts.set(fp, a);
  }
}
