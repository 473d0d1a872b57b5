/**
 * Time intervals, as Alertmanager's `time_intervals`: named sets of times of
 * day, weekdays, days of the month, months and years, in a time zone, during
 * which a rule or route is active or muted (working hours, weekends).
 *
 * Written here rather than taken from a library: the rules are Alertmanager's
 * own (inclusive ranges, negative days of the month counted from the end, end
 * times exclusive), and `Intl.DateTimeFormat` already does the time zone work.
 */

export interface TimeRange {
  /** Minutes after midnight, start inclusive, end exclusive. */
  start: number;
  end: number;
}

/** One interval: every field given must match; a field left out matches anything. */
export interface IntervalSpec {
  times: TimeRange[] | null;
  /** 0 = Sunday. Inclusive ranges. */
  weekdays: [number, number][] | null;
  /** 1..31, or -1 for the last day of the month. Inclusive ranges. */
  daysOfMonth: [number, number][] | null;
  /** 1..12. */
  months: [number, number][] | null;
  years: [number, number][] | null;
  /** An IANA zone, "UTC", or null for the agent's local time ("Local"). */
  location: string | null;
}

export interface NamedInterval {
  name: string;
  intervals: IntervalSpec[];
}

/** The file's shape of one interval (Alertmanager's field names). */
export interface RawInterval {
  times?: { start_time: string; end_time: string }[];
  weekdays?: string[];
  days_of_month?: string[];
  months?: string[];
  years?: string[];
  location?: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export class IntervalError extends Error {}

function clock(text: string, allow24: boolean): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new IntervalError(`"${text}" is not a time of day HH:MM`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 24 * 60 || (!allow24 && minutes === 24 * 60)) throw new IntervalError(`"${text}" is not a time of day between 00:00 and 24:00`);
  return minutes;
}

function ranges(items: string[], what: string, parse: (part: string) => number, valid: (v: number) => boolean): [number, number][] {
  return items.map((item) => {
    const parts = String(item).split(':');
    if (parts.length > 2 || parts.some((p) => p.trim() === '')) throw new IntervalError(`${what} "${item}" is not a value or a range a:b`);
    const [a, b] = [parse(parts[0].trim()), parse((parts[1] ?? parts[0]).trim())];
    if (!valid(a) || !valid(b)) throw new IntervalError(`${what} "${item}" is out of range`);
    if (Math.sign(a) === Math.sign(b) && a > b) throw new IntervalError(`${what} range "${item}" ends before it starts`);
    return [a, b];
  });
}

function named(list: string[], what: string): (part: string) => number {
  return (part) => {
    const i = list.indexOf(part.toLowerCase());
    if (i >= 0) return list === WEEKDAYS ? i : i + 1;
    if (list === MONTHS && /^\d+$/.test(part)) return Number(part);
    throw new IntervalError(`"${part}" is not a ${what}`);
  };
}

function zone(location: string | undefined): string | null {
  if (location === undefined || location === 'Local') return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: location });
  } catch {
    throw new IntervalError(`"${location}" is not a time zone (use an IANA name such as Europe/Berlin, UTC or Local)`);
  }
  return location;
}

export function compileInterval(raw: RawInterval): IntervalSpec {
  const int = (part: string) => (/^-?\d+$/.test(part) ? Number(part) : NaN);
  const between = (min: number, max: number) => (v: number) => Number.isInteger(v) && v >= min && v <= max;
  const days = raw.days_of_month ? ranges(raw.days_of_month, 'day of month', int, (v) => between(-31, 31)(v) && v !== 0) : null;
  for (const [a, b] of days ?? []) {
    if (Math.sign(a) !== Math.sign(b)) throw new IntervalError(`day of month range ${a}:${b} mixes counting from the start and from the end`);
  }
  return {
    times: raw.times
      ? raw.times.map((t) => {
          const r = { start: clock(t.start_time, false), end: clock(t.end_time, true) };
          if (r.end <= r.start) throw new IntervalError(`time range ${t.start_time}-${t.end_time} ends before it starts (split a range across midnight in two)`);
          return r;
        })
      : null,
    weekdays: raw.weekdays ? ranges(raw.weekdays, 'weekday', named(WEEKDAYS, 'weekday'), between(0, 6)) : null,
    daysOfMonth: days,
    months: raw.months ? ranges(raw.months, 'month', named(MONTHS, 'month'), between(1, 12)) : null,
    years: raw.years ? ranges(raw.years, 'year', int, between(1, 9999)) : null,
    location: zone(raw.location),
  };
}

interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `at` in a zone (null: local time). */
export function wallClock(at: number, location: string | null): Parts {
  const key = location ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: location ?? undefined,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'long',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(key, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    weekday: WEEKDAYS.indexOf(p.weekday.toLowerCase()),
    minute: Number(p.hour) * 60 + Number(p.minute),
  };
}

const inRanges = (value: number, list: [number, number][] | null) => list === null || list.some(([a, b]) => value >= a && value <= b);

export function inInterval(spec: IntervalSpec, at: number): boolean {
  const t = wallClock(at, spec.location);
  if (spec.times && !spec.times.some((r) => t.minute >= r.start && t.minute < r.end)) return false;
  if (!inRanges(t.weekday, spec.weekdays) || !inRanges(t.month, spec.months) || !inRanges(t.year, spec.years)) return false;
  if (spec.daysOfMonth) {
    const last = new Date(Date.UTC(t.year, t.month, 0)).getUTCDate();
    const ok = spec.daysOfMonth.some(([a, b]) => {
      const from = a < 0 ? last + 1 + a : a;
      const to = b < 0 ? last + 1 + b : b;
      return t.day >= from && t.day <= to;
    });
    if (!ok) return false;
  }
  return true;
}

/** Whether any interval of the named set holds at `at`. */
export function inNamed(set: NamedInterval, at: number): boolean {
  return set.intervals.some((i) => inInterval(i, at));
}

/**
 * Which named interval mutes a rule or route now, if any: a `mute` interval
 * that holds, or (when `active` intervals are given) the fact that none does.
 */
export function mutedBy(active: readonly string[], mute: readonly string[], sets: ReadonlyMap<string, NamedInterval>, at: number): string | null {
  for (const name of mute) {
    const set = sets.get(name);
    if (set && inNamed(set, at)) return name;
  }
  if (active.length > 0 && !active.some((name) => {
    const set = sets.get(name);
    return set !== undefined && inNamed(set, at);
  })) {
    return `outside ${active.join(', ')}`;
  }
  return null;
}
