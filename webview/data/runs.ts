/** Run-based series: attempts by outcome and success rate per time bucket. */
import type { RunStatus, RunSummary } from '../../agent/api/types';
import { bucketStarts } from './time';

export interface RunSeries {
  /** Bucket starts, oldest first; every bucket is `step` wide. */
  starts: number[];
  step: number;
  counts: Record<RunStatus, number[]>;
  /** success / (success + failed + partial) per bucket, 0..1; null where no run ended. */
  successRate: (number | null)[];
}

/** Buckets runs by the time they started, which is when the attempt was made. */
export function runSeries(runs: readonly RunSummary[], from: number, to: number, step: number, offsetMs = 0): RunSeries {
  const starts = bucketStarts(from, to, step, offsetMs);
  const first = starts[0] ?? from;
  const zeros = () => starts.map(() => 0);
  const counts: Record<RunStatus, number[]> = { success: zeros(), failed: zeros(), partial: zeros(), running: zeros(), abandoned: zeros() };
  for (const run of runs) {
    const i = Math.floor((run.startedAt - first) / step);
    if (i < 0 || i >= starts.length || run.startedAt < from || run.startedAt > to) continue;
    counts[run.status][i]++;
  }
  const successRate = starts.map((_, i) => {
    const ended = counts.success[i] + counts.failed[i] + counts.partial[i];
    return ended === 0 ? null : counts.success[i] / ended;
  });
  return { starts, step, counts, successRate };
}

/** Durations of ended runs, for the total-duration histogram. */
export function runDurations(runs: readonly RunSummary[]): number[] {
  const out: number[] = [];
  for (const run of runs) if (run.status !== 'running' && run.durationMs !== null && run.durationMs >= 0) out.push(run.durationMs);
  return out;
}
