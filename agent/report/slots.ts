/**
 * When a schedule's reports fall due. A slot is the instant a report is due
 * and the end of the range it covers; the range starts at the slot before.
 * Daily and weekly slots are wall-clock times in the schedule's time zone
 * (croner does the zone and daylight-saving arithmetic, so a daily report
 * after a DST change covers 23 or 25 hours, as the calendar day did);
 * intervals are fixed periods counted from the epoch.
 */
import { Cron } from 'croner';
import { WEEKDAYS, type ReportSchedule } from './schedule-config';

type Timing = Pick<ReportSchedule, 'every' | 'at' | 'timezone'>;

const crons = new Map<string, Cron>();

function cronOf(s: Timing): Cron {
  const [hh, mm] = s.at.split(':').map(Number);
  const dow = s.every.kind === 'weekly' ? WEEKDAYS.indexOf(s.every.weekday) : '*';
  const pattern = `${mm} ${hh} * * ${dow}`;
  const key = `${pattern}|${s.timezone}`;
  let cron = crons.get(key);
  if (!cron) {
    // Without a callback croner schedules nothing: it is used to compute times only.
    cron = new Cron(pattern, { timezone: s.timezone });
    crons.set(key, cron);
  }
  return cron;
}

/** The newest slot at or before `now`. */
export function latestSlot(s: Timing, now: number): number {
  if (s.every.kind === 'interval') return Math.floor(now / s.every.ms) * s.every.ms;
  // croner counts a run in the same second before the reference, so 1 ms past `now` includes `now`.
  const [prev] = cronOf(s).previousRuns(1, new Date(now + 1));
  return prev.getTime();
}

/** The first slot after `now`. */
export function nextSlot(s: Timing, now: number): number {
  if (s.every.kind === 'interval') return (Math.floor(now / s.every.ms) + 1) * s.every.ms;
  return cronOf(s).nextRun(new Date(now))!.getTime();
}

/** The range a slot's report covers: from the slot before up to the slot. */
export function slotRange(s: Timing, slot: number): { from: number; to: number } {
  return { from: latestSlot(s, slot - 1), to: slot };
}
