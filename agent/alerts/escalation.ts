/**
 * Escalation: an alert that keeps firing past a step's `afterMs` without
 * being acknowledged is raised to that step's severity (one level up when the
 * step names none) and sent to its extra channels. Steps are ordered by
 * `afterMs`; each is taken once per firing.
 */
import type { Severity } from '../ingest/events';
import type { ChannelName } from './templates';

export interface EscalationStep {
  afterMs: number;
  /** The severity to raise to; null: one level above the current one. */
  severity: Severity | null;
  /** Channels added at this step. */
  channels: ChannelName[];
}

export interface EscalationInput {
  firedAt: number;
  acknowledgedAt: number | null;
  /** Index of the last step already taken, -1 for none. */
  step: number;
}

/** The step to take now, if any: the latest one due that was not taken yet. */
export function dueEscalation(steps: readonly EscalationStep[], alert: EscalationInput, now: number): { index: number; step: EscalationStep } | null {
  if (alert.acknowledgedAt !== null) return null;
  let due: number | null = null;
  for (let i = alert.step + 1; i < steps.length; i++) if (now - alert.firedAt >= steps[i].afterMs) due = i;
  return due === null ? null : { index: due, step: steps[due] };
}

const ORDER: Severity[] = ['info', 'warning', 'error', 'critical'];

/** The higher of two severities (null: one level above `current`): escalation never lowers one. */
export function raise(current: Severity, to: Severity | null): Severity {
  const target = to ?? ORDER[Math.min(ORDER.length - 1, ORDER.indexOf(current) + 1)];
  return ORDER.indexOf(target) > ORDER.indexOf(current) ? target : current;
}

export function severityAtLeast(s: Severity, min: Severity): boolean {
  return ORDER.indexOf(s) >= ORDER.indexOf(min);
}
