/**
 * Settings that change what the apply step writes, so they travel in the
 * journal (a `settings` record whenever the agent starts with different
 * ones) and a replay writes the same rollups: the price table, and how long
 * each tier keeps data.
 */
import { DEFAULT_PRICES, parsePrices, type PriceTable } from './prices';
import type { Tier } from './rollup';

export interface Retention {
  /** Raw run events (inferences, errors, unknown events, raw lines): hours. */
  rawHours: number;
  /** Raw machine samples: hours. */
  samplesRawHours: number;
  /** 1-minute rollups: days. */
  minuteDays: number;
  /** 1-hour rollups and per-run facts: days. */
  hourDays: number;
  /** 1-day rollups: days. */
  dayDays: number;
}

export const DEFAULT_RETENTION: Retention = { rawHours: 168, samplesRawHours: 24, minuteDays: 3, hourDays: 400, dayDays: 1830 };

export interface StoreSettings {
  prices: PriceTable;
  retention: Retention;
}

export const DEFAULT_SETTINGS: StoreSettings = { prices: DEFAULT_PRICES, retention: DEFAULT_RETENTION };

export class SettingsError extends Error {}

const LIMITS: Record<keyof Retention, [number, number]> = {
  rawHours: [1, 24 * 90],
  samplesRawHours: [1, 24 * 30],
  minuteDays: [1, 90],
  hourDays: [1, 3650],
  dayDays: [1, 3650],
};

/** Checks a retention object (from the config file), naming the first key that is wrong. */
export function parseRetention(value: unknown, where = 'retention'): Retention {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SettingsError(`${where}: must be an object`);
  const out = { ...DEFAULT_RETENTION };
  for (const [key, v] of Object.entries(value)) {
    const limits = LIMITS[key as keyof Retention];
    if (!limits) throw new SettingsError(`${where}: unknown key "${key}" (known: ${Object.keys(LIMITS).join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < limits[0] || v > limits[1]) {
      throw new SettingsError(`${where}.${key} must be a number from ${limits[0]} to ${limits[1]}`);
    }
    out[key as keyof Retention] = v;
  }
  if (out.hourDays > out.dayDays) throw new SettingsError(`${where}: hourDays (${out.hourDays}) must not exceed dayDays (${out.dayDays})`);
  if (out.minuteDays > out.hourDays) throw new SettingsError(`${where}: minuteDays (${out.minuteDays}) must not exceed hourDays (${out.hourDays})`);
  return out;
}

export function parseSettings(value: unknown): StoreSettings {
  const v = (value ?? {}) as { prices?: unknown; retention?: unknown };
  return { prices: v.prices ? parsePrices(v.prices) : DEFAULT_PRICES, retention: v.retention ? parseRetention(v.retention) : DEFAULT_RETENTION };
}

/** How far back a tier keeps data, ms. */
export function tierRetentionMs(r: Retention, tier: Tier): number {
  const day = 86_400_000;
  return tier === '1m' ? r.minuteDays * day : tier === '1h' ? r.hourDays * day : r.dayDays * day;
}
