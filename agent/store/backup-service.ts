/**
 * Backups from the running agent: `POST /api/v1/backup` (the CLI and the
 * palette command use it), and the schedule: every `everyHours` a backup
 * into the backup directory, keeping the newest `keep`.
 */
import { rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ApiServer } from '../api/server';
import { HttpError } from '../api/server';
import type { BackupAnswer } from '../api/types';
import { backupName, backupStore, scheduledBackups } from './backup';
import type { Store } from './store';

export interface BackupSchedule {
  /** Where scheduled backups (and `POST /backup` without a path) go. */
  dir: string;
  /** 0 turns the schedule off. */
  everyHours: number;
  keep: number;
}

const CHECK_MS = 10 * 60_000;

export function startBackups(opts: { store: Store; server: ApiServer; schedule: BackupSchedule; log: (m: string) => void; now?: () => number }): { stop(): void } {
  const { store, server, schedule, log } = opts;
  const now = opts.now ?? Date.now;
  server.post('/backup', async (body): Promise<BackupAnswer> => {
    const path = (body as { path?: unknown } | null)?.path;
    if (path !== undefined && (typeof path !== 'string' || !isAbsolute(path) || !path.endsWith('.tar.gz'))) {
      throw new HttpError(400, 'bad_body', 'path must be an absolute path ending in .tar.gz');
    }
    try {
      return await backupStore(store, path ?? join(schedule.dir, backupName(now())), now());
    } catch (err) {
      throw new HttpError(409, 'backup_failed', (err as Error).message);
    }
  });
  let running = false;
  const due = async () => {
    if (running || schedule.everyHours <= 0) return;
    running = true;
    try {
      const existing = scheduledBackups(schedule.dir);
      const newest = existing.length ? existing[existing.length - 1] : null;
      const newestAt = newest ? Date.parse(newest.replace(/^.*genmon-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.tar\.gz$/, '$1-$2-$3T$4:$5:$6Z')) : -Infinity;
      if (now() - newestAt < schedule.everyHours * 3_600_000) return;
      const done = await backupStore(store, join(schedule.dir, backupName(now())), now());
      log(`scheduled backup ${done.file} (${(done.bytes / 1024 ** 2).toFixed(1)} MiB)`);
      const all = scheduledBackups(schedule.dir);
      for (const old of all.slice(0, Math.max(0, all.length - schedule.keep))) rmSync(old, { force: true });
    } catch (err) {
      log(`scheduled backup failed: ${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void due(), CHECK_MS).unref();
  const first = setTimeout(() => void due(), 60_000).unref();
  return {
    stop: () => {
      clearInterval(timer);
      clearTimeout(first);
    },
  };
}
