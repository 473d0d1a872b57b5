/**
 * Sealed partitions: sealing a period (copy its rows into the partition file,
 * journal the seal, which deletes them from the hot database), and reading
 * them back through a small LRU of open images for queries. The hot
 * database stays the size of its newest periods; a query over older ones
 * opens the few files it needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants } from 'node:zlib';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { MetricFilters } from '../api/types';
import type { PhaseFact } from '../metrics/fact-metrics';
import { readDistinct, readPhaseFacts, readRunFacts, type FactSource, type RunFactRow } from '../metrics/facts';
import { rollupUpsert, type Tier } from '../metrics/rollup';
import type { RollupSource } from '../metrics/source';
import type { PartTier } from './journal';
import { ensurePartsDir, listParts, partFile, partName, type PartInfo } from './partition-files';
import { RUN_TABLES, SEALED_RUNS, SEALED_SESSIONS } from './seal-rows';
import { applyPragmas, migrate, openImage } from './sqlite';
import { Statements } from './statements';
import type { Store } from './store';

const compress = promisify(brotliCompress);
/** Brotli quality 5: SQLite pages shrink about 5x at a few ms per megabyte. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };
const CHUNK_ROWS = 20_000;

interface Open {
  db: Database;
  st: Statements;
}

export class PartitionSet {
  private parts: PartInfo[];
  private readonly lru = new Map<string, Open>();

  constructor(
    private readonly SQL: SqlJsStatic,
    private readonly dbPath: string,
    private readonly log: (m: string) => void,
    /** Partitions kept open at once. */
    private readonly capacity = 8,
  ) {
    this.parts = listParts(dbPath);
  }

  list(): PartInfo[] {
    return this.parts;
  }

  refresh(): void {
    this.parts = listParts(this.dbPath);
    for (const name of [...this.lru.keys()]) if (!this.parts.some((p) => p.name === name)) this.evict(name);
  }

  private overlapping(tier: PartTier, from: number, to: number): PartInfo[] {
    return this.parts.filter((p) => p.tier === tier && p.to > from && p.from < to);
  }

  private open(part: PartInfo): Open | null {
    const cached = this.lru.get(part.name);
    if (cached) {
      this.lru.delete(part.name);
      this.lru.set(part.name, cached);
      return cached;
    }
    let db: Database;
    try {
      db = openImage(this.SQL, brotliDecompressSync(readFileSync(part.path)));
      applyPragmas(db);
    } catch (err) {
      this.log(`partition ${part.name} cannot be read (${(err as Error).message}); queries leave its period out`);
      return null;
    }
    const entry = { db, st: new Statements(db) };
    this.lru.set(part.name, entry);
    while (this.lru.size > this.capacity) this.evict(this.lru.keys().next().value!);
    return entry;
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
      distinct: (column, from, to) => {
        const values = new Set(readDistinct(hot, column, from, to));
        for (const part of this.overlapping('facts', from, to)) {
          const p = this.open(part);
          if (p) for (const v of readDistinct(p.st, column, from, to)) values.add(v);
        }
        return [...values].sort();
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
      const db = existsSync(final) ? openImage(this.SQL, brotliDecompressSync(readFileSync(final))) : openImage(this.SQL, null);
      let image: Uint8Array;
      try {
        migrate(db);
        applyPragmas(db);
        const st = new Statements(db);
        db.exec('BEGIN');
        copyRows(store.st, st, tier, from, to);
        db.exec('COMMIT');
        st.free();
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
