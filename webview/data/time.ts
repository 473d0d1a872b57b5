/**
 * Time buckets and axis ticks on plain epoch milliseconds, so charts need no
 * date adapter. `offsetMs` is the local zone's offset from UTC (east positive),
 * so hour and day boundaries fall on local midnight, not UTC's.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Bucket widths, smallest first; every one divides a day or is whole days. */
const STEPS = [
  30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY,
];

/** The smallest step that cuts `spanMs` into at most `maxCount` pieces. */
export function stepFor(spanMs: number, maxCount: number): number {
  for (const step of STEPS) if (spanMs / step <= maxCount) return step;
  return STEPS[STEPS.length - 1];
}

/** At most this many time buckets per chart: 15 m → 30 s, 1 h → 1 m, 24 h → 15 m, 7 d → 2 h, 30 d → 12 h, 90 d → 1 d. */
export const MAX_BUCKETS = 96;

export function bucketSize(spanMs: number): number {
  return stepFor(spanMs, MAX_BUCKETS);
}

/** Start of the step-aligned slot that holds `ts`. */
export function floorTo(ts: number, step: number, offsetMs = 0): number {
  return Math.floor((ts + offsetMs) / step) * step - offsetMs;
}

/** Starts of the aligned buckets overlapping [from, to]. */
export function bucketStarts(from: number, to: number, step: number, offsetMs = 0): number[] {
  const starts: number[] = [];
  for (let t = floorTo(from, step, offsetMs); t <= to; t += step) starts.push(t);
  return starts;
}

/** Aligned tick positions inside [min, max], at most about `maxTicks`. */
export function timeTicks(min: number, max: number, maxTicks: number, offsetMs = 0): { values: number[]; step: number } {
  const step = stepFor(Math.max(1, max - min), Math.max(1, maxTicks));
  const values: number[] = [];
  let t = floorTo(min, step, offsetMs);
  if (t < min) t += step;
  for (; t <= max; t += step) values.push(t);
  return { values, step };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A tick label: the time of day, or the date where a tick falls on local midnight or steps are whole days. */
export function formatTick(ts: number, step: number): string {
  const d = new Date(ts);
  if (step >= DAY || (d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0)) return `${d.getDate()} ${MONTHS[d.getMonth()]}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return step < MINUTE ? `${time}:${pad(d.getSeconds())}` : time;
}

/** A full timestamp for tooltips and tables. */
export function formatTimestamp(ts: number): string {
  const d = new Date(ts);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The local zone's offset for `ts`, as `offsetMs` above expects. */
export function localOffset(ts: number): number {
  return -new Date(ts).getTimezoneOffset() * MINUTE;
}
