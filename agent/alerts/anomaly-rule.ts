/**
 * Anomaly rules: the figure over the last bucket, compared with the same
 * figure in earlier buckets (median and MAD, see anomaly.ts). The baseline is
 * either every bucket of the recent history, or (`daily`) only the buckets at
 * the same time of day, two either side, on earlier days, so a busy morning
 * is compared with other mornings. History buckets are aligned to the clock
 * and computed once per bucket; only the current window is read at each
 * evaluation.
 */
import type { Phase } from '../ingest/events';
import { detectAnomaly } from './anomaly';
import type { Evaluation } from './engine';
import type { RuleKind } from './rules-file';
import type { Series, SeriesMetric } from '../store/figure-series';

type AnomalySpec = Extract<RuleKind, { kind: 'anomaly' }>;
export type SeriesSource = (metric: SeriesMetric, phase: Phase | null, from: number, bucketMs: number, buckets: number) => Series;

const DAY = 86_400_000;
/** Buckets either side of the same time of day that count for a daily baseline. */
const DAILY_NEIGHBOURS = 2;
const RUN_METRICS: ReadonlySet<SeriesMetric> = new Set(['failure_rate', 'phase_p95', 'run_duration_p95', 'error_rate']);

/** The baseline values for a window starting at `windowStart`, from aligned history buckets. */
export function baseline(spec: AnomalySpec, history: Series, historyFrom: number, windowStart: number): number[] {
  const out: number[] = [];
  history.values.forEach((v, i) => {
    if (v === null) return;
    if (RUN_METRICS.has(spec.metric) && history.counts[i] < spec.minRuns) return;
    if (spec.baseline === 'daily') {
      const start = historyFrom + i * spec.bucketMs;
      const offset = (((windowStart - start) % DAY) + DAY) % DAY;
      const distance = Math.min(offset, DAY - offset);
      // Only earlier days: the buckets of the last few hours are not "the same time yesterday".
      if (windowStart - start < DAY / 2 || distance > DAILY_NEIGHBOURS * spec.bucketMs) return;
    }
    out.push(v);
  });
  return out;
}

export class AnomalyEvaluator {
  private readonly cache = new Map<string, { historyFrom: number; series: Series }>();

  constructor(private readonly source: SeriesSource) {}

  evaluate(ruleName: string, spec: AnomalySpec, now: number): Evaluation {
    const windowStart = now - spec.bucketMs;
    // History: whole clock-aligned buckets ending before the current window.
    const historyEnd = Math.floor(windowStart / spec.bucketMs) * spec.bucketMs;
    const buckets = Math.max(1, Math.floor(spec.historyMs / spec.bucketMs));
    const historyFrom = historyEnd - buckets * spec.bucketMs;
    const key = `${ruleName}|${JSON.stringify(spec)}`;
    let cached = this.cache.get(key);
    if (!cached || cached.historyFrom !== historyFrom) {
      cached = { historyFrom, series: this.source(spec.metric, spec.phase, historyFrom, spec.bucketMs, buckets) };
      this.cache.set(key, cached);
    }
    const current = this.source(spec.metric, spec.phase, windowStart, spec.bucketMs, 1);
    const value = current.values[0];
    const labels: Record<string, string> = { metric: spec.metric };
    if (spec.phase) labels.phase = spec.phase;
    const enough = value !== null && (!RUN_METRICS.has(spec.metric) || current.counts[0] >= spec.minRuns);
    const history = baseline(spec, cached.series, historyFrom, windowStart);
    const verdict = detectAnomaly(history, enough ? value : NaN, { minSamples: spec.minSamples, threshold: spec.threshold, direction: spec.direction });
    const annotations: Record<string, string> = { baseline: `${history.length} buckets` };
    if (verdict.median !== null) annotations.median = round(verdict.median);
    if (verdict.score !== null) annotations.score = round(verdict.score);
    return { labels, holds: verdict.anomalous, value: enough ? value : null, annotations };
  }

  /** Rules that went away (a reload) leave no cache behind. */
  forgetExcept(names: ReadonlySet<string>): void {
    for (const key of [...this.cache.keys()]) if (!names.has(key.slice(0, key.indexOf('|')))) this.cache.delete(key);
  }
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
