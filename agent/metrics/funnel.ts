/**
 * The user journey as a funnel: runs reaching each step in the range, the
 * drop between steps, and the time each step took.
 */
import { JOURNEY_STEPS, type FunnelResult, type MetricFilters } from '../api/types';
import type { MetricEngine } from './query';

export function funnel(engine: MetricEngine, from: number, to: number, filters: MetricFilters): FunnelResult {
  const reached = new Map<string, number>();
  const stat = engine.stat('genmon_journey_step_reached_total', 'increase', from, to, ['step'], filters);
  for (const g of stat.by ?? []) reached.set(g.labels.step ?? '', g.value ?? 0);
  const times = new Map(engine.sketches('genmon_journey_step_duration_seconds', from, to, ['step'], filters).map((g) => [g.labels.step ?? '', g.acc]));
  const started = reached.get('started') ?? 0;
  const steps = JOURNEY_STEPS.map((step, i) => {
    const n = reached.get(step) ?? 0;
    const before = i === 0 ? n : (reached.get(JOURNEY_STEPS[i - 1]) ?? 0);
    const acc = times.get(step);
    return {
      step,
      reached: n,
      droppedBefore: Math.max(0, before - n),
      conversion: started > 0 ? n / started : null,
      p50Seconds: acc?.sketch ? acc.sketch.quantile(0.5, acc.min, acc.max) : null,
      p95Seconds: acc?.sketch ? acc.sketch.quantile(0.95, acc.min, acc.max) : null,
    };
  });
  return { from, to, steps, conversionRate: started > 0 ? (reached.get('deployed') ?? 0) / started : null };
}
