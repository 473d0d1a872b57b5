/** Number formatting for ticks, tooltips, tiles and tables. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return rest ? `${m} m ${rest} s` : `${m} m`;
  const h = Math.floor(m / 60);
  return m - h * 60 ? `${h} h ${m - h * 60} m` : `${h} h`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond === null || bytesPerSecond === undefined ? '–' : `${formatBytes(bytesPerSecond)}/s`;
}

/** `ratio` is 0..1. */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)} %`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** US dollars: cents below $100, whole dollars above, and a few digits more for fractions of a cent. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '–';
  const abs = Math.abs(usd);
  const digits = abs === 0 || abs >= 100 ? 0 : abs >= 0.01 ? 2 : 4;
  return `${usd < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A plain number with at most `digits` decimals, grouped. */
export function formatNumber(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** How a value in a registry unit reads: seconds as a duration, ratios as percent, and so on. */
export function formatUnit(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'seconds':
      return formatDuration(value * 1000);
    case 'ratio':
      return formatPercent(value);
    case 'usd':
      return formatUsd(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return formatRate(value);
    case '1/s':
      return `${formatNumber(value)}/s`;
    case 'score':
      return formatNumber(value, 1);
    case '1':
      return Number.isInteger(value) ? formatCount(value) : formatNumber(value);
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

/** Large counts shortened: 31.6 M, 5.1 k. */
export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 1 });
}

/** Small rates keep two significant digits (0.0042), larger ones two decimals at most. */
export function formatSmall(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n !== 0 && Math.abs(n) < 0.1) return String(Number(n.toPrecision(2)));
  return formatNumber(n);
}
