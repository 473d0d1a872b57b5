/**
 * The store: an in-memory sql.js database made durable by the journal and
 * periodic snapshots. Every change (log lines with their checkpoint, samples)
 * goes through `commit`, which journals it (fdatasync) and then applies it in
 * one transaction, so offsets and rows cannot disagree after a crash.
 *
 * Files, next to the database path:
 *   genmon.db        latest snapshot        genmon.db.prev   the one before
 *   genmon.db.tmp    snapshot being written genmon.db.journal/  journal segments
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import type { PushMessage } from '../api/types';
import type { EventBase } from '../ingest/events';
import type { ProcessingCounts, ProcessingState } from '../ingest/processing/pipeline';
import { Applier, type ApplyResult } from './apply';
import { decodeSegment, Journal, type JournalRecord, type RecordHeader } from './journal';
import { packLines } from './pack';
import { applyPragmas, DatabaseError, getMeta, loadSqlJs, migrate, openImage, schemaVersion } from './sqlite';
import { SCHEMA_VERSION } from './schema';
import { Statements } from './statements';
import { pauseSync, readTestHooks, type TestHooks } from './test-hooks';
import { partitionFileEffect, removeStaleParts } from './partition-files';

export interface StoreOptions {
  dbPath: string;
  /** Where the store tells what it did on open (fallbacks, replays). */
  log: (message: string) => void;
  /** The clock of waits (quiet moments, snapshot age). Default monotonic, so a wall clock set back stalls nothing. */
  now?: () => number;
  /** Snapshot when the journal segment grows past this. Default 128 MiB. */
  snapshotJournalBytes?: number;
  /** Snapshot at least this often while there are changes. Default 10 min. */
  snapshotEveryMs?: number;
  /** Open read-only: replay into memory, never write (for offline reports). */
  readOnly?: boolean;
}

/** No commit for this long counts as a quiet moment for a snapshot. */
const QUIET_MS = 2000;

export interface CommitItem {
  header: RecordHeader;
  body: Buffer;
  /** `body` compressed for the raw-line archive; made here, off the main thread, when absent. */
  packed?: Buffer;
}

interface Pending {
  items: CommitItem[];
  resolve: (results: ApplyResult[]) => void;
  reject: (err: Error) => void;
}

export interface Checkpoint {
  key: string;
  path: string;
  fingerprint: string | null;
  offset: number;
  lines: number;
  updatedAt: number;
}

export class Store {
  readonly st: Statements;
  private readonly applier: Applier;
  private readonly listeners = new Set<(m: PushMessage) => void>();
  private eventListener: ((events: EventBase[]) => void) | null = null;
  private queue: Pending[] = [];
  private draining = false;
  /** Set while maintenance holds the store: commits wait in the queue. */
  private paused = false;
  private snapshotting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private lastCommitAt = -Infinity;
  private lastSnapshotAt: number;
  private currentSeq: number;
  private prevSeq: number;
  private closed = false;
  private readonly hooks: TestHooks;

  private constructor(
    readonly db: Database,
    private readonly journal: Journal | null,
    private readonly opts: StoreOptions,
    seq: number,
  ) {
    applyPragmas(db);
    this.st = new Statements(db);
    this.applier = new Applier(this.st);
    this.currentSeq = seq;
    this.prevSeq = seq;
    this.lastSnapshotAt = this.now();
    this.hooks = readTestHooks();
  }

  static async open(opts: StoreOptions): Promise<Store> {
    const SQL = await loadSqlJs();
    const dir = dirname(opts.dbPath);
    if (!opts.readOnly) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const chosen = chooseGeneration(SQL, opts, readTestHooks());
    const journalDir = `${opts.dbPath}.journal`;
    const journal = opts.readOnly ? null : new Journal(journalDir);
    const store = new Store(chosen.db, journal, opts, chosen.seq);
    if (chosen.lost && journal) {
      const first = journal.firstSeq();
      if (first !== null && first > 1) {
        opts.log('the journal does not reach back to the start; it is discarded and the logs are read again from the beginning');
        journal.discardAll();
      }
    }
    const records = journal ? journal.replay(chosen.seq) : replayReadOnly(journalDir, chosen.seq);
    if (records.damage) opts.log(records.damage);
    if (records.records.length > 0) {
      store.applyAll(records.records);
      opts.log(`replayed ${records.records.length} journal records after snapshot ${chosen.seq}`);
      store.dirty = true;
    }
    // Partitions built for a seal whose record never made it to the journal.
    if (!opts.readOnly) removeStaleParts(opts.dbPath);
    if (journal) store.timer = setInterval(() => void store.maybeSnapshot(), store.hooks.snapshotEveryMs ?? 5_000).unref();
    return store;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : performance.now();
  }

  onPush(listener: (m: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands the events of every live commit, as stored after the processing
   * rules, to `listener` (the sinks). Replayed records are never handed out.
   */
  onEvents(listener: (events: EventBase[]) => void): void {
    this.eventListener = listener;
    this.applier.processing.collect = true;
  }

  /** The processing rules and enrichment values in force, and what they did. */
  processing(): { state: ProcessingState; counts: ProcessingCounts } {
    return { state: this.applier.processing.state, counts: this.applier.processing.counts };
  }

  /** Journals the items durably, applies them, and resolves once both are done. */
  async commit(items: CommitItem[]): Promise<ApplyResult[]> {
    if (this.closed || !this.journal) throw new Error(this.closed ? 'store is closed' : 'store is read-only');
    // Compression runs in libuv's thread pool, beside the main thread's parsing and inserts.
    await Promise.all(items.map(async (item) => {
      if (item.header.kind === 'lines' && !item.packed) item.packed = await packLines(item.body);
    }));
    if (this.closed) throw new Error('store is closed');
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.draining && !this.paused) {
        this.draining = true;
        setImmediate(() => this.drain());
      }
    });
  }

  /** Group commit: everything queued in one journal write and one fdatasync. */
  private drain(): void {
    if (this.paused) {
      this.draining = false;
      return;
    }
    const batch = this.queue;
    this.queue = [];
    this.draining = false;
    if (batch.length === 0 || !this.journal) return;
    let records: JournalRecord[];
    const items = batch.flatMap((p) => p.items);
    try {
      records = this.journal.append(items);
    } catch (err) {
      const error = new Error(`could not write the journal: ${(err as Error).message}`);
      for (const p of batch) p.reject(error);
      return;
    }
    const results = this.applyAll(records, items.map((i) => i.packed));
    this.dirty = true;
    this.lastCommitAt = this.now();
    let i = 0;
    for (const p of batch) {
      p.resolve(results.slice(i, i + p.items.length));
      i += p.items.length;
    }
    for (const result of results) for (const message of result.push) this.emit(message);
    if (this.eventListener) {
      for (const result of results) {
        if (!result.events?.length) continue;
        try {
          this.eventListener(result.events);
        } catch (err) {
          this.opts.log(`event listener failed: ${(err as Error).message}`);
        }
      }
    }
    // One summary per group commit, so a client can refresh counts even when a big
    // record carried more runs than are pushed one by one.
    const lineRecords = records.filter((r) => r.header.kind === 'lines' || r.header.kind === 'skip');
    if (lineRecords.length > 0) {
      const sources = new Set(lineRecords.map((r) => (r.header as { src: { key: string } }).src.key));
      const sum = (k: 'lines' | 'bad') => results.reduce((n, r) => n + r[k], 0);
      this.emit({ type: 'ingest', lines: sum('lines'), bad: sum('bad'), sources: sources.size });
    }
  }

  /**
   * Runs `fn` with the store to itself: commits queue up until it is done, so
   * what it reads from the database is what its records are applied to (a
   * partition sealed from rows no record changes meanwhile).
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed || !this.journal) throw new Error(this.closed ? 'store is closed' : 'store is read-only');
    if (this.draining) this.drain();
    this.paused = true;
    try {
      return await fn();
    } finally {
      this.paused = false;
      if (this.queue.length > 0 && !this.draining) {
        this.draining = true;
        setImmediate(() => this.drain());
      }
    }
  }

  /** Sequence number the next journal record gets (for files named after the record that will install them). */
  get nextSeq(): number {
    if (!this.journal) throw new Error('store is read-only');
    return this.journal.next;
  }

  /** Journals and applies at once; only inside `exclusive`. */
  commitNow(items: CommitItem[]): ApplyResult[] {
    if (!this.paused || !this.journal) throw new Error('commitNow outside exclusive');
    const records = this.journal.append(items);
    const results = this.applyAll(records);
    this.dirty = true;
    for (const result of results) for (const message of result.push) this.emit(message);
    return results;
  }

  /** The database image as of the last applied record, and that record's sequence number (for backups, inside `exclusive`). */
  exportImage(): { image: Uint8Array; seq: number } {
    const image = this.db.export();
    this.st.forget();
    applyPragmas(this.db);
    return { image, seq: this.currentSeq };
  }

  /** Milliseconds since the last commit. */
  get idleMs(): number {
    return this.now() - this.lastCommitAt;
  }

  get dataPath(): string {
    return this.opts.dbPath;
  }

  private applyAll(records: JournalRecord[], packed: (Buffer | undefined)[] = []): ApplyResult[] {
    const results: ApplyResult[] = [];
    this.db.exec('BEGIN');
    for (const [i, record] of records.entries()) {
      this.db.exec('SAVEPOINT rec');
      try {
        results.push(this.applier.apply(record, packed[i]));
        this.db.exec('RELEASE rec');
        partitionFileEffect(this.opts.dbPath, record, this.opts.log);
      } catch (err) {
        this.db.exec('ROLLBACK TO rec');
        this.db.exec('RELEASE rec');
        this.applier.forgetCaches();
        results.push(this.applyAgain(record, packed[i], err as Error));
      }
      this.currentSeq = record.seq;
    }
    this.st.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_seq', ?)", [String(this.currentSeq)]);
    this.db.exec('COMMIT');
    return results;
  }

  /** A record that failed: its lines one by one, so only the line at fault is set aside. */
  private applyAgain(record: JournalRecord, packed: Buffer | undefined, err: Error): ApplyResult {
    const failed = `journal record ${record.seq} (${record.header.kind}) could not be applied: ${err.message}`;
    if (record.header.kind === 'lines') {
      this.db.exec('SAVEPOINT rec');
      try {
        const result = this.applier.applyOneByOne(record, packed);
        this.db.exec('RELEASE rec');
        this.opts.log(`${failed}; its lines were stored one by one, ${result.bad} set aside`);
        return result;
      } catch {
        this.db.exec('ROLLBACK TO rec');
        this.db.exec('RELEASE rec');
        this.applier.forgetCaches();
      }
    }
    this.opts.log(failed);
    return { push: [], lines: 0, bad: 0 };
  }

  private emit(message: PushMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        this.opts.log(`push listener failed: ${(err as Error).message}`);
      }
    }
  }

  checkpoints(): Map<string, Checkpoint> {
    const rows = this.st.all<Checkpoint>('SELECT key, path, fingerprint, offset, lines, updated_at AS updatedAt FROM sources');
    return new Map(rows.map((r) => [r.key, { ...r, offset: Number(r.offset), lines: Number(r.lines), updatedAt: Number(r.updatedAt) }]));
  }

  private async maybeSnapshot(): Promise<void> {
    if (!this.journal || this.snapshotting || !this.dirty) return;
    if (this.hooks.snapshotEveryMs !== null) return this.snapshot().catch((err: Error) => this.opts.log(`snapshot failed: ${err.message}`));
    const limit = this.opts.snapshotJournalBytes ?? 128 * 1024 * 1024;
    const bytes = this.journal.segmentBytes;
    // An export copies the whole database and stalls ingest: wait for a quiet moment
    // unless the journal (the replay after a crash) has grown far past its limit.
    const quiet = this.now() - this.lastCommitAt > QUIET_MS;
    const big = bytes > limit * 4 || (bytes > limit && quiet);
    const old = quiet && this.now() - this.lastSnapshotAt > (this.opts.snapshotEveryMs ?? 10 * 60_000);
    if (big || old) await this.snapshot().catch((err: Error) => this.opts.log(`snapshot failed: ${err.message}`));
  }

  /**
   * Writes the database to a temp file, fsyncs it and renames it over the
   * database, keeping the one before as `.prev`; then drops journal segments
   * that both generations cover.
   */
  snapshot(): Promise<void> {
    if (!this.journal) return Promise.resolve();
    this.snapshotting ??= this.writeSnapshot().finally(() => {
      this.snapshotting = null;
    });
    return this.snapshotting;
  }

  private async writeSnapshot(): Promise<void> {
    const journal = this.journal!;
    // Records committed from here on land in a new segment and are not part of this image.
    journal.rotate();
    const seq = this.currentSeq;
    this.dirty = false;
    this.lastSnapshotAt = this.now();
    const image = this.db.export();
    this.st.forget();
    applyPragmas(this.db);
    const { dbPath } = this.opts;
    const tmp = `${dbPath}.tmp`;
    try {
      const file = await open(tmp, 'w', 0o600);
      try {
        if (this.hooks.snapshotPauseAt === 'empty') await this.testPause('snapshot paused with its temp file empty');
        await this.writeImage(file, image);
        await file.datasync();
      } finally {
        await file.close();
      }
    } catch (err) {
      // Disk full or read-only: the journal still holds everything; try again later.
      this.dirty = true;
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    if (existsSync(dbPath)) await rename(dbPath, `${dbPath}.prev`);
    if (this.hooks.snapshotPauseAt === 'half') await this.testPause('snapshot paused between renames');
    await rename(tmp, dbPath);
    fsyncDir(dirname(dbPath));
    journal.prune(this.prevSeq);
    this.prevSeq = seq;
  }

  private async writeImage(file: FileHandle, image: Uint8Array): Promise<void> {
    if (this.hooks.snapshotPauseMs === 0 || this.hooks.snapshotPauseAt === 'empty') return file.writeFile(image);
    const half = Math.floor(image.length / 2);
    await file.write(image, 0, half);
    await this.testPause('snapshot paused with its temp file half written');
    await file.write(image, half, image.length - half);
  }

  private async testPause(what: string): Promise<void> {
    if (this.hooks.snapshotPauseMs === 0) return;
    this.opts.log(`test hook: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, this.hooks.snapshotPauseMs));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    if (this.draining) this.drain();
    this.closed = true;
    if (this.snapshotting) await this.snapshotting;
    if (this.journal && this.dirty) await this.writeSnapshot();
    this.journal?.close();
    this.st.free();
    this.db.close();
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function replayReadOnly(journalDir: string, afterSeq: number): { records: JournalRecord[]; damage: string | null } {
  if (!existsSync(journalDir)) return { records: [], damage: null };
  // Reading without the Journal class keeps a read-only open from truncating or creating segments.
  const records: JournalRecord[] = [];
  for (const name of readdirSync(journalDir).filter((n) => n.endsWith('.wal')).sort()) {
    for (const r of decodeSegment(readFileSync(join(journalDir, name))).records) if (r.seq > afterSeq) records.push(r);
  }
  return { records, damage: null };
}

interface Generation {
  db: Database;
  seq: number;
  /** True when database files existed but none could be used. */
  lost: boolean;
}

/**
 * A complete temp file newer than the database is a snapshot killed between
 * its renames: finish them now. Otherwise the next snapshot would write over
 * the temp file the agent was started from, and prune the journal down to its
 * sequence while `.prev` still held an older one.
 */
function promoteTemp(dbPath: string): void {
  if (existsSync(dbPath)) renameSync(dbPath, `${dbPath}.prev`);
  renameSync(`${dbPath}.tmp`, dbPath);
  fsyncDir(dirname(dbPath));
}

/** Opens the newest usable generation among the database, its temp file and `.prev`. */
function chooseGeneration(SQL: SqlJsStatic, opts: StoreOptions, hooks: TestHooks): Generation {
  const { dbPath, log } = opts;
  const candidates = [dbPath, `${dbPath}.tmp`, `${dbPath}.prev`].filter((p) => existsSync(p));
  let best: { db: Database; seq: number; path: string } | null = null;
  const broken: string[] = [];
  for (const path of candidates) {
    // `.prev` is only ever older than a good `genmon.db` (snapshots rename the database to it
    // first): checking it too would load and check a second copy on every start.
    if (path === `${dbPath}.prev` && best) continue;
    let db: Database | undefined;
    try {
      db = openImage(SQL, readFileSync(path));
      const from = schemaVersion(db);
      if (from === 0) throw new DatabaseError('not a Genmon database (no schema version)');
      if (from < SCHEMA_VERSION) log(`${path}: schema version ${from}, migrating to ${SCHEMA_VERSION}`);
      migrate(db, () => {
        if (hooks.migrationPauseMs === 0) return;
        log('test hook: migration paused before its commit');
        pauseSync(hooks.migrationPauseMs);
      });
    } catch (err) {
      db?.close();
      if (err instanceof DatabaseError && /newer than this agent/.test(err.message)) throw err;
      if (path !== `${dbPath}.tmp`) log(`database file ${path} is unusable (${(err as Error).message})`);
      broken.push(path);
      continue;
    }
    const seq = Number(getMeta(db, 'last_seq') ?? 0);
    if (!best || seq > best.seq) {
      best?.db.close();
      best = { db, seq, path };
    } else db.close();
  }
  if (!opts.readOnly) {
    for (const path of broken) {
      if (path === `${dbPath}.tmp`) continue;
      const aside = `${path}.corrupt-${Date.now()}`;
      renameSync(path, aside);
      log(`moved the unusable file aside to ${aside}`);
    }
  }
  if (best) {
    if (best.path !== dbPath) log(`using ${best.path} (snapshot ${best.seq}) and replaying the journal after it`);
    if (best.path === `${dbPath}.tmp` && !opts.readOnly) promoteTemp(dbPath);
    return { db: best.db, seq: best.seq, lost: false };
  }
  const db = openImage(SQL, null);
  migrate(db);
  if (broken.length > 0) log('no usable database generation: starting a new database');
  return { db, seq: 0, lost: broken.length > 0 };
}
