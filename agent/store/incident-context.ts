/**
 * What the store shows around an incident: failed runs, error groups and
 * resource peaks in its window, and what it cost. Read when an incident is
 * asked for, so the timeline needs no copy of data the store already keeps.
 */
import type { ErrorCategory } from '../ingest/events';
import type { ErrorGroupStatus, IncidentImpact } from '../api/types';
import { costOfRuns } from './cost';
import type { Statements } from './statements';

export interface FailedRun {
  runId: string;
  ts: number;
  app: string | null;
  phase: string | null;
}

export interface GroupInWindow {
  fingerprint: string;
  category: ErrorCategory;
  message: string;
  status: ErrorGroupStatus;
  count: number;
  firstTs: number;
  /** The group's very first error fell inside the window. */
  isNew: boolean;
}

export interface Peak {
  metric: 'cpu' | 'memory';
  ts: number;
  value: number;
}

export interface IncidentContext {
  failedRuns: FailedRun[];
  impact: IncidentImpact;
  groups: GroupInWindow[];
  peaks: Peak[];
  load1Peak: number | null;
}

const MAX_RUNS = 5000;

export function incidentContext(st: Statements, from: number, to: number): IncidentContext {
  const failed = st
    .all('SELECT run_id, ended_at, app, current_phase, user_id FROM runs WHERE status = ? AND ended_at >= ? AND ended_at <= ? ORDER BY ended_at LIMIT ?', ['failed', from, to, MAX_RUNS])
    .map((r) => ({ runId: String(r.run_id), ts: Number(r.ended_at), app: r.app === null ? null : String(r.app), phase: r.current_phase === null ? null : String(r.current_phase), user: r.user_id }));
  const ended = Number(st.one<{ n: number }>('SELECT COUNT(*) AS n FROM runs WHERE ended_at >= ? AND ended_at <= ?', [from, to])?.n ?? 0);
  const errors = Number(st.one<{ n: number }>('SELECT COUNT(*) AS n FROM errors WHERE ts >= ? AND ts <= ?', [from, to])?.n ?? 0);
  const cost = costOfRuns(st, failed.map((r) => r.runId), { from: from - 6 * 3600_000, to });
  const groups = st
    .all(
      `SELECT e.fingerprint, g.category, g.message, g.status, g.first_seen, COUNT(*) AS n, MIN(e.ts) AS first_ts
       FROM errors e JOIN error_groups g ON g.fingerprint = e.fingerprint
       WHERE e.ts >= ? AND e.ts <= ? GROUP BY e.fingerprint ORDER BY n DESC LIMIT 10`,
      [from, to],
    )
    .map((r) => ({
      fingerprint: String(r.fingerprint),
      category: r.category as ErrorCategory,
      message: String(r.message),
      status: r.status as ErrorGroupStatus,
      count: Number(r.n),
      firstTs: Number(r.first_ts),
      isNew: Number(r.first_seen) >= from,
    }));
  const peaks: Peak[] = [];
  const cpu = st.one<{ ts: number; v: number }>('SELECT ts, cpu AS v FROM samples WHERE ts >= ? AND ts <= ? ORDER BY cpu DESC LIMIT 1', [from, to]);
  if (cpu) peaks.push({ metric: 'cpu', ts: Number(cpu.ts), value: Number(cpu.v) });
  const mem = st.one<{ ts: number; v: number }>(
    'SELECT ts, mem_used * 100.0 / mem_total AS v FROM samples WHERE ts >= ? AND ts <= ? AND mem_total > 0 ORDER BY v DESC LIMIT 1',
    [from, to],
  );
  if (mem) peaks.push({ metric: 'memory', ts: Number(mem.ts), value: Number(mem.v) });
  const load = st.one<{ v: number | null }>('SELECT MAX(load1) AS v FROM samples WHERE ts >= ? AND ts <= ?', [from, to]);
  return {
    failedRuns: failed.map(({ runId, ts, app, phase }) => ({ runId, ts, app, phase })),
    impact: {
      runsFailed: failed.length,
      runsEnded: ended,
      usersAffected: new Set(failed.map((r) => r.user).filter((u) => u !== null)).size,
      errors,
      costWastedUsd: cost.priced > 0 ? Math.round(cost.usd * 10_000) / 10_000 : null,
    },
    groups,
    peaks,
    load1Peak: load?.v === null || load?.v === undefined ? null : Number(load.v),
  };
}
