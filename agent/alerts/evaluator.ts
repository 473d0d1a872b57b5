/** The figures behind each kind of rule, read from the store's queries and the latest sample. */
import type { MountUsage, Sample } from '../api/types';
import { inferenceCost } from '../store/cost';
import { figureSeries } from '../store/figure-series';
import type { Queries } from '../store/queries';
import type { Statements } from '../store/statements';
import { AnomalyEvaluator } from './anomaly-rule';
import type { Evaluation, Evaluator } from './engine';

export interface EvaluatorDeps {
  queries: Queries;
  /** For the figures the queries do not have yet (cost, series for anomaly rules). */
  st: Statements;
  latestSample: () => Sample | null;
  latestMounts: () => MountUsage[];
}

const HOUR = 3600_000;

export function storeEvaluator({ queries, st, latestSample, latestMounts }: EvaluatorDeps): Evaluator {
  const anomalies = new AnomalyEvaluator((metric, phase, from, bucketMs, buckets) => figureSeries(st, metric, phase, from, bucketMs, buckets));
  return (rule, now): Evaluation[] => {
    const spec = rule.spec;
    switch (spec.kind) {
      case 'failure_rate': {
        const o = queries.outcomes({ from: now - spec.windowMs, to: now });
        const ended = o.success + o.failed + o.partial;
        const rate = ended > 0 ? o.failed / ended : null;
        return [{ labels: {}, holds: rate !== null && ended >= spec.minRuns && rate >= spec.threshold, value: rate }];
      }
      case 'phase_p95': {
        const p = queries.phases({ from: now - spec.windowMs, to: now }).phases[spec.phase];
        return [{ labels: { phase: spec.phase }, holds: p.count >= spec.minRuns && (p.p95 ?? 0) > spec.thresholdMs, value: p.p95 }];
      }
      case 'no_success': {
        // Runs still going have not failed yet: only ended runs count, so a burst of starts pages no one.
        const o = queries.outcomes({ from: now - spec.windowMs, to: now });
        const ended = o.success + o.failed + o.partial;
        return [{ labels: {}, holds: ended >= spec.minAttempts && o.success === 0, value: ended }];
      }
      case 'resource': {
        if (spec.metric === 'disk') {
          return latestMounts().map((m) => {
            const used = m.size > 0 ? (m.used / m.size) * 100 : 0;
            return { labels: { mount: m.mount }, holds: used >= spec.threshold, value: used };
          });
        }
        const s = latestSample();
        if (!s) return [];
        const value = spec.metric === 'cpu' ? s.cpu : s.memTotal > 0 ? (s.memUsed / s.memTotal) * 100 : 0;
        return [{ labels: {}, holds: value >= spec.threshold, value }];
      }
      case 'new_error_group':
        return queries
          .errorGroups({ from: now - HOUR, to: now, limit: 50, status: 'new', category: spec.category ?? undefined })
          .filter((g) => g.firstSeen >= now - HOUR)
          .map((g) => ({ labels: { group: g.fingerprint, category: g.category }, holds: true, value: g.count, annotations: { message: g.message.slice(0, 300) } }));
      case 'regressed_error_group':
        return queries
          .errorGroups({ from: now - 24 * HOUR, to: now, limit: 50, status: 'regressed' })
          .map((g) => ({ labels: { group: g.fingerprint, category: g.category }, holds: true, value: g.count, annotations: { message: g.message.slice(0, 300) } }));
      case 'cost_per_hour': {
        const cost = inferenceCost(st, { from: now - spec.windowMs, to: now });
        const perHour = cost.usd * (HOUR / spec.windowMs);
        return [{ labels: {}, holds: cost.priced > 0 && perHour >= spec.budget, value: cost.priced > 0 ? Math.round(perHour * 100) / 100 : null }];
      }
      case 'anomaly':
        return [anomalies.evaluate(rule.name, spec, now)];
    }
  };
}
