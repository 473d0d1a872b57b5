/**
 * Follows every `*.jsonl` file under the watched directories and hands
 * complete lines to the store together with the offset they end at, so the
 * checkpoint moves in the same commit as the rows.
 *
 * Files are known by `dev:ino`, so a rename keeps its place; a shrinking file
 * (truncation, copytruncate) or one whose first line changed (replaced in
 * place) starts again from 0. A file renamed away from the pattern (rotation)
 * is found again by its inode in the same directory and read to its end.
 * inotify (fs.watch) gives promptness; a periodic scan gives completeness.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { crc32 } from 'node:zlib';
import type { SourceRef } from '../store/journal';
import type { Checkpoint, CommitItem } from '../store/store';
import { fileKey, findByKey, scanDir, type FoundFile } from './scan';

export interface TailerStore {
  commit(items: CommitItem[]): Promise<unknown>;
  checkpoints(): Map<string, Checkpoint>;
}

export interface TailerOptions {
  dirs: string[];
  store: TailerStore;
  log: (message: string) => void;
  now?: () => number;
  /** Full rescan at least this often (ms); stretched when scans get slow. Default 2000. */
  scanMs?: number;
  /** Longest line kept (bytes); longer ones are set aside as `oversized`. Default 1 MiB. */
  maxLineBytes?: number;
  /** Bytes read per commit. Default 4 MiB. */
  chunkBytes?: number;
  /** How long a rotated-away file is still followed after it last grew. Default 5 s. */
  rotateWaitMs?: number;
}

interface Tracked {
  key: string;
  path: string;
  offset: number;
  fingerprint: string | null;
  /** While skipping an over-long line: where it began, a sample of it, how far we looked. */
  discard: { start: number; excerpt: string; scanned: number } | null;
  /** When the file stopped being found under a watched name (rotated away); null while it is. */
  rotatedAt: number | null;
  lastGrowthAt: number;
  retryAt: number;
  reading?: boolean;
}

const NEWLINE = 0x0a;
const SUFFIX = '.jsonl';
const FINGERPRINT_BYTES = 4096;
const EXCERPT_BYTES = 512;
/**
 * Files read at once. Their chunks reach the store together and share one
 * journal write and fdatasync (3 ms each on a typical disk), instead of one
 * each: with 50 busy logs that was most of a pass. Bounds the memory in
 * flight to this many chunks.
 */
const READ_CONCURRENCY = 8;
/** Checkpoints older than this are not looked for at start (their files are long gone). */
const REVIVE_WINDOW_MS = 7 * 24 * 3600_000;

export class Tailer {
  private readonly tracked = new Map<string, Tracked>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly dirtyPaths = new Set<string>();
  private readonly dirtyDirs = new Set<string>();
  private checkpoints = new Map<string, Checkpoint>();
  private running = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private lastScanAt = 0;
  private scanEveryMs: number;
  private readonly warned = new Set<string>();
  private idle: (() => void)[] = [];

  /** The watched directories: those of the options, then any added while running. */
  private readonly dirs: string[];

  constructor(private readonly opts: TailerOptions) {
    this.scanEveryMs = opts.scanMs ?? 2000;
    this.dirs = [...opts.dirs];
  }

  /** The directories followed now. */
  get directories(): readonly string[] {
    return this.dirs;
  }

  /**
   * Follows more directories from now on (another VS Code window sharing this
   * agent brings its workspace's logs); their files are read from their
   * checkpoints, or from the start. Returns the ones not followed before.
   */
  addDirs(dirs: readonly string[]): string[] {
    const added = [...new Set(dirs)].filter((d) => !this.dirs.includes(d));
    if (added.length === 0 || this.stopped) return [];
    this.dirs.push(...added);
    for (const d of added) this.dirtyDirs.add(d);
    this.schedule();
    return added;
  }

  /** Wall-clock time, for what is recorded (journal records, checkpoints). */
  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Monotonic time, for waits and intervals: a wall clock set back an hour must not stall a retry for an hour. */
  private clock(): number {
    return performance.now();
  }

  async start(): Promise<void> {
    this.checkpoints = this.opts.store.checkpoints();
    // Watch events arrive as soon as the first scan sets up watchers; they must wait
    // for this first pass, or two passes would read the same bytes at once.
    this.running = true;
    try {
      await this.pass(true);
      await this.reviveRotated();
    } finally {
      this.running = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
    if (this.again) {
      this.again = false;
      this.schedule();
    }
    this.timer = setInterval(() => this.schedule(), Math.min(this.scanEveryMs, 1000)).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Resolves when no pass is running or scheduled (tests and benches wait on it). */
  whenIdle(): Promise<void> {
    if (!this.running && !this.again) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => {
      void this.loop();
    });
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.pass(false);
      } while (this.again && !this.stopped);
    } catch (err) {
      this.opts.log(`tailer pass failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private async pass(initial: boolean): Promise<void> {
    const now = this.clock();
    if (initial || now - this.lastScanAt >= this.scanEveryMs) {
      const began = Date.now();
      this.dirtyDirs.clear();
      this.dirtyPaths.clear();
      for (const dir of this.dirs) await this.scan(dir);
      this.lastScanAt = this.clock();
      // Scanning many files costs; never spend more than a fifth of the time on it.
      this.scanEveryMs = Math.max(this.opts.scanMs ?? 2000, (Date.now() - began) * 5);
    } else {
      for (const dir of [...this.dirtyDirs]) {
        this.dirtyDirs.delete(dir);
        await this.scan(dir);
      }
      const paths = [...this.dirtyPaths];
      this.dirtyPaths.clear();
      await eachLimited(paths, READ_CONCURRENCY, async (path) => {
        try {
          const st = await stat(path);
          const key = fileKey(st);
          const t = this.tracked.get(key);
          if (!st.isFile()) return;
          if (path.endsWith(SUFFIX)) await this.follow({ path, key, size: st.size });
          else if (t) {
            // A change to a rotated-away name matters only for a file already followed.
            t.rotatedAt ??= this.clock();
            t.path = path;
            await this.read(t, st.size);
          }
        } catch {
          // Removed; the directory's rename event rescans it.
        }
      });
    }
    await this.drainRotated();
  }

  private async scan(dir: string): Promise<void> {
    const { files, dirs, refused } = await scanDir(dir);
    for (const r of refused) {
      if (!this.warned.has(r.path)) this.opts.log(`not following ${r.path}: ${r.why}`);
      this.warned.add(r.path);
    }
    for (const d of dirs) this.watchDir(d);
    const seen = new Set(files.map((f) => f.key));
    await eachLimited(files, READ_CONCURRENCY, (file) => this.follow(file));
    // Files last seen under this directory that are no longer under a watched name: rotated or deleted.
    const missing = [...this.tracked.values()].filter((t) => !seen.has(t.key) && t.rotatedAt === null && t.path.startsWith(dir + sep));
    if (missing.length > 0) await this.findRotated(missing);
  }

  private async findRotated(missing: Tracked[]): Promise<void> {
    const byDir = new Map<string, Set<string>>();
    for (const t of missing) {
      const d = dirname(t.path);
      if (!byDir.has(d)) byDir.set(d, new Set());
      byDir.get(d)!.add(t.key);
    }
    for (const [dir, keys] of byDir) {
      const found = await findByKey(dir, keys);
      for (const key of keys) {
        const t = this.tracked.get(key)!;
        const file = found.get(key);
        if (!file) {
          this.forget(t);
          continue;
        }
        t.rotatedAt = this.clock();
        t.path = file.path;
        await this.read(t, file.size);
      }
    }
  }

  /** Files rotated away are read until they stop growing for `rotateWaitMs`. */
  private async drainRotated(): Promise<void> {
    const wait = this.opts.rotateWaitMs ?? 5000;
    for (const t of [...this.tracked.values()]) {
      if (t.rotatedAt === null) continue;
      try {
        const st = await stat(t.path);
        if (fileKey(st) !== t.key) throw new Error('replaced');
        await this.read(t, st.size);
      } catch {
        this.forget(t);
        continue;
      }
      if (this.tracked.has(t.key) && this.clock() - Math.max(t.rotatedAt, t.lastGrowthAt) > wait) this.forget(t);
    }
  }

  /** At start: checkpointed files that were rotated away while the agent was down. */
  private async reviveRotated(): Promise<void> {
    const cutoff = this.now() - REVIVE_WINDOW_MS;
    const missing: Tracked[] = [];
    for (const cp of this.checkpoints.values()) {
      if (this.tracked.has(cp.key)) continue;
      if (cp.updatedAt < cutoff) continue;
      const t = this.fromCheckpoint(cp);
      this.tracked.set(t.key, t);
      missing.push(t);
    }
    if (missing.length > 0) await this.findRotated(missing);
  }

  private watchDir(dir: string): void {
    if (this.watchers.has(dir) || this.stopped) return;
    try {
      const w = watch(dir, { persistent: false }, (event, name) => {
        if (event === 'rename' || !name) this.dirtyDirs.add(dir);
        else this.dirtyPaths.add(join(dir, name.toString()));
        this.schedule();
      });
      w.on('error', () => {
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
    } catch {
      // The periodic scan still covers this directory.
    }
  }

  private fromCheckpoint(cp: Checkpoint): Tracked {
    return {
      key: cp.key,
      path: cp.path,
      offset: cp.offset,
      fingerprint: cp.fingerprint,
      discard: null,
      rotatedAt: null,
      lastGrowthAt: 0,
      retryAt: 0,
    };
  }

  private async follow(file: FoundFile): Promise<void> {
    let t = this.tracked.get(file.key);
    if (!t) {
      const cp = this.checkpoints.get(file.key);
      t = this.fromCheckpoint(cp ?? { key: file.key, path: file.path, fingerprint: null, offset: 0, lines: 0, updatedAt: 0 });
      this.tracked.set(file.key, t);
    }
    t.path = file.path;
    t.rotatedAt = null;
    await this.read(t, file.size);
  }

  /** Stops following a file, remembering where it was in case it comes back. */
  private forget(t: Tracked): void {
    this.tracked.delete(t.key);
    this.checkpoints.set(t.key, { key: t.key, path: t.path, fingerprint: t.fingerprint, offset: t.offset, lines: 0, updatedAt: this.now() });
  }

  private disown(t: Tracked): void {
    this.tracked.delete(t.key);
    this.checkpoints.delete(t.key);
  }

  private ref(t: Tracked): SourceRef {
    return { key: t.key, path: t.path, fingerprint: t.fingerprint };
  }

  private async reset(t: Tracked, reason: 'truncated' | 'replaced'): Promise<void> {
    await this.readCopy(t);
    t.offset = 0;
    t.fingerprint = null;
    t.discard = null;
    await this.commit([{ header: { kind: 'reset', at: this.now(), src: this.ref(t), reason }, body: Buffer.alloc(0) }]);
    this.opts.log(`${t.path} was ${reason}; reading it again from the start`);
  }

  /**
   * copytruncate copies the file and then empties it: lines appended after our
   * last read are only in the copy now. The copy starts with the same first
   * line, so it is found by the fingerprint and read on from where we were.
   * A copy followed before (tracked, or checkpointed with this first line) is
   * left to its own state.
   */
  private async readCopy(t: Tracked): Promise<void> {
    if (!t.fingerprint || t.offset === 0) return;
    const dir = dirname(t.path);
    let best: { path: string; key: string; size: number; mtimeMs: number } | null = null;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      try {
        const st = await stat(path);
        const key = fileKey(st);
        if (name.endsWith(SUFFIX) || !st.isFile() || st.size < t.offset || key === t.key) continue;
        if (best && st.mtimeMs <= best.mtimeMs) continue;
        const fh = await open(path, 'r');
        try {
          if ((await fingerprintOf(fh)) !== t.fingerprint) continue;
        } finally {
          await fh.close();
        }
        // Known with this first line: followed already. With another: a deleted file's inode, reused.
        if ((this.tracked.get(key) ?? this.checkpoints.get(key))?.fingerprint === t.fingerprint) continue;
        best = { path, key, size: st.size, mtimeMs: st.mtimeMs };
      } catch {
        // Gone or unreadable: not the copy we can use.
      }
    }
    if (!best) return;
    const copy: Tracked = { ...this.fromCheckpoint({ ...best, fingerprint: t.fingerprint, offset: t.offset, lines: 0, updatedAt: 0 }), rotatedAt: this.clock() };
    this.tracked.set(copy.key, copy);
    this.opts.log(`${t.path} was copied and truncated; reading the rest from ${best.path}`);
    await this.read(copy, best.size);
  }

  private async read(t: Tracked, size: number): Promise<void> {
    // Two names of one file (a hard link) found in one pass: one read at a time, or both would read the same bytes.
    if (this.stopped || this.clock() < t.retryAt || t.reading) return;
    t.reading = true;
    let fh: FileHandle | null = null;
    try {
      // A file under a rotated name that does not match what we read is another file
      // that got a deleted one's inode: not ours to read from the start.
      if (size < t.offset) {
        if (t.rotatedAt !== null) return this.disown(t);
        await this.reset(t, 'truncated');
      }
      if (size <= (t.discard?.scanned ?? t.offset)) return;
      fh = await open(t.path, 'r');
      if (fileKey(await fh.stat()) !== t.key) return;
      if (t.fingerprint && t.offset > 0 && (await fingerprintOf(fh)) !== t.fingerprint) {
        if (t.rotatedAt !== null) return this.disown(t);
        await this.reset(t, 'replaced');
      }
      await this.readChunks(fh, t, size);
      t.retryAt = 0;
      if (this.warned.delete(t.path)) this.opts.log(`${t.path}: read and stored again`);
    } catch (err) {
      t.retryAt = this.clock() + 1000;
      const message = err instanceof StoreFailed
        ? `cannot store lines of ${t.path}: ${err.message}; trying again every second`
        : `cannot read ${t.path}: ${(err as Error).message}`;
      if (!this.warned.has(t.path)) this.opts.log(message);
      this.warned.add(t.path);
    } finally {
      t.reading = false;
      await fh?.close();
    }
  }

  /** Commits through the store; its failures (disk full, read-only) are told apart from read errors. */
  private async commit(items: CommitItem[]): Promise<void> {
    try {
      await this.opts.store.commit(items);
    } catch (err) {
      throw new StoreFailed((err as Error).message);
    }
  }

  private async readChunks(fh: FileHandle, t: Tracked, size: number): Promise<void> {
    const maxLine = this.opts.maxLineBytes ?? 1024 * 1024;
    // At least one byte more than the longest line, so a chunk without a newline proves a line too long.
    const chunk = Math.max(this.opts.chunkBytes ?? 4 * 1024 * 1024, maxLine + 1);
    const buf = Buffer.allocUnsafe(Math.min(chunk, size - (t.discard ? t.discard.scanned : t.offset)));
    while (!this.stopped) {
      const from = t.discard ? t.discard.scanned : t.offset;
      if (from >= size) return;
      const { bytesRead } = await fh.read(buf, 0, Math.min(chunk, size - from), from);
      if (bytesRead === 0) return;
      t.lastGrowthAt = this.clock();
      const data = buf.subarray(0, bytesRead);
      if (t.discard) {
        const nl = data.indexOf(NEWLINE);
        if (nl < 0) {
          t.discard.scanned += bytesRead;
          continue;
        }
        const end = from + nl + 1;
        const { start, excerpt } = t.discard;
        await this.commit([{ header: { kind: 'skip', at: this.now(), src: this.ref(t), start, end, size, excerpt }, body: Buffer.alloc(0) }]);
        t.offset = end;
        t.discard = null;
        continue;
      }
      const lastNl = data.lastIndexOf(NEWLINE);
      if (lastNl < 0) {
        if (bytesRead <= maxLine) return;
        t.discard = { start: from, excerpt: data.subarray(0, EXCERPT_BYTES).toString('utf8'), scanned: from + bytesRead };
        continue;
      }
      if (from === 0) t.fingerprint = fingerprint(data.subarray(0, Math.min(data.indexOf(NEWLINE) + 1, FINGERPRINT_BYTES)));
      const end = from + lastNl + 1;
      // Copy: the buffer is reused for the next read while the store may still hold this body.
      const body = Buffer.from(data.subarray(0, lastNl + 1));
      await this.commit([{ header: { kind: 'lines', at: this.now(), src: this.ref(t), start: from, end, size }, body }]);
      t.offset = end;
    }
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

class StoreFailed extends Error {}

function fingerprint(firstLine: Buffer): string {
  return `${firstLine.length}:${crc32(firstLine).toString(16)}`;
}

async function fingerprintOf(fh: FileHandle): Promise<string | null> {
  const buf = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await fh.read(buf, 0, FINGERPRINT_BYTES, 0);
  const data = buf.subarray(0, bytesRead);
  const nl = data.indexOf(NEWLINE);
  return fingerprint(data.subarray(0, nl < 0 ? bytesRead : nl + 1));
}
