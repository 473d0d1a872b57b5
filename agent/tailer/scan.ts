/** Finding log files under the watched directories. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

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

/**
 * Every regular `*.jsonl` file under `root`, and the directories walked (to
 * watch them). Symlinked directories are not followed, so a link loop cannot
 * trap the walk; a missing root yields nothing.
 */
export async function scanDir(root: string, suffix = '.jsonl'): Promise<{ files: FoundFile[]; dirs: string[] }> {
  const files: FoundFile[] = [];
  const dirs: string[] = [];
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
          const st = await stat(path);
          if (st.isFile()) files.push({ path, key: fileKey(st), size: st.size });
        } catch {
          // Vanished between readdir and stat, or a dangling or looping link.
        }
      }
    }
  }
  await walk(root, 0);
  return { files, dirs };
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
