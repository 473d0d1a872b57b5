/**
 * `POST /sources`: another VS Code window sharing this agent asks it to follow
 * its workspace's log directories too. The caller holds the token, so it is
 * the agent's own user; the checks keep a typo or a hostile workspace setting
 * from pointing the agent at what is not a log directory of that user.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, normalize, parse, relative, resolve } from 'node:path';
import { HttpError, type ApiServer } from './server';
import type { Actions } from './types';

/** Directories one agent follows at most (each costs a watcher and a scan every 2 s). */
export const MAX_LOG_DIRS = 64;

export interface SourceDeps {
  /** Directories followed now. */
  list(): readonly string[];
  /** Follows these too; returns those not followed before. */
  add(dirs: string[]): string[];
  log(message: string): void;
}

/**
 * Why `dir` may not be followed, or null when it may. Missing directories are
 * fine: the tailer waits for them. The tailer walks eight levels down and
 * watches every directory it walks, so the root and the home directory (or
 * anything above it) are refused: following them would scan the whole disk.
 */
export function refuseDir(dir: unknown, uid: number | null, home = homedir()): string | null {
  if (typeof dir !== 'string' || dir === '') return 'each directory must be a non-empty string';
  if (dir.length > 4096 || dir.includes('\0')) return 'a directory path holds a NUL byte or is over 4096 characters';
  if (!isAbsolute(dir)) return `${JSON.stringify(dir)} is not an absolute path`;
  const path = resolve(dir);
  if (path === parse(path).root) return `${JSON.stringify(dir)} is the root of the filesystem; name the log directory itself`;
  const fromHome = relative(path, resolve(home));
  if (home && (fromHome === '' || !fromHome.startsWith('..'))) return `${JSON.stringify(dir)} is your home directory or above it; name the log directory itself`;
  let st;
  try {
    st = statSync(dir);
  } catch {
    return null;
  }
  if (!st.isDirectory()) return `${JSON.stringify(dir)} is not a directory`;
  if (uid !== null && st.uid !== uid) return `${JSON.stringify(dir)} belongs to another user`;
  return null;
}

export function registerSourceRoutes(server: ApiServer, deps: SourceDeps): void {
  server.post('/sources', async (body): Promise<Actions['/sources']['response']> => {
    const dirs = (body as { dirs?: unknown } | null)?.dirs;
    if (!Array.isArray(dirs) || dirs.length === 0 || dirs.length > MAX_LOG_DIRS) {
      throw new HttpError(400, 'bad_body', `dirs must be an array of 1 to ${MAX_LOG_DIRS} absolute directory paths`);
    }
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    for (const dir of dirs) {
      const why = refuseDir(dir, uid);
      if (why) throw new HttpError(400, 'bad_directory', why);
    }
    const wanted = (dirs as string[]).map((d) => normalize(d).replace(/(.)[/\\]+$/, '$1'));
    const fresh = wanted.filter((d) => !deps.list().includes(d));
    if (deps.list().length + new Set(fresh).size > MAX_LOG_DIRS) {
      throw new HttpError(409, 'too_many_directories', `this agent follows ${deps.list().length} directories already; at most ${MAX_LOG_DIRS}`);
    }
    const added = deps.add(wanted);
    if (added.length) deps.log(`following ${added.join(', ')} too, at a client's request`);
    return { logDirs: [...deps.list()], added };
  });
}
