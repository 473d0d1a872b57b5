/**
 * Threshold-free anomaly detection: a value is anomalous when it sits far
 * from the median of its own recent history, measured in MADs (median
 * absolute deviation, scaled by 1.4826 to match a standard deviation for
 * normal data). Median and MAD ignore the outliers they are looking for,
 * unlike mean and standard deviation, so one spike does not hide the next.
 */

export interface AnomalyOptions {
  /** Fewer points of history than this and nothing is called anomalous (a quiet start pages no one). */
  minSamples?: number;
  /** How many scaled MADs from the median count as anomalous. Default 4. */
  threshold?: number;
  /** Which way matters: only rises (latency, error rate), only drops (success rate), or both. */
  direction?: 'up' | 'down' | 'both';
  /**
   * Floor for the scaled MAD, as a fraction of |median|, so a perfectly flat
   * history does not make the smallest wiggle infinitely anomalous. Default 0.05.
   */
  minRelativeSpread?: number;
}

export interface AnomalyVerdict {
  anomalous: boolean;
  /** Robust z-score: (value - median) / scaled MAD; null without enough history. */
  score: number | null;
  median: number | null;
  spread: number | null;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function detectAnomaly(history: readonly number[], value: number, opts: AnomalyOptions = {}): AnomalyVerdict {
  const finite = history.filter(Number.isFinite);
  if (finite.length < (opts.minSamples ?? 20) || !Number.isFinite(value)) return { anomalous: false, score: null, median: null, spread: null };
  const sorted = [...finite].sort((a, b) => a - b);
  const med = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  const mad = median(deviations) * 1.4826;
  const spread = Math.max(mad, Math.abs(med) * (opts.minRelativeSpread ?? 0.05), Number.EPSILON);
  const score = (value - med) / spread;
  const threshold = opts.threshold ?? 4;
  const direction = opts.direction ?? 'both';
  const anomalous = direction === 'up' ? score > threshold : direction === 'down' ? score < -threshold : Math.abs(score) > threshold;
  return { anomalous, score, median: med, spread };
}
