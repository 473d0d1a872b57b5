/**
 * Loading sql.js and opening database images: the wasm file is found next to
 * the bundled agent (dist/) or in node_modules when running from source.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { mergeEncoded } from '../metrics/sketch';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

let sqlPromise: Promise<SqlJsStatic> | null = null;

function wasmPath(): string {
  const beside = join(__dirname, 'sql-wasm.wasm');
  if (existsSync(beside)) return beside;
  return createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm');
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlPromise ??= initSqlJs({ locateFile: () => wasmPath() });
  return sqlPromise;
}

export class DatabaseError extends Error {}

/**
 * Opens an image and (unless `check` is false, for an image checked before)
 * checks it; throws `DatabaseError` with the reason when it is unusable.
 */
export function openImage(SQL: SqlJsStatic, image: Uint8Array | null, check = true): Database {
  // sql.js opens zero bytes as a new, empty database that passes every check: a file
  // killed before its first byte (a snapshot's temp file, say) must not pass for one.
  if (image?.length === 0) throw new DatabaseError('the file is empty');
  const db = image ? new SQL.Database(image) : new SQL.Database();
  try {
    if (!check) return db;
    const answer = db.exec('PRAGMA quick_check');
    const verdict = String(answer[0]?.values[0]?.[0] ?? 'no answer');
    if (verdict !== 'ok') throw new DatabaseError(`integrity check failed: ${verdict}`);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError((err as Error).message);
  }
}

/**
 * Durability comes from our own journal, so SQLite's rollback journal and
 * syncs (into sql.js's in-memory file system) are pure overhead. sql.js's
 * `export()` resets pragmas, so this runs after each snapshot too.
 */
export function applyPragmas(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA locking_mode = EXCLUSIVE');
  registerFunctions(db);
}

/** SQL functions of ours; `export()` reopens the connection, so they are registered again after it. */
export function registerFunctions(db: Database): void {
  db.create_function('sketch_merge', (a: Uint8Array | null, b: Uint8Array | null) => mergeEncoded(a, b));
}

export function schemaVersion(db: Database): number {
  const hasMeta = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (hasMeta.length === 0) return 0;
  const row = db.exec("SELECT value FROM meta WHERE key = 'schema_version'");
  return Number(row[0]?.values[0]?.[0] ?? 0);
}

/**
 * Brings a database up to `SCHEMA_VERSION`; refuses one from a newer agent.
 * `inStep` runs inside each step's transaction, before it commits.
 */
export function migrate(db: Database, inStep?: (to: number) => void): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new DatabaseError(
      `database schema version ${from} is newer than this agent supports (${SCHEMA_VERSION}); upgrade Genmon or point --db elsewhere`,
    );
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v]);
      db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [String(v + 1)]);
      inStep?.(v + 1);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new DatabaseError(`migration to schema version ${v + 1} failed: ${(err as Error).message}`);
    }
  }
  return { from, to: SCHEMA_VERSION };
}

export function getMeta(db: Database, key: string): string | null {
  const row = db.exec('SELECT value FROM meta WHERE key = ?', [key]);
  const value = row[0]?.values[0]?.[0];
  return value === undefined || value === null ? null : String(value);
}
