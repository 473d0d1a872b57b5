/**
 * The log-file channel: one JSON line per notification, appended to a file
 * the agent's own configuration names (never the workspace's rules file: a
 * repository must not choose where the agent writes). Rotated to `.1` past
 * 10 MiB.
 */
import { appendFile, rename, stat } from 'node:fs/promises';
import type { DeliveryResult } from './webhook';

const MAX_BYTES = 10 * 1024 * 1024;

export async function appendToLog(path: string, line: string, maxBytes = MAX_BYTES): Promise<DeliveryResult> {
  try {
    const size = await stat(path).then((s) => s.size, () => 0);
    if (size > maxBytes) await rename(path, `${path}.1`);
    await appendFile(path, `${line.replace(/\n/g, ' ')}\n`, { mode: 0o600 });
    return { ok: true, attempts: 1, status: null, error: null };
  } catch (err) {
    return { ok: false, attempts: 1, status: null, error: (err as Error).message };
  }
}
