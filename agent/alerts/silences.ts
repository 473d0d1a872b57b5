/** Silences and inhibition: which alerts are muted right now, and why. */
import { matchesAll, type Labels, type Matcher } from './matchers';

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export function activeSilences(silences: readonly Silence[], now: number): Silence[] {
  return silences.filter((s) => s.startsAt <= now && now < s.endsAt);
}

/** The silence muting these labels, if any. A silence with no matchers mutes nothing. */
export function silencedBy(silences: readonly Silence[], labels: Labels, now: number): Silence | null {
  return activeSilences(silences, now).find((s) => s.matchers.length > 0 && matchesAll(s.matchers, labels)) ?? null;
}

/**
 * An inhibition rule: while an alert matching `source` fires, alerts matching
 * `target` that agree with it on every `equal` label are muted (a critical
 * alert hides the warnings it explains).
 */
export interface InhibitRule {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

export function inhibitedBy(rules: readonly InhibitRule[], firing: readonly Labels[], labels: Labels): Labels | null {
  for (const rule of rules) {
    if (!matchesAll(rule.target, labels)) continue;
    for (const source of firing) {
      // An alert never inhibits itself, even when it matches both sides.
      if (source === labels || sameLabels(source, labels) || !matchesAll(rule.source, source)) continue;
      if (rule.equal.every((l) => (source[l] ?? '') === (labels[l] ?? ''))) return source;
    }
  }
  return null;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
