/**
 * A merged sketch as a chart's histogram: its logarithmic buckets regrouped
 * into at most `MAX_BARS` bars of equal width on a log scale (each bar spans
 * the same ratio of values), the first starting at 0.
 */
import type { HistogramResult } from '../api/types';
import type { Acc } from './query';
import type { Labels } from './rollup';
import { bucketBounds } from './sketch';

const MAX_BARS = 30;

export function histogramBuckets(labels: Labels, acc: Acc): HistogramResult['series'][number] {
  const s = acc.sketch;
  const q = (p: number) => (s ? s.quantile(p, acc.min, acc.max) : null);
  const base = { labels, count: acc.count, p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99) };
  if (!s || s.count === 0) return { ...base, buckets: [] };
  const bins = s.entries();
  if (bins.length === 0) return { ...base, buckets: [{ lower: 0, upper: 0, count: s.zeros }] };
  const first = bins[0][0];
  const last = bins[bins.length - 1][0];
  const width = Math.max(1, Math.ceil((last - first + 1) / MAX_BARS));
  const bars = Math.ceil((last - first + 1) / width);
  const buckets = Array.from({ length: bars }, (_, i) => ({
    lower: i === 0 ? 0 : bucketBounds(first + i * width)[0],
    upper: bucketBounds(first + (i + 1) * width - 1)[1],
    count: i === 0 ? s.zeros : 0,
  }));
  for (const [key, count] of bins) buckets[Math.floor((key - first) / width)].count += count;
  return { ...base, buckets };
}
