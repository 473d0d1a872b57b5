/**
 * Why an alert's notifications are held back right now, if they are: a
 * silence, an inhibiting alert, or a time interval of its rule or route.
 * Pure, so the same answer drives the dispatcher and the API's views.
 */
import { alertFingerprint } from './engine';
import { parseMatcher, type Labels, type Matcher } from './matchers';
import type { AlertRule, PipelineSettings } from './rules-file';
import { inhibitedBy, silencedBy, type Silence } from './silences';
import type { StoredSilence } from '../store/alerting-apply';
import { mutedBy, type NamedInterval } from './time-intervals';

export interface MuteReason {
  silencedBy: string | null;
  inhibitedBy: string | null;
  mutedBy: string | null;
}

export const NOT_MUTED: MuteReason = { silencedBy: null, inhibitedBy: null, mutedBy: null };

export function isMuted(r: MuteReason): boolean {
  return r.silencedBy !== null || r.inhibitedBy !== null || r.mutedBy !== null;
}

/** A stored silence with its matchers parsed; one whose matchers no longer parse mutes nothing. */
export function toSilence(s: StoredSilence): Silence {
  let matchers: Matcher[] = [];
  try {
    matchers = s.matchers.map(parseMatcher);
  } catch {
    matchers = [];
  }
  return { id: s.id, matchers, startsAt: s.startsAt, endsAt: s.endsAt, createdBy: s.createdBy, comment: s.comment };
}

export interface MuteContext {
  silences: readonly Silence[];
  settings: PipelineSettings;
  intervals: ReadonlyMap<string, NamedInterval>;
  /** Labels of every alert firing now (the possible sources of inhibition). */
  firing: readonly Labels[];
  rule: (name: string) => AlertRule | undefined;
}

export function intervalMap(list: readonly NamedInterval[]): Map<string, NamedInterval> {
  return new Map(list.map((i) => [i.name, i]));
}

export function muteReason(labels: Labels, ctx: MuteContext, now: number): MuteReason {
  const silence = silencedBy(ctx.silences, labels, now);
  const source = inhibitedBy(ctx.settings.inhibitRules, ctx.firing, labels);
  const rule = ctx.rule(labels.alertname ?? '');
  const byRule = rule ? mutedBy(rule.activeTimeIntervals, rule.muteTimeIntervals, ctx.intervals, now) : null;
  const byRoute = mutedBy(ctx.settings.route.activeTimeIntervals, ctx.settings.route.muteTimeIntervals, ctx.intervals, now);
  return {
    silencedBy: silence?.id ?? null,
    inhibitedBy: source ? alertFingerprint(source) : null,
    mutedBy: byRule ?? byRoute,
  };
}
