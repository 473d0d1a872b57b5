/** Finding log files under the watched directories. */
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

export interface FoundFile {
  path: string;
  key: string;
  size: number;
}

const MAX_DEPTH = 8;

/** `dev:ino`, the identity of a file across renames. */
export function fileKey(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

/** A `*.jsonl` name that is not followed, and why. */
export interface RefusedFile {
  path: string;
  why: string;
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Every regular `*.jsonl` file under `root`, and the directories walked (to
 * watch them). Symlinked directories are not followed, so a link loop cannot
 * trap the walk; a symlinked file is followed only when it resolves inside
 * `root`, so a log directory (a cloned repository's, say) cannot point the
 * agent at `~/.ssh/id_rsa` and have it stored and served as bad lines. A
 * missing root yields nothing.
 */
export async function scanDir(root: string, suffix = '.jsonl'): Promise<{ files: FoundFile[]; dirs: string[]; refused: RefusedFile[] }> {
  const files: FoundFile[] = [];
  const dirs: string[] = [];
  const refused: RefusedFile[] = [];
  let realRoot: string | null = null;
  async function walk(dir: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    dirs.push(dir);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(path, depth + 1);
      } else if (entry.name.endsWith(suffix) && (entry.isFile() || entry.isSymbolicLink())) {
        try {
          if (entry.isSymbolicLink()) {
            realRoot ??= await realpath(root);
            const target = await realpath(path);
            if (!inside(target, realRoot)) {
              refused.push({ path, why: `it links to ${target}, outside the log directory` });
              continue;
            }
          }
          const st = await stat(path);
          if (st.isFile()) files.push({ path, key: fileKey(st), size: st.size });
        } catch (err) {
          // Vanished between readdir and stat, or a dangling or looping link.
          if (entry.isSymbolicLink()) refused.push({ path, why: `it is a link that cannot be followed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
        }
      }
    }
  }
  await walk(root, 0);
  return { files, dirs, refused };
}

/** Finds the file with identity `key` among all entries of `dir` (a renamed, rotated log). */
export async function findByKey(dir: string, keys: ReadonlySet<string>): Promise<Map<string, FoundFile>> {
  const found = new Map<string, FoundFile>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = await stat(path);
      const key = fileKey(st);
      if (st.isFile() && keys.has(key)) found.set(key, { path, key, size: st.size });
    } catch {
      // gone
    }
  }
  return found;
}
