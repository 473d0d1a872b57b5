/**
 * Backups: one gzip'd tar holding the hot database image, the partition files
 * and a manifest. Taken while the agent runs, inside the store's exclusive
 * section: the image is the database as of the last applied journal record
 * (everything acknowledged before the backup began), and the partition files
 * are hard-linked at that same moment, before any seal or drop can change
 * them. Restoring puts them back in place of a stopped agent's files; the old
 * ones are kept aside.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tar from 'tar';
import { SCHEMA_VERSION } from './schema';
import { fsyncDir, listParts, partsDir } from './partition-files';
import { loadSqlJs, openImage } from './sqlite';
import type { Store } from './store';

export const BACKUP_FORMAT = 1;

export interface BackupManifest {
  format: number;
  createdAt: number;
  /** The last journal record the image contains. */
  seq: number;
  schemaVersion: number;
  /** File name → SHA-256, for everything in the archive but the manifest. */
  files: Record<string, string>;
}

export interface BackupResult {
  file: string;
  bytes: number;
  seq: number;
  createdAt: number;
}

const DB_NAME = 'genmon.db';
const PARTS = 'parts';

/** A consistent backup of a running store into `out` (a `.tar.gz` that must not exist yet). */
export async function backupStore(store: Store, out: string, now = Date.now()): Promise<BackupResult> {
  if (existsSync(out)) throw new BackupError(`${out} already exists`);
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dirname(out), '.genmon-backup-'));
  try {
    const seq = await store.exclusive(async () => {
      const { image, seq: last } = store.exportImage();
      writeFileSync(join(staging, DB_NAME), image, { mode: 0o600 });
      stageParts(store.dataPath, staging);
      return last;
    });
    return await pack(staging, out, seq, now);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** A backup of a database no agent is running on: the newest generation with its journal replayed. */
export async function backupFiles(dbPath: string, out: string, log: (m: string) => void, now = Date.now()): Promise<BackupResult> {
  const { Store } = await import('./store');
  if (existsSync(out)) throw new BackupError(`${out} already exists`);
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dirname(out), '.genmon-backup-'));
  const store = await Store.open({ dbPath, readOnly: true, log });
  try {
    const { image, seq } = store.exportImage();
    writeFileSync(join(staging, DB_NAME), image, { mode: 0o600 });
    stageParts(dbPath, staging);
    return await pack(staging, out, seq, now);
  } finally {
    store.db.close();
    rmSync(staging, { recursive: true, force: true });
  }
}

function stageParts(dbPath: string, staging: string): void {
  mkdirSync(join(staging, PARTS));
  for (const part of listParts(dbPath)) {
    const target = join(staging, PARTS, basename(part.path));
    try {
      // A hard link is instant and keeps this version even if a later seal renames a new one over it.
      linkSync(part.path, target);
    } catch {
      copyFileSync(part.path, target);
    }
  }
}

async function pack(staging: string, out: string, seq: number, createdAt: number): Promise<BackupResult> {
  const names = [DB_NAME, ...readdirSync(join(staging, PARTS)).map((f) => `${PARTS}/${f}`)];
  const files = Object.fromEntries(names.map((n) => [n, sha256(join(staging, n))]));
  const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt, seq, schemaVersion: SCHEMA_VERSION, files };
  writeFileSync(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const tmp = `${out}.tmp`;
  await tar.c({ gzip: true, file: tmp, cwd: staging, portable: true }, ['manifest.json', ...names]);
  const fd = await open(tmp, 'r');
  await fd.datasync();
  await fd.close();
  renameSync(tmp, out);
  fsyncDir(dirname(out));
  return { file: out, bytes: statSync(out).size, seq, createdAt };
}

export class BackupError extends Error {}

/**
 * Replaces the database at `dbPath` (its generations, journal and
 * partitions) with a backup. The agent must not be running. What was there
 * is moved aside to `<dbPath>.before-restore-<time>/`.
 */
export async function restoreBackup(archive: string, dbPath: string, now = Date.now()): Promise<{ manifest: BackupManifest; aside: string | null }> {
  if (!existsSync(archive)) throw new BackupError(`${archive} does not exist`);
  const dir = dirname(dbPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dir, '.genmon-restore-'));
  try {
    try {
      await tar.x({ file: archive, cwd: staging, strict: true, filter: (path) => path === 'manifest.json' || path === DB_NAME || /^parts\/[\w.-]+\.sqlite\.br$/.test(path) });
    } catch (err) {
      throw new BackupError(`${archive} is not a Genmon backup: ${(err as Error).message}`);
    }
    const manifest = readManifest(staging, archive);
    for (const [name, digest] of Object.entries(manifest.files)) {
      if (!existsSync(join(staging, name)) || sha256(join(staging, name)) !== digest) throw new BackupError(`${archive}: ${name} is missing or damaged`);
    }
    const SQL = await loadSqlJs();
    try {
      openImage(SQL, readFileSync(join(staging, DB_NAME))).close();
    } catch (err) {
      throw new BackupError(`${archive}: the database in it is unusable (${(err as Error).message})`);
    }
    const present = [dbPath, `${dbPath}.prev`, `${dbPath}.tmp`, `${dbPath}.journal`, partsDir(dbPath)].filter((p) => existsSync(p));
    let aside: string | null = null;
    if (present.length > 0) {
      aside = `${dbPath}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
      mkdirSync(aside, { mode: 0o700 });
      for (const p of present) renameSync(p, join(aside, basename(p)));
    }
    renameSync(join(staging, PARTS), partsDir(dbPath));
    renameSync(join(staging, DB_NAME), dbPath);
    // Answers kept of the partitions replaced (a cache, computed again from the restored ones).
    rmSync(`${dbPath}.answers`, { recursive: true, force: true });
    fsyncDir(dir);
    return { manifest, aside };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function readManifest(staging: string, archive: string): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(join(staging, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${archive} has no readable manifest.json; is it a Genmon backup?`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`${archive}: backup format ${manifest.format} is not supported (expected ${BACKUP_FORMAT})`);
  if (manifest.schemaVersion > SCHEMA_VERSION) {
    throw new BackupError(`${archive} comes from a newer Genmon (schema ${manifest.schemaVersion}, this one ${SCHEMA_VERSION}); upgrade first`);
  }
  if (!existsSync(join(staging, PARTS))) mkdirSync(join(staging, PARTS));
  return manifest;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Backups in a directory written by the schedule, oldest first. */
export function scheduledBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^genmon-\d{8}T\d{6}Z\.tar\.gz$/.test(f)).sort().map((f) => join(dir, f));
}

export function backupName(now: number): string {
  return `genmon-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.tar.gz`;
}
