/**
 * The enrichment values: host, workspace name, agent version, and the git
 * branch and commit of the workspace. Git's state is read from the files
 * under `.git` (HEAD, the branch's ref, packed-refs), never by spawning git,
 * and watched with fs.watch, so an idle agent does no work for it.
 */
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { EnrichField } from './rules';

export type Facts = Partial<Record<EnrichField, string>>;

interface GitDirs {
  /** Holds HEAD (a worktree's own directory for a linked worktree). */
  gitDir: string;
  /** Holds refs and packed-refs (shared by all worktrees). */
  commonDir: string;
}

/** The git directories of the repository holding `dir`, or null outside one. */
export function findGit(dir: string): GitDirs | null {
  for (let cur = resolve(dir); ; cur = dirname(cur)) {
    const dotGit = join(cur, '.git');
    if (existsSync(dotGit)) {
      let gitDir = dotGit;
      if (statSync(dotGit).isFile()) {
        // A linked worktree or submodule: ".git" is a file "gitdir: <path>".
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
        if (!m) return null;
        gitDir = isAbsolute(m[1]) ? m[1] : resolve(cur, m[1]);
      }
      const common = join(gitDir, 'commondir');
      const commonDir = existsSync(common) ? resolve(gitDir, readFileSync(common, 'utf8').trim()) : gitDir;
      return { gitDir, commonDir };
    }
    if (dirname(cur) === cur) return null;
  }
}

/** Branch (null when detached) and commit of HEAD. */
export function readHead(git: GitDirs): { branch: string | null; commit: string | null } {
  let head: string;
  try {
    head = readFileSync(join(git.gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return { branch: null, commit: null };
  }
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref) return { branch: null, commit: /^[0-9a-f]{40,64}$/.test(head) ? head : null };
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  return { branch, commit: readRef(git, ref) };
}

function readRef(git: GitDirs, ref: string): string | null {
  for (const dir of [git.gitDir, git.commonDir]) {
    try {
      const v = readFileSync(join(dir, ref), 'utf8').trim();
      if (/^[0-9a-f]{40,64}$/.test(v)) return v;
    } catch {
      // Not a loose ref here: look further.
    }
  }
  try {
    for (const line of readFileSync(join(git.commonDir, 'packed-refs'), 'utf8').split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
    }
  } catch {
    // No packed refs: a branch with no commit yet.
  }
  return null;
}

export function readFacts(workspace: string, version: string): Facts {
  const facts: Facts = { host: hostname(), workspace: basename(resolve(workspace)), agent_version: version };
  const git = findGit(workspace);
  if (git) {
    const head = readHead(git);
    if (head.branch) facts.git_branch = head.branch;
    if (head.commit) facts.git_commit = head.commit;
  }
  return facts;
}

/**
 * Calls `onChange` (debounced) when HEAD moves: a checkout rewrites HEAD, a
 * commit rewrites the branch's ref file or packed-refs. Returns a stop function.
 */
export function watchGit(workspace: string, onChange: () => void, debounceMs = 250): () => void {
  const git = findGit(workspace);
  if (!git) return () => undefined;
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | null = null;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      rewatchRef();
      onChange();
    }, debounceMs);
    timer.unref();
  };
  const add = (dir: string): FSWatcher | null => {
    try {
      const w = watch(dir, { persistent: false }, fire);
      w.on('error', () => w.close());
      watchers.push(w);
      return w;
    } catch {
      return null;
    }
  };
  add(git.gitDir);
  if (git.commonDir !== git.gitDir) add(git.commonDir);
  // The directory of the current branch's ref file, which changes with checkouts.
  let refWatcher: FSWatcher | null = null;
  let refDir = '';
  const rewatchRef = () => {
    const head = readHead(git);
    const dir = head.branch ? dirname(join(git.commonDir, 'refs/heads', head.branch)) : '';
    if (dir === refDir) return;
    refWatcher?.close();
    refDir = dir;
    refWatcher = dir && existsSync(dir) ? add(dir) : null;
  };
  rewatchRef();
  return () => {
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
