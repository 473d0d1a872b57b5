/**
 * Sealed partitions: sealing a period (copy its rows into the partition file,
 * journal the seal, which deletes them from the hot database), and reading
 * them back through a small cache of open images for queries. The hot
 * database stays the size of its newest periods; a query over older ones
 * opens the few files it needs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants } from 'node:zlib';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { MetricFilters } from '../api/types';
import type { PhaseFact } from '../metrics/fact-metrics';
import { mergeCostRows, readCostRows, readDistinct, readPhaseFacts, readRunFacts, type Codec, type CostKey, type FactSource, type RunFactRow } from '../metrics/facts';
import { rollupUpsert, type Tier } from '../metrics/rollup';
import type { RollupSource } from '../metrics/source';
import type { PartTier } from './journal';
import { PartAnswers } from './part-answers';
import { ensurePartsDir, listParts, partFile, partName, type PartInfo } from './partition-files';
import { RUN_TABLES, SEALED_RUNS, SEALED_SESSIONS } from './seal-rows';
import { applyPragmas, migrate, openImage } from './sqlite';
import { Statements } from './statements';
import type { Store } from './store';

const compress = promisify(brotliCompress);
/** Brotli quality 5: SQLite pages shrink about 5x at a few ms per megabyte. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };
const CHUNK_ROWS = 20_000;
const COST_KEYS: CostKey[] = ['model', 'user', 'project_type', 'template', 'day'];
const DISTINCT_COLUMNS = ['project_type', 'template', 'model'] as const;
const costsKey = (key: CostKey, filters: MetricFilters) => `costs ${key} ${JSON.stringify(filters)}`;
const distinctKey = (column: string) => `distinct ${column}`;

/** A sealed file's size and time: what its kept answers and integrity check stand for. */
function stampOf(path: string): string {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
}

/** Whether [from, to) takes in the whole period, so its answer cannot change until it is sealed again. */
function covers(part: PartInfo, from: number, to: number): boolean {
  return from <= part.from && to >= part.to;
}

/**
 * Decompresses a partition image. Output chunks of 1 MiB rather than zlib's
 * 16 KiB: gathering thousands of small chunks took half the time of opening
 * a 25 MiB week.
 */
function inflate(packed: Buffer): Buffer {
  return brotliDecompressSync(packed, { chunkSize: 1 << 20 });
}

interface Open {
  db: Database;
  st: Statements;
  tier: PartTier;
}

export class PartitionSet {
  private parts: PartInfo[];
  private readonly lru = new Map<string, Open>();
  /** Partition files opened (decompressed) so far, per kind: tests and benches read it. */
  readonly opened: Record<PartTier, number> = { '1m': 0, '1h': 0, facts: 0 };
  /** Answers of whole partitions (`whole`), kept in memory and beside the database. */
  private readonly answers: PartAnswers;
  /** Partition files (name, size, time) whose integrity was checked since start. */
  private readonly checked = new Set<string>();

  constructor(
    private readonly SQL: SqlJsStatic,
    private readonly dbPath: string,
    private readonly log: (m: string) => void,
    /**
     * Partitions kept open at once, per kind: rollup weeks are a few MiB open, so
     * a 90-day chart's 13 stay open; facts weeks are about 25 MiB.
     */
    private readonly capacity: Record<PartTier, number> = { '1m': 8, '1h': 64, facts: 8 },
  ) {
    this.parts = listParts(dbPath);
    this.answers = new PartAnswers(`${dbPath}.answers`, log);
  }

  list(): PartInfo[] {
    return this.parts;
  }

  refresh(): void {
    this.parts = listParts(this.dbPath);
    for (const name of [...this.lru.keys()]) if (!this.parts.some((p) => p.name === name)) this.evict(name);
    this.answers.prune(new Set(this.parts.map((p) => p.name)));
  }

  private overlapping(tier: PartTier, from: number, to: number): PartInfo[] {
    return this.parts.filter((p) => p.tier === tier && p.to > from && p.from < to);
  }

  private open(part: PartInfo): Open | null {
    const cached = this.lru.get(part.name);
    if (cached) return cached;
    let db: Database;
    try {
      // A sealed file does not change until it is sealed again (which evicts it): checked once per process, by its size and time.
      const stamp = `${part.name}:${stampOf(part.path)}`;
      db = openImage(this.SQL, inflate(readFileSync(part.path)), !this.checked.has(stamp));
      this.opened[part.tier]++;
      this.checked.add(stamp);
      applyPragmas(db);
    } catch (err) {
      this.log(`partition ${part.name} cannot be read (${(err as Error).message}); queries leave its period out`);
      return null;
    }
    // Over capacity, the partition opened last goes, not the one used least recently: a query reads its
    // partitions in order, and with more of them than fit, LRU would miss on every one, every time; this
    // way the first ones opened stay and hit. (A hit does not reorder: the map keeps the opening order.)
    const same = [...this.lru].filter(([, e]) => e.tier === part.tier).map(([name]) => name);
    const excess = same.length + 1 - this.capacity[part.tier];
    for (const name of excess > 0 ? same.slice(same.length - excess) : []) this.evict(name);
    const entry = { db, st: new Statements(db), tier: part.tier };
    this.lru.set(part.name, entry);
    return entry;
  }

  /**
   * A partition's answer to `read` over [from, to). When the range covers the
   * whole partition the answer cannot change until it is sealed again, so it
   * is kept (by the file's size and time, in memory and on disk, through
   * `codec` when it is not plain JSON) and later queries over it, such as
   * every 90-day cost or filter list, need not open it, after a restart too.
   */
  private whole<T>(part: PartInfo, from: number, to: number, what: string, read: (st: Statements, from: number, to: number) => T, codec?: Codec<T>): T | null {
    if (!covers(part, from, to)) {
      const p = this.open(part);
      return p ? read(p.st, from, to) : null;
    }
    let stamp: string;
    try {
      stamp = stampOf(part.path);
    } catch {
      return null;
    }
    const kept = this.answers.get(part.name, stamp, what);
    if (kept !== undefined) {
      try {
        return codec ? codec.decode(kept) : (kept as T);
      } catch {
        // written by another version: computed again below
      }
    }
    const p = this.open(part);
    if (!p) return null;
    const answer = read(p.st, part.from, part.to);
    this.answers.set(part.name, stamp, what, codec ? codec.encode(answer) : answer);
    return answer;
  }

  /** The answers most queries ask of a sealed facts week, computed once when it is sealed. */
  private seedFacts(name: string): void {
    const part = this.parts.find((p) => p.name === name && p.tier === 'facts');
    if (!part) return;
    for (const key of COST_KEYS) this.whole(part, part.from, part.to, costsKey(key, {}), (st, f, t) => readCostRows(st, key, f, t, {}));
    for (const column of DISTINCT_COLUMNS) this.whole(part, part.from, part.to, distinctKey(column), (st, f, t) => readDistinct(st, column, f, t));
    this.evict(name);
  }

  private evict(name: string): void {
    const entry = this.lru.get(name);
    if (!entry) return;
    entry.st.free();
    entry.db.close();
    this.lru.delete(name);
  }

  close(): void {
    for (const name of [...this.lru.keys()]) this.evict(name);
  }

  /** Rollup rows of sealed periods. */
  source(): RollupSource {
    return {
      read: (tier: Tier, series, from, to, withSketch, fn) => {
        if (tier === '1d' || series.length === 0) return;
        for (const part of this.overlapping(tier, from, to)) {
          this.open(part)?.st.each(
            `SELECT series, bucket, count, sum, min, max, last, last_ts, ${withSketch ? 'sketch' : 'NULL'} FROM rollup_${tier}
             WHERE series IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ?`,
            [JSON.stringify(series), from, to],
            (row) => fn(row as never),
          );
        }
      },
    };
  }

  /** Per-run facts of the hot database and of sealed periods. */
  facts(hot: Statements): FactSource {
    return {
      runs: (from: number, to: number, filters: MetricFilters): RunFactRow[] => {
        const out = readRunFacts(hot, from, to, filters);
        for (const part of this.overlapping('facts', from, to)) {
          const p = this.open(part);
          if (p) out.push(...readRunFacts(p.st, from, to, filters));
        }
        return out;
      },
      costs: (key, from, to, filters) => {
        const lists = [readCostRows(hot, key, from, to, filters)];
        for (const part of this.overlapping('facts', from, to)) {
          const rows = this.whole(part, from, to, costsKey(key, filters), (st, f, t) => readCostRows(st, key, f, t, filters));
          if (rows) lists.push(rows);
        }
        return mergeCostRows(lists);
      },
      distinct: (column, from, to) => {
        const values = new Set(readDistinct(hot, column, from, to));
        for (const part of this.overlapping('facts', from, to)) {
          for (const v of this.whole(part, from, to, distinctKey(column), (st, f, t) => readDistinct(st, column, f, t)) ?? []) values.add(v);
        }
        return [...values].sort();
      },
      reduceRuns: (from, to, filters, key, reduce, codec) => {
        const rest: Statements[] = [hot];
        const reduced = [];
        for (const part of this.overlapping('facts', from, to)) {
          if (!covers(part, from, to)) {
            const p = this.open(part);
            if (p) rest.push(p.st);
            continue;
          }
          const answer = this.whole(
            part, from, to, `reduce ${key} ${JSON.stringify(filters)}`,
            (st, f, t) => reduce(readRunFacts(st, f, t, filters), (ids) => readPhaseFacts(st, ids)),
            codec,
          );
          if (answer !== null) reduced.push(answer);
        }
        return {
          reduced,
          runs: rest.flatMap((st) => readRunFacts(st, from, to, filters)),
          phases: (ids) => rest.flatMap((st) => readPhaseFacts(st, ids)),
        };
      },
      phases: (runIds: string[], from: number, to: number): PhaseFact[] => {
        const out = readPhaseFacts(hot, runIds);
        for (const part of this.overlapping('facts', from, to)) {
          const p = this.open(part);
          if (p) out.push(...readPhaseFacts(p.st, runIds));
        }
        return out;
      },
    };
  }

  /**
   * The facts partitions, newest first, each opened as the caller reaches it
   * (a partition may be closed again once the next one opens).
   */
  *factDatabases(): Generator<Statements> {
    for (const part of this.overlapping('facts', -Infinity, Infinity).reverse()) {
      const st = this.open(part)?.st;
      if (st) yield st;
    }
  }

  /**
   * Moves the rows of one period into its partition file (merging with the
   * file when the period was sealed before and late data came in since).
   */
  async seal(store: Store, tier: PartTier, from: number, to: number, at: number): Promise<void> {
    await store.exclusive(async () => {
      const name = partName(tier, from);
      const final = partFile(this.dbPath, name);
      ensurePartsDir(this.dbPath);
      this.evict(name);
      const db = existsSync(final) ? openImage(this.SQL, inflate(readFileSync(final))) : openImage(this.SQL, null);
      let image: Uint8Array;
      try {
        migrate(db);
        applyPragmas(db);
        const st = new Statements(db);
        db.exec('BEGIN');
        copyRows(store.st, st, tier, from, to);
        db.exec('COMMIT');
        st.free();
        // Rows copied out of key order leave pages half full: repacked, the file and the memory it takes when opened shrink by half.
        db.exec('VACUUM');
        image = db.export();
      } finally {
        db.close();
      }
      const packed = await compress(image, BROTLI);
      const seq = store.nextSeq;
      const next = `${final}.next-${seq}`;
      const file = await open(next, 'w', 0o600);
      try {
        await file.writeFile(packed);
        await file.datasync();
      } catch (err) {
        await file.close();
        await rm(next, { force: true });
        throw err;
      }
      await file.close();
      store.commitNow([{ header: { kind: 'seal', at, part: name, tier, from, to }, body: Buffer.alloc(0) }]);
      this.refresh();
    });
    if (tier === 'facts') this.seedFacts(partName(tier, from));
  }
}

/** Copies a period's rows from the hot database into a partition database. */
function copyRows(hot: Statements, part: Statements, tier: PartTier, from: number, to: number): void {
  if (tier === '1m' || tier === '1h') {
    let rows: SqlValue[][] = [];
    const flush = () => {
      if (rows.length) part.run(rollupUpsert(tier), [JSON.stringify(rows)]);
      rows = [];
    };
    hot.each(`SELECT series, bucket, count, sum, min, max, last, last_ts, hex(sketch) FROM rollup_${tier} WHERE bucket >= ? AND bucket < ?`, [from, to], (r) => {
      rows.push([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] === '' ? null : r[8]]);
      if (rows.length >= CHUNK_ROWS) flush();
    });
    flush();
    return;
  }
  copyTable(hot, part, 'runs', `SELECT * FROM runs WHERE run_id IN (${SEALED_RUNS})`, [from, to]);
  for (const table of RUN_TABLES) copyTable(hot, part, table, `SELECT * FROM ${table} WHERE run_id IN (${SEALED_RUNS})`, [from, to]);
  copyTable(hot, part, 'sessions', `SELECT * FROM sessions WHERE session_id IN (${SEALED_SESSIONS})`, [from, to]);
}

/** Rows as JSON objects into the same table; a rowid `id` is left for the partition to assign. */
function copyTable(hot: Statements, part: Statements, table: string, select: string, params: SqlValue[]): void {
  const rows = hot.all(select, params);
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const chunk = rows.slice(i, i + CHUNK_ROWS).map((r) => {
      const { id: _id, ...rest } = r;
      return rest;
    });
    const cols = Object.keys(chunk[0]);
    part.run(
      `INSERT OR REPLACE INTO ${table} (${cols.join(', ')}) SELECT ${cols.map((c) => `value ->> '${c}'`).join(', ')} FROM json_each(?)`,
      [JSON.stringify(chunk)],
    );
  }
}
