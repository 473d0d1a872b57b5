/**
 * How report numbers and times read, the same in every format: durations in
 * ms/s/min, bytes in binary units, shares as percentages, money in dollars,
 * times as `YYYY-MM-DD HH:mm` in the report's time zone.
 */
import type { ReportUnit } from '../api/types';

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3600_000) {
    const m = Math.floor(ms / 60_000);
    return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
  }
  const h = Math.floor(ms / 3600_000);
  return `${h} h ${Math.round((ms % 3600_000) / 60_000)} min`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `n` bytes in the largest binary unit that keeps it at 1 or more. */
export function scaleBytes(n: number): { value: number; unit: string } {
  let value = n;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < BYTE_UNITS.length - 1) {
    value /= 1024;
    i++;
  }
  return { value, unit: BYTE_UNITS[i] };
}

export function formatBytes(n: number | null, perSecond = false): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const { value, unit } = scaleBytes(n);
  return `${value.toFixed(unit === 'B' ? 0 : 1)} ${unit}${perSecond ? '/s' : ''}`;
}

export function formatPercent(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '–' : `${(ratio * 100).toFixed(1)}%`;
}

export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '–';
  const abs = Math.abs(usd);
  // Cents hide what a cheap model costs per run; show more digits below a dollar.
  const digits = abs === 0 || abs >= 1 ? 2 : abs >= 0.01 ? 3 : 4;
  return `${usd < 0 ? '-' : ''}$${abs.toFixed(digits)}`;
}

export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 10_000) return Math.round(n).toLocaleString('en-US');
  return Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone reports show dates in when none is asked for: the machine's. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whether `zone` is an IANA time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `2026-01-02 07:00` in `zone` (`date` only: `2026-01-02`). */
export function formatTime(ms: number | null, zone = 'UTC', part: 'datetime' | 'date' | 'time' = 'datetime'): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  let fmt = timeFormats.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(zone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  const time = `${p.hour}:${p.minute}`;
  return part === 'date' ? date : part === 'time' ? time : `${date} ${time}`;
}

export function formatValue(value: number | string | null, unit: ReportUnit, zone = 'UTC'): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  switch (unit) {
    case 'ratio':
      return formatPercent(value);
    case 'percent':
      return formatPercent(value / 100);
    case 'ms':
      return formatDuration(value);
    case 'usd':
      return formatUsd(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return formatBytes(value, true);
    case 'time':
      return formatTime(value, zone);
    case 'count':
    case 'text':
      return formatCount(value);
  }
}

/** `+12.0%` / `-3` against the figure before, or '' when there is nothing to compare. */
export function formatChange(value: number | null, previous: number | null | undefined, unit: ReportUnit): string {
  if (value === null || previous === null || previous === undefined) return '';
  if (unit === 'ratio' || unit === 'percent') {
    const points = (value - previous) * (unit === 'ratio' ? 100 : 1);
    return `${points >= 0 ? '+' : ''}${points.toFixed(1)} pt`;
  }
  if (previous === 0) return value === 0 ? '±0' : 'new';
  const rel = ((value - previous) / Math.abs(previous)) * 100;
  return `${rel >= 0 ? '+' : ''}${rel.toFixed(rel !== 0 && Math.abs(rel) < 10 ? 1 : 0)}%`;
}
