/**
 * Partition files: sealed periods of the store, next to the database in
 * `<db>.parts/`, each a Brotli-compressed SQLite image named by what it holds
 * and the period's first day: `1m-2026-11-24.sqlite.br` (one day of 1-minute
 * rollups), `1h-2026-11-23.sqlite.br` and `facts-2026-11-23.sqlite.br` (seven
 * days from a Monday of 1-hour rollups, and of per-run facts).
 *
 * A seal writes the new file as `<name>.next-<seq>` (temp, fsync, rename),
 * then journals record `<seq>`; applying that record, live or on replay,
 * renames it into place. A `.next-*` file without its record is left from a
 * crash in between and is deleted at the next start.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalRecord, PartTier } from './journal';

export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05 was a Monday. */
const MONDAY_MS = 4 * DAY_MS;
const SUFFIX = '.sqlite.br';

export function partsDir(dbPath: string): string {
  return `${dbPath}.parts`;
}

/** The period of a tier's partitions that holds `t`. */
export function periodOf(tier: PartTier, t: number): { from: number; to: number } {
  if (tier === '1m') {
    const from = t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
    return { from, to: from + DAY_MS };
  }
  const from = t - ((((t - MONDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS);
  return { from, to: from + WEEK_MS };
}

export function partName(tier: PartTier, from: number): string {
  return `${tier}-${new Date(from).toISOString().slice(0, 10)}`;
}

export function partFile(dbPath: string, name: string): string {
  return join(partsDir(dbPath), `${name}${SUFFIX}`);
}

export interface PartInfo {
  name: string;
  tier: PartTier;
  from: number;
  to: number;
  path: string;
}

/** Every partition file, oldest first. */
export function listParts(dbPath: string): PartInfo[] {
  const dir = partsDir(dbPath);
  if (!existsSync(dir)) return [];
  const out: PartInfo[] = [];
  for (const file of readdirSync(dir)) {
    const m = /^(1m|1h|facts)-(\d{4}-\d{2}-\d{2})\.sqlite\.br$/.exec(file);
    if (!m) continue;
    const tier = m[1] as PartTier;
    const { from, to } = periodOf(tier, Date.parse(`${m[2]}T00:00:00Z`));
    out.push({ name: file.slice(0, -SUFFIX.length), tier, from, to, path: join(dir, file) });
  }
  return out.sort((a, b) => a.from - b.from || a.tier.localeCompare(b.tier));
}

export function ensurePartsDir(dbPath: string): string {
  const dir = partsDir(dbPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The file side of a seal or drop record: the same live and on replay, and harmless twice. */
export function partitionFileEffect(dbPath: string, record: JournalRecord, log: (m: string) => void): void {
  const h = record.header;
  if (h.kind === 'seal') {
    const final = partFile(dbPath, h.part);
    const next = `${final}.next-${record.seq}`;
    if (existsSync(next)) {
      renameSync(next, final);
      fsyncDir(partsDir(dbPath));
    } else if (!existsSync(final)) {
      log(`partition ${h.part} of journal record ${record.seq} is missing; its rows are gone from the hot database`);
    }
  } else if (h.kind === 'drop') {
    for (const name of h.parts) rmSync(partFile(dbPath, name), { force: true });
  }
}

export function removeStaleParts(dbPath: string): void {
  const dir = partsDir(dbPath);
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir)) if (/\.next-\d+$|\.tmp$/.test(file)) rmSync(join(dir, file), { force: true });
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
