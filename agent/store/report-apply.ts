/**
 * The `report` journal record: a scheduled report's slot done, the files
 * written, and its webhook delivery, applied together. The slot and the
 * delivery in one record is what makes a restart neither write a report
 * twice nor lose or repeat its delivery: either both are recorded, and the
 * outbox sends what is pending, or neither, and the slot is due again.
 */
import type { DeliveryView } from '../api/types';
import { applyOp } from './alerting-apply';
import type { Statements } from './statements';

export interface ReportRun {
  schedule: string;
  /** The slot's instant: the end of the range the report covers. */
  slot: number;
  /** When it was written. */
  at: number;
  /** File names written, in the schedule's folder. */
  files: string[];
  delivery?: { delivery: DeliveryView; payload: string };
}

export interface LastReportRun {
  slot: number;
  at: number;
  files: string[];
}

const PREFIX = 'report_run:';

export function encodeReportRun(run: ReportRun): Buffer {
  return Buffer.from(JSON.stringify(run));
}

export function applyReportRun(st: Statements, body: Buffer): void {
  const run = JSON.parse(body.toString('utf8')) as ReportRun;
  st.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [`${PREFIX}${run.schedule}`, JSON.stringify({ slot: run.slot, at: run.at, files: run.files } satisfies LastReportRun)]);
  if (run.delivery) applyOp(st, { op: 'delivery.put', delivery: run.delivery.delivery, payload: run.delivery.payload });
}

/** The last slot each schedule wrote, by schedule name. */
export function lastReportRuns(st: Statements): Map<string, LastReportRun> {
  const rows = st.all<{ key: string; value: string }>('SELECT key, value FROM meta WHERE key >= ? AND key < ?', [PREFIX, `${PREFIX}\uffff`]);
  return new Map(rows.map((r) => [r.key.slice(PREFIX.length), JSON.parse(r.value) as LastReportRun]));
}
