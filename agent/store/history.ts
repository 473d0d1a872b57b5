/**
 * The older endpoints (/summary, /phases, /samples, /runs, /runs/:id) over
 * the whole retention: a range that starts before the hot database's raw
 * rows is answered from rollups, and runs that were sealed away are found
 * in the facts partitions. Recent ranges keep their exact raw answers.
 */
import type { PhaseStats, Percentiles, ResourcePeaks, Sample } from '../api/types';
import { ERROR_CATEGORIES, PHASES, SEVERITIES, type ErrorCategory, type Severity } from '../ingest/events';
import type { Acc, MetricEngine } from '../metrics/query';
import { Sketch } from '../metrics/sketch';
import type { PartitionSet } from './partitions';
import type { Range } from './queries';
import type { Statements } from './statements';

export interface HistoryOptions {
  engine: MetricEngine;
  parts: PartitionSet;
  /** How far back raw run events (errors) are kept, ms. */
  rawMs: () => number;
  /** The oldest raw machine sample still kept, if any. */
  oldestSample: () => number | null;
  now: () => number;
}

export class History {
  constructor(private readonly opts: HistoryOptions) {}

  /** Runs that started before this time may have been sealed into partitions. */
  runsFrom(): number {
    let end = -Infinity;
    for (const p of this.opts.parts.list()) if (p.tier === 'facts' && p.to > end) end = p.to;
    return end;
  }

  /** Ranges starting before the oldest raw sample read machine figures from rollups. */
  samplesFrom(): number {
    return this.opts.oldestSample() ?? this.opts.now();
  }

  /** Ranges starting before this read error counts from rollups. */
  errorsFrom(): number {
    return this.opts.now() - this.opts.rawMs();
  }

  factDatabases(): Generator<Statements> {
    return this.opts.parts.factDatabases();
  }

  /** Run outcomes: attempts in the range, and outcomes of runs that ended in it. */
  counts(range: Range): { attempts: number; success: number; failed: number; partial: number; abandoned: number } {
    const e = this.opts.engine;
    const to = range.to + 1;
    const attempts = e.stat('genmon_generation_attempts_total', 'increase', range.from, to, [], {}).value ?? 0;
    const by = new Map((e.stat('genmon_generation_runs_total', 'increase', range.from, to, ['status'], {}).by ?? []).map((g) => [g.labels.status, g.value ?? 0]));
    return { attempts, success: by.get('success') ?? 0, failed: by.get('failed') ?? 0, partial: by.get('partial') ?? 0, abandoned: by.get('abandoned') ?? 0 };
  }

  phases(range: Range): PhaseStats {
    const e = this.opts.engine;
    const to = range.to + 1;
    const byPhase = new Map<string, { acc: Acc; ok: number; failed: number }>();
    for (const g of e.sketches('genmon_phase_duration_seconds', range.from, to, ['phase', 'status'], {})) {
      const entry = byPhase.get(g.labels.phase ?? '') ?? { acc: { count: 0, sum: 0, min: null, max: null, last: null, lastTs: -Infinity, sketch: new Sketch() }, ok: 0, failed: 0 };
      merge(entry.acc, g.acc);
      if (g.labels.status === 'ok') entry.ok += g.acc.count;
      if (g.labels.status === 'failed') entry.failed += g.acc.count;
      byPhase.set(g.labels.phase ?? '', entry);
    }
    const skipped = new Map((e.stat('genmon_phases_skipped_total', 'increase', range.from, to, ['phase'], {}).by ?? []).map((g) => [g.labels.phase, g.value ?? 0]));
    const phases = Object.fromEntries(
      PHASES.map((p) => {
        const entry = byPhase.get(p);
        return [p, { ...percentilesMs(entry?.acc), ok: entry?.ok ?? 0, failed: entry?.failed ?? 0, skipped: skipped.get(p) ?? 0 }];
      }),
    ) as PhaseStats['phases'];
    const total = e.sketches('genmon_generation_duration_seconds', range.from, to, [], {})[0]?.acc;
    return { ...range, phases, total: percentilesMs(total) };
  }

  errors(range: Range): { byCategory: Record<ErrorCategory, number>; bySeverity: Record<Severity, number> } {
    const byCategory = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, 0])) as Record<ErrorCategory, number>;
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const g of this.opts.engine.stat('genmon_errors_total', 'increase', range.from, range.to + 1, ['category', 'severity'], {}).by ?? []) {
      const c = g.labels.category as ErrorCategory;
      const s = g.labels.severity as Severity;
      if (c in byCategory) byCategory[c] += g.value ?? 0;
      if (s in bySeverity) bySeverity[s] += g.value ?? 0;
    }
    return { byCategory, bySeverity };
  }

  peaks(range: Range): ResourcePeaks {
    const max = (metric: string, direction?: string): number | null => {
      const s = this.opts.engine.stat(metric, 'max', range.from, range.to + 1, direction ? ['direction'] : [], {});
      return direction ? (s.by?.find((g) => g.labels.direction === direction)?.value ?? null) : s.value;
    };
    const cpu = max('genmon_cpu_usage_ratio');
    return {
      ...range,
      cpu: cpu === null ? null : cpu * 100,
      memUsed: max('genmon_memory_used_bytes'),
      diskReadBytes: max('genmon_disk_throughput_bytes_per_second', 'read'),
      diskWriteBytes: max('genmon_disk_throughput_bytes_per_second', 'write'),
      netRxBytes: max('genmon_network_throughput_bytes_per_second', 'rx'),
      netTxBytes: max('genmon_network_throughput_bytes_per_second', 'tx'),
      load1: null,
    };
  }

  /**
   * Machine samples averaged per step from the rollups. Rollups keep no
   * per-core, swap or load figures: those are 0, and memory totals come from
   * the latest sample.
   */
  samples(range: Range, maxPoints: number, latest: Sample | null): Sample[] {
    // A round step that tier buckets divide, so old ranges read whole hours or days.
    const wanted = (range.to - range.from) / maxPoints;
    const step = ROUND_STEPS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
    const e = this.opts.engine;
    const series = (metric: string, agg: 'avg' | 'rate', direction?: string): Map<number, number> => {
      const q = e.query({ metric, from: range.from, to: range.to + 1, step, agg, by: direction ? ['direction'] : [] });
      const s = direction ? q.series.find((x) => x.labels.direction === direction) : q.series[0];
      return new Map((s?.points ?? []).filter(([, v]) => v !== null).map(([t, v]) => [t, v as number]));
    };
    const cpu = series('genmon_cpu_usage_ratio', 'avg');
    const mem = series('genmon_memory_used_bytes', 'avg');
    const threads = series('genmon_threads', 'avg');
    const processes = series('genmon_processes', 'avg');
    const dr = series('genmon_disk_throughput_bytes_per_second', 'avg', 'read');
    const dw = series('genmon_disk_throughput_bytes_per_second', 'avg', 'write');
    const nr = series('genmon_network_throughput_bytes_per_second', 'avg', 'rx');
    const nt = series('genmon_network_throughput_bytes_per_second', 'avg', 'tx');
    const or = series('genmon_disk_operations_total', 'rate', 'read');
    const ow = series('genmon_disk_operations_total', 'rate', 'write');
    const er = series('genmon_network_packets_dropped_total', 'rate', 'rx');
    const et = series('genmon_network_packets_dropped_total', 'rate', 'tx');
    const memTotal = latest?.memTotal ?? 0;
    return [...cpu.keys()].sort((a, b) => a - b).map((ts) => ({
      ts,
      cpu: (cpu.get(ts) ?? 0) * 100,
      cores: [],
      memUsed: mem.get(ts) ?? 0,
      memAvailable: Math.max(0, memTotal - (mem.get(ts) ?? 0)),
      memTotal,
      swapUsed: 0, swapTotal: 0, load1: 0, load5: 0, load15: 0,
      processes: processes.get(ts) ?? 0,
      threads: threads.get(ts) ?? 0,
      diskReadBytes: dr.get(ts) ?? 0,
      diskWriteBytes: dw.get(ts) ?? 0,
      diskReadOps: or.get(ts) ?? 0,
      diskWriteOps: ow.get(ts) ?? 0,
      netRxBytes: nr.get(ts) ?? 0,
      netTxBytes: nt.get(ts) ?? 0,
      netRxErrors: er.get(ts) ?? 0,
      netTxErrors: et.get(ts) ?? 0,
    }));
  }
}

const ROUND_STEPS = [1, 5, 15, 30, 60, 120, 240, 480, 1440].map((m) => m * 60_000);

function merge(into: Acc, acc: Acc): void {
  into.count += acc.count;
  into.sum += acc.sum;
  if (acc.min !== null && (into.min === null || acc.min < into.min)) into.min = acc.min;
  if (acc.max !== null && (into.max === null || acc.max > into.max)) into.max = acc.max;
  if (acc.sketch) (into.sketch ??= new Sketch()).merge(acc.sketch);
}

/** Percentiles as the older endpoints give them: milliseconds. */
function percentilesMs(acc: Acc | undefined): Percentiles {
  if (!acc || acc.count === 0 || !acc.sketch) return { count: acc?.count ?? 0, p50: null, p95: null, p99: null, max: null };
  const q = (p: number) => acc.sketch!.quantile(p, acc.min, acc.max)! * 1000;
  return { count: acc.count, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: acc.max === null ? null : acc.max * 1000 };
}
