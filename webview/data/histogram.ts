/** Histogram bins with round edges for skewed durations. */
import { niceStep } from './ticks';

export interface Histogram {
  /** Bin i covers [edges[i], edges[i + 1]); the last bin also holds everything above its lower edge (the tail). */
  edges: number[];
  counts: number[];
  /** How many values landed in the last bin from beyond the p99 cut. */
  tail: number;
}

/**
 * Bins from the smallest value up to the 99th percentile, so one stuck run
 * does not squash every other bar into the first bin; values above the cut
 * are counted in the last bin.
 */
export function histogram(values: readonly number[], targetBins = 20): Histogram {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return { edges: [], counts: [], tail: 0 };
  const lo = finite[0];
  const cut = finite[Math.min(finite.length - 1, Math.floor(finite.length * 0.99))];
  const step = niceStep(Math.max(cut - lo, 1) / targetBins);
  const start = Math.floor(lo / step) * step;
  const bins = Math.max(1, Math.floor((cut - start) / step) + 1);
  const counts = new Array<number>(bins).fill(0);
  let tail = 0;
  for (const v of finite) {
    const i = Math.floor((v - start) / step);
    if (i >= bins) {
      counts[bins - 1]++;
      tail++;
    } else counts[i]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => start + i * step);
  return { edges, counts, tail };
}
