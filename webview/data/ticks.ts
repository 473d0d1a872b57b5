/** Round tick steps for value axes, in the unit's own sense of round: 1-2-5 decimals, binary byte units, clock durations. */

/** `count` is `plain` without fractions. */
export type ValueUnit = 'plain' | 'count' | 'bytes' | 'duration';

/** 1, 2 or 5 times a power of ten, at least `x`. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5]) if (m * power >= x * (1 - 1e-12)) return m * power;
  return 10 * power;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DURATION_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR,
];

function byteStep(x: number): number {
  if (!(x > 0)) return 1;
  const unit = 1024 ** Math.max(0, Math.floor(Math.log(x) / Math.log(1024)));
  for (const m of [1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500]) if (m * unit >= x) return m * unit;
  return 1024 * unit;
}

export function valueStep(x: number, unit: ValueUnit): number {
  if (unit === 'bytes') return byteStep(x);
  if (unit === 'duration') return DURATION_STEPS.find((s) => s >= x) ?? niceStep(x / (24 * HOUR)) * 24 * HOUR;
  return unit === 'count' ? Math.max(1, niceStep(x)) : niceStep(x);
}

/**
 * Ticks from 0 for data up to `max`: at most about `maxTicks` of them.
 * `top` is where the axis should end: the first tick at or above `max`,
 * unless `fixedTop` pins it (then no tick goes past it).
 */
export function valueTicks(max: number, maxTicks: number, unit: ValueUnit, fixedTop?: number): { values: number[]; top: number } {
  const limit = fixedTop ?? max;
  if (!(limit > 0)) return { values: [0], top: fixedTop || 1 };
  const step = valueStep(limit / Math.max(1, maxTicks), unit);
  const top = fixedTop ?? Math.ceil(limit / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = 0; v <= top + step * 1e-9; v += step) values.push(v);
  return { values, top };
}
