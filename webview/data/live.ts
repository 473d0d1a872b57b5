/**
 * The webview's copy of one range, and how pushed changes move it: runs
 * replace their older selves and shift the summary counts, errors bump the
 * top-errors table, samples are appended, and the window slides with the
 * newest timestamp. Aggregates the webview cannot derive (percentiles) wait
 * for the host's `aggregates` message.
 */
import type { ErrorRecord, RunStatus, RunSummary, Sample, Summary } from '../../agent/api/types';
import type { Aggregates, DashboardData, LiveDelta } from '../../src/dashboard/protocol';
import { downsample } from './samples';

export interface DashboardModel extends DashboardData {
  /** to - from, kept while the window slides. */
  span: number;
  /** Errors already counted from pushes, so a repeated push is not counted twice. */
  seenErrorIds: Set<number>;
}

export interface Changes {
  runs: boolean;
  errors: boolean;
  samples: boolean;
  summary: boolean;
}

export function modelFrom(data: DashboardData): DashboardModel {
  return { ...structuredClone(data), span: data.to - data.from, seenErrorIds: new Set() };
}

const COUNT_FIELD: Record<RunStatus, 'successes' | 'failures' | 'partials' | 'running' | 'abandoned'> = {
  success: 'successes',
  failed: 'failures',
  partial: 'partials',
  running: 'running',
  abandoned: 'abandoned',
};

export function applyDeltas(model: DashboardModel, deltas: readonly LiveDelta[]): Changes {
  const changes: Changes = { runs: false, errors: false, samples: false, summary: false };
  let newest = model.to;
  for (const delta of deltas) {
    switch (delta.type) {
      case 'run':
        applyRun(model, delta.run);
        changes.runs = changes.summary = true;
        newest = Math.max(newest, delta.run.endedAt ?? delta.run.startedAt);
        break;
      case 'phase': {
        const run = model.runs.find((r) => r.runId === delta.runId);
        if (run && delta.phase.status === 'running' && run.currentPhase !== delta.phase.phase) {
          run.currentPhase = delta.phase.phase;
          changes.runs = true;
        }
        break;
      }
      case 'error':
        if (applyError(model, delta.error)) changes.errors = changes.summary = true;
        newest = Math.max(newest, delta.error.ts);
        break;
      case 'sample':
        if (applySample(model, delta.sample)) changes.samples = changes.summary = true;
        newest = Math.max(newest, delta.sample.ts);
        break;
    }
  }
  if (newest > model.to) slide(model, newest, changes);
  return changes;
}

export function applyAggregates(model: DashboardModel, aggregates: Aggregates): void {
  model.summary = structuredClone(aggregates.summary);
  model.phases = structuredClone(aggregates.phases);
  model.topErrors = structuredClone(aggregates.topErrors);
}

function applyRun(model: DashboardModel, run: RunSummary): void {
  const summary = model.summary;
  const i = model.runs.findIndex((r) => r.runId === run.runId);
  if (i >= 0) {
    const before = model.runs[i].status;
    if (before !== run.status) {
      summary[COUNT_FIELD[before]] = Math.max(0, (summary[COUNT_FIELD[before]] ?? 0) - 1);
      summary[COUNT_FIELD[run.status]] = (summary[COUNT_FIELD[run.status]] ?? 0) + 1;
    }
    model.runs[i] = run;
  } else {
    summary.attempts++;
    summary[COUNT_FIELD[run.status]] = (summary[COUNT_FIELD[run.status]] ?? 0) + 1;
    insertNewestFirst(model.runs, run);
  }
  summary.successRate = successRate(summary);
  if (!summary.lastRun || summary.lastRun.runId === run.runId || run.startedAt >= summary.lastRun.startedAt) summary.lastRun = run;
}

function insertNewestFirst(runs: RunSummary[], run: RunSummary): void {
  let i = 0;
  while (i < runs.length && runs[i].startedAt > run.startedAt) i++;
  runs.splice(i, 0, run);
}

export function successRate(s: Pick<Summary, 'successes' | 'failures' | 'partials'>): number | null {
  const ended = s.successes + s.failures + s.partials;
  return ended === 0 ? null : s.successes / ended;
}

function applyError(model: DashboardModel, error: ErrorRecord): boolean {
  if (model.seenErrorIds.has(error.id)) return false;
  model.seenErrorIds.add(error.id);
  const summary = model.summary;
  summary.errorsByCategory[error.category] = (summary.errorsByCategory[error.category] ?? 0) + 1;
  summary.errorsBySeverity[error.severity] = (summary.errorsBySeverity[error.severity] ?? 0) + 1;
  const top = model.topErrors.find((t) => t.category === error.category && t.severity === error.severity && t.message === error.message);
  if (top) {
    top.count++;
    if (error.ts >= top.lastSeen) {
      top.lastSeen = error.ts;
      top.lastRunId = error.runId;
    }
  } else {
    model.topErrors.push({ category: error.category, severity: error.severity, message: error.message, count: 1, lastSeen: error.ts, lastRunId: error.runId });
  }
  model.topErrors.sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen);
  return true;
}

function applySample(model: DashboardModel, sample: Sample): boolean {
  const last = model.samples[model.samples.length - 1];
  if (last && sample.ts <= last.ts) return false;
  model.samples.push(sample);
  model.summary.latestSample = sample;
  if (model.samples.length > 2 * model.maxPoints) model.samples = downsample(model.samples, model.maxPoints);
  return true;
}

/** Moves the window to end at `to`, dropping samples and runs that fell out of it. */
function slide(model: DashboardModel, to: number, changes: Changes): void {
  model.to = to;
  model.from = to - model.span;
  model.summary.to = model.to;
  model.summary.from = model.from;
  const firstKept = model.samples.findIndex((s) => s.ts >= model.from);
  if (model.samples.length > 0 && firstKept !== 0) {
    model.samples = firstKept < 0 ? [] : model.samples.slice(firstKept);
    changes.samples = true;
  }
  const kept = model.runs.filter((r) => r.startedAt >= model.from);
  if (kept.length !== model.runs.length) {
    model.runs = kept;
    changes.runs = true;
  }
}
