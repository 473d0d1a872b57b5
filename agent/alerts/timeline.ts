/**
 * An incident's timeline: what was stored as it happened (alerts,
 * acknowledgements, notes, actions, resolution) merged with what the store
 * shows in its window (failed runs, error groups, resource peaks). Pure.
 */
import type { TimelineEntry } from '../api/types';
import type { FailedRun, GroupInWindow, Peak } from '../store/incident-context';

/** Failed runs listed one by one; beyond this, one line counts the rest. */
export const MAX_RUN_ENTRIES = 30;
/** Resource use at or above these marks shows on the timeline. */
export const PEAK_MARKS = { cpu: 80, memory: 85 } as const;

function clip(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function buildTimeline(stored: readonly TimelineEntry[], failedRuns: readonly FailedRun[], groups: readonly GroupInWindow[], peaks: readonly Peak[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [...stored];
  for (const run of failedRuns.slice(0, MAX_RUN_ENTRIES)) {
    entries.push({ ts: run.ts, kind: 'run_failed', text: `Run ${run.app ? `of ${clip(run.app, 60)} ` : ''}failed${run.phase ? ` in ${run.phase}` : ''}`, runId: run.runId });
  }
  if (failedRuns.length > MAX_RUN_ENTRIES) {
    const rest = failedRuns.slice(MAX_RUN_ENTRIES);
    entries.push({ ts: rest[rest.length - 1].ts, kind: 'run_failed', text: `${rest.length} more runs failed` });
  }
  for (const g of groups) {
    entries.push({
      ts: g.firstTs,
      kind: 'error_group',
      text: `${g.isNew ? 'New error group' : 'Error group'} (${g.category}, ${g.count} in the window): ${clip(g.message)}`,
      fingerprint: g.fingerprint,
    });
  }
  for (const p of peaks) {
    if (p.value < PEAK_MARKS[p.metric]) continue;
    entries.push({ ts: p.ts, kind: 'resource_peak', text: `${p.metric === 'cpu' ? 'CPU' : 'Memory'} peaked at ${p.value.toFixed(0)} %` });
  }
  // Stable: entries at the same instant keep stored-first order.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts - b.e.ts || a.i - b.i).map(({ e }) => e);
}
