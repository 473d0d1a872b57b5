/**
 * One agent per data directory: a lock file created exclusively (O_EXCL)
 * holding the owner's pid. A lock whose pid is dead is stale and taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type LockResult = { acquired: true; release: () => void } | { acquired: false; pid: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dataDir: string): LockResult {
  const path = join(dataDir, 'agent.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        acquired: true,
        release: () => {
          try {
            if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let pid = NaN;
    // The owner writes its pid just after creating the file: give it a moment before calling the lock empty.
    for (let wait = 0; wait < 20 && !(pid > 0); wait++) {
      try {
        pid = Number(readFileSync(path, 'utf8') || NaN);
      } catch {
        break;
      }
      if (!(pid > 0)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) return { acquired: false, pid };
    // Stale: remove it only if it still names the dead owner, then try once more.
    try {
      const now = Number(readFileSync(path, 'utf8') || NaN);
      if (now === pid || (Number.isNaN(now) && Number.isNaN(pid))) unlinkSync(path);
    } catch {
      // Someone else cleaned it up.
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
