/**
 * One agent per data directory: `agent.lock` holds the owner's pid. It is
 * made atomically with the pid already inside (written to a private temp
 * file, then hard-linked into place, which fails when a lock exists), so
 * nobody ever reads an empty lock.
 *
 * A lock whose pid is dead is stale. Removing it is check-then-act, and two
 * agents that found the same stale lock could otherwise both remove it, the
 * second deleting the first one's fresh lock, and both run. So a stale lock
 * is removed only while holding `agent.lock.takeover` (made the same way),
 * which is held for a few system calls.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export type LockResult = { acquired: true; release: () => void } | { acquired: false; pid: number };

export interface LockOptions {
  /** The pid written into the lock. Default: this process. */
  pid?: number;
  /** Whether a pid names a live process. */
  isAlive?: (pid: number) => boolean;
  /** How long to wait for another agent's takeover of a stale lock. Default 2 s. */
  takeoverWaitMs?: number;
  /** Runs while holding the takeover, just before a stale lock is removed (tests interleave a rival here). */
  beforeRemoveStale?: () => void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates `path` holding `pid`, or returns false when it exists. */
function createWithPid(path: string, pid: number): boolean {
  const tmp = `${path}.${pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, String(pid), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}

/** The file's text, or null when it is gone. */
function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function pidOf(text: string): number | null {
  return /^\d{1,10}$/.test(text) && Number(text) > 0 ? Number(text) : null;
}

/**
 * Removes `path` if it still holds `text`. Moved aside first, so a file that
 * changed in between is put back rather than lost.
 */
function removeIfStill(path: string, text: string): void {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  try {
    if (readText(aside) !== text) linkSync(aside, path);
  } catch {
    // Someone made a new one meanwhile; theirs stands.
  } finally {
    unlinkSync(aside);
  }
}

/** Holds the takeover file, or returns the pid of the live agent holding it. */
function holdTakeover(path: string, pid: number, isAlive: (pid: number) => boolean, waitMs: number): number | null {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (createWithPid(path, pid)) return null;
    const text = readText(path);
    if (text === null) continue;
    const holder = pidOf(text);
    if (holder === null || holder === pid || !isAlive(holder)) {
      // Its holder died within the few calls it holds it for.
      removeIfStill(path, text);
      continue;
    }
    if (Date.now() >= deadline) return holder;
    sleepSync(10);
  }
}

export function acquireLock(dataDir: string, opts: LockOptions = {}): LockResult {
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? alive;
  const path = join(dataDir, 'agent.lock');
  const takeover = `${path}.takeover`;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createWithPid(path, pid)) {
      return {
        acquired: true,
        release: () => {
          try {
            if (readText(path) === String(pid)) unlinkSync(path);
          } catch {
            // Already gone with its directory.
          }
        },
      };
    }
    const text = readText(path);
    if (text === null) continue;
    const owner = pidOf(text);
    if (owner !== null && owner !== pid && isAlive(owner)) return { acquired: false, pid: owner };
    const holder = holdTakeover(takeover, pid, isAlive, opts.takeoverWaitMs ?? 2000);
    if (holder !== null) return { acquired: false, pid: holder };
    try {
      opts.beforeRemoveStale?.();
      // Under the takeover nobody else removes it, so if it still reads the same it is the stale one.
      if (readText(path) === text) unlinkSync(path);
    } finally {
      if (readText(takeover) === String(pid)) unlinkSync(takeover);
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
