/**
 * Which ended runs become a toast, and how a burst becomes one toast
 * ("5 generations failed in the last minute") instead of five. Pure, with
 * the clock passed in.
 */
import type { RunSummary } from '../agent/api/types';
import { toastSafe } from './toast-text';

export type NotificationLevel = 'failures' | 'failuresAndPartials' | 'off';

export interface Toast {
  severity: 'error' | 'warning';
  message: string;
  runIds: string[];
}

/** A run that ended longer ago than this (a log read late, an agent catching up) does not notify. */
export const STALE_AFTER_MS = 5 * 60_000;

export class RunEndGrouper {
  private pending: RunSummary[] = [];
  private firstAt: number | null = null;
  private readonly seen = new Set<string>();

  constructor(private readonly windowMs = 2000) {}

  /** Takes a pushed run; only the first time a run ends failed or partial counts, and only if it ended just now. */
  add(run: RunSummary, level: NotificationLevel, mutedUntil: number, now: number): void {
    if (level === 'off' || now < mutedUntil) return;
    if (run.endedAt !== null && run.endedAt < now - STALE_AFTER_MS) return;
    const wanted = run.status === 'failed' || (run.status === 'partial' && level === 'failuresAndPartials');
    if (!wanted || this.seen.has(run.runId)) return;
    this.seen.add(run.runId);
    if (this.seen.size > 10_000) this.seen.clear();
    this.pending.push(run);
    this.firstAt ??= now;
  }

  /** When the open group closes, or null. */
  dueAt(): number | null {
    return this.firstAt === null ? null : this.firstAt + this.windowMs;
  }

  /** The toast for the group, once its window has passed. */
  take(now: number): Toast | null {
    if (this.firstAt === null || now < this.firstAt + this.windowMs) return null;
    const runs = this.pending;
    this.pending = [];
    this.firstAt = null;
    const failed = runs.filter((r) => r.status === 'failed');
    const partial = runs.length - failed.length;
    const severity = failed.length > 0 ? 'error' : 'warning';
    const name = (r: RunSummary) => toastSafe((r.app ?? r.runId).replace(/\s+/g, ' ').slice(0, 60));
    let message: string;
    if (runs.length === 1) {
      const r = runs[0];
      message = r.status === 'failed' ? `Generation of ${name(r)} failed${r.currentPhase ? ` in ${r.currentPhase}` : ''}` : `Generation of ${name(r)} ended partially`;
    } else {
      const parts = [failed.length ? `${failed.length} generations failed` : '', partial ? `${partial} ended partially` : ''].filter(Boolean);
      message = `${parts.join(', ')} in the last ${Math.max(1, Math.round(this.windowMs / 1000))} s`;
    }
    return { severity, message, runIds: runs.map((r) => r.runId) };
  }
}
