/**
 * Answers of whole sealed partitions, kept on disk beside them in
 * `<db>.answers/<partition>.json`, so that after a restart a 90-day cost
 * breakdown, a filter list or a filtered chart need not open (decompress)
 * every week again. A pure cache: each file names the partition file's size
 * and time it was computed from and is ignored once they change (the period
 * was sealed again); deleting the directory loses nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Answers kept per partition; past it the oldest goes (a new filter or chart shape adds one). */
const MAX_PER_PART = 256;

interface PartFile {
  stamp: string;
  answers: Record<string, unknown>;
}

export class PartAnswers {
  private readonly loaded = new Map<string, PartFile>();
  private warned = false;

  constructor(
    private readonly dir: string,
    private readonly log: (m: string) => void,
  ) {}

  private file(part: string): string {
    return join(this.dir, `${part}.json`);
  }

  private load(part: string, stamp: string): PartFile {
    let entry = this.loaded.get(part);
    if (entry?.stamp === stamp) return entry;
    entry = { stamp, answers: {} };
    try {
      const saved = JSON.parse(readFileSync(this.file(part), 'utf8')) as Partial<PartFile>;
      if (saved.stamp === stamp && saved.answers && typeof saved.answers === 'object') entry.answers = saved.answers;
    } catch {
      // none yet, or unreadable: computed again
    }
    this.loaded.set(part, entry);
    return entry;
  }

  /** The kept answer to `key` for this partition file (by its stamp), or undefined. */
  get(part: string, stamp: string, key: string): unknown {
    const answers = this.load(part, stamp).answers;
    return Object.hasOwn(answers, key) ? answers[key] : undefined;
  }

  set(part: string, stamp: string, key: string, value: unknown): void {
    const entry = this.load(part, stamp);
    entry.answers[key] = value;
    const keys = Object.keys(entry.answers);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PER_PART))) delete entry.answers[old];
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = `${this.file(part)}.tmp`;
      writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
      renameSync(tmp, this.file(part));
    } catch (err) {
      // Still answered from memory; only a restart pays again.
      if (!this.warned) this.log(`cannot keep partition answers in ${this.dir}: ${(err as Error).message}`);
      this.warned = true;
    }
  }

  /** Forgets partitions that are gone (dropped past retention). */
  prune(existing: ReadonlySet<string>): void {
    for (const part of [...this.loaded.keys()]) if (!existing.has(part)) this.loaded.delete(part);
    if (!existsSync(this.dir)) return;
    try {
      for (const f of readdirSync(this.dir)) {
        const part = f.replace(/\.json(\.tmp)?$/, '');
        if (!existing.has(part) || f.endsWith('.tmp')) rmSync(join(this.dir, f), { force: true });
      }
    } catch {
      // a cache: next time
    }
  }
}
