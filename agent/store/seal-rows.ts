/**
 * The database side of sealing and retiring: which rows a partition takes
 * from the hot database, and which rows age out. The same SQL picks the rows
 * a seal copies (partitions.ts) and the rows its record deletes, so the two
 * always agree. Deletes go by time range through an index, a period at a time.
 */
import type { Retention } from '../metrics/settings';
import type { PartTier } from './journal';
import type { Statements } from './statements';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Runs a facts partition takes: started in its period and no longer running. */
export const SEALED_RUNS = "SELECT run_id FROM runs WHERE started_at >= ? AND started_at < ? AND status != 'running'";

/** Per-run tables that follow their run into a facts partition. */
export const RUN_TABLES = ['phases', 'quality', 'feedback', 'modifications'] as const;

/** Sessions a facts partition takes: started in its period and closed. */
export const SEALED_SESSIONS = 'SELECT session_id FROM sessions WHERE started_at >= ? AND started_at < ? AND closed_at IS NOT NULL';

export function sealRows(st: Statements, tier: PartTier, from: number, to: number): void {
  if (tier === '1m' || tier === '1h') {
    st.run(`DELETE FROM rollup_${tier} WHERE bucket >= ? AND bucket < ?`, [from, to]);
    return;
  }
  for (const table of RUN_TABLES) st.run(`DELETE FROM ${table} WHERE run_id IN (${SEALED_RUNS})`, [from, to]);
  st.run(`DELETE FROM runs WHERE run_id IN (${SEALED_RUNS})`, [from, to]);
  st.run(`DELETE FROM sessions WHERE session_id IN (${SEALED_SESSIONS})`, [from, to]);
}

/** Raw rows past the raw window, and hot rollups past their tier's retention, as of `at`. */
export function retireRows(st: Statements, at: number, r: Retention): void {
  const raw = at - r.rawHours * HOUR;
  for (const [table, column] of [['inferences', 'ts'], ['errors', 'ts'], ['events', 'ts'], ['raw_chunks', 'received_at'], ['api_requests', 'ts'], ['db_queries', 'ts']] as const) {
    st.run(`DELETE FROM ${table} WHERE ${column} < ?`, [raw]);
  }
  const samples = at - r.samplesRawHours * HOUR;
  st.run('DELETE FROM samples WHERE ts < ?', [samples]);
  st.run('DELETE FROM mounts WHERE ts < ?', [samples]);
  st.run('DELETE FROM rollup_1m WHERE bucket < ?', [at - r.minuteDays * DAY]);
  st.run('DELETE FROM rollup_1h WHERE bucket < ?', [at - r.hourDays * DAY]);
  st.run('DELETE FROM rollup_1d WHERE bucket < ?', [at - r.dayDays * DAY]);
  st.run('DELETE FROM user_activity WHERE hour < ?', [at - r.hourDays * DAY]);
}
