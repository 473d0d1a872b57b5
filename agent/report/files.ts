/**
 * A schedule's report folder: files written whole (temp file, fsync,
 * rename, so a crash never leaves half a report under a report's name), and
 * archival: the newest `keep` runs as they are, the next `keepCompressed`
 * runs gzip-compressed, older runs deleted. A run is every file of one slot
 * (its formats). Only files named the way reports are named are touched.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** `<template>-<YYYY-MM-DDTHHMMSSZ>.<format>[.gz]` */
const REPORT_FILE = /^[a-z0-9_-]+-(\d{4}-\d{2}-\d{2}T\d{6}Z)\.(md|html|csv|json)(\.gz)?$/i;

export async function writeDurably(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
  try {
    await file.writeFile(data);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
}

export interface ArchiveResult {
  compressed: string[];
  deleted: string[];
}

/** Runs in the folder, newest first, each with its file names. */
export async function runsIn(dir: string): Promise<{ stamp: string; files: string[] }[]> {
  const byStamp = new Map<string, string[]>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = REPORT_FILE.exec(name);
    if (!m) continue;
    byStamp.set(m[1], [...(byStamp.get(m[1]) ?? []), name]);
  }
  return [...byStamp.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1)).map(([stamp, files]) => ({ stamp, files: files.sort() }));
}

export async function archive(dir: string, keep: number, keepCompressed: number): Promise<ArchiveResult> {
  const result: ArchiveResult = { compressed: [], deleted: [] };
  for (const name of await readdir(dir)) {
    // A report's temp file outlives its write only when the agent was killed during it.
    if (name.endsWith('.tmp') && REPORT_FILE.test(name.slice(0, -4))) await rm(join(dir, name), { force: true });
  }
  const runs = await runsIn(dir);
  for (const [i, run] of runs.entries()) {
    if (i < keep) continue;
    if (i < keep + keepCompressed) {
      for (const name of run.files.filter((f) => !f.endsWith('.gz'))) {
        // A crash between the rename and the rm leaves both; compressing again is harmless.
        await writeDurably(join(dir, `${name}.gz`), await gzipAsync(await readFile(join(dir, name)), { level: 9 }));
        await rm(join(dir, name), { force: true });
        result.compressed.push(name);
      }
      continue;
    }
    for (const name of run.files) {
      await rm(join(dir, name), { force: true });
      result.deleted.push(name);
    }
  }
  if (result.compressed.length || result.deleted.length) await syncDir(dir);
  return result;
}
