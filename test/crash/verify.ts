/**
 * What the crash harness checks in a data directory after a kill, reading it
 * the way the agent would on restart (newest usable snapshot plus the
 * journal after it), without changing a byte.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import initSqlJs, { type Database } from 'sql.js';
import { unpackLines } from '../../agent/store/pack';
import { MIGRATIONS, SCHEMA_VERSION } from '../../agent/store/schema';
import { Store } from '../../agent/store/store';

export interface Recovered {
  /** How often each run_id appears among the stored raw lines. */
  ids: Map<string, number>;
  runs: number;
  events: number;
  /** Integrity problems, per file. */
  problems: string[];
  log: string[];
}

function integrity(db: Database): string {
  return (db.exec('PRAGMA integrity_check')[0]?.values ?? []).map((r) => String(r[0])).join('; ');
}

export async function inspect(dbPath: string): Promise<Recovered> {
  const SQL = await initSqlJs();
  const problems: string[] = [];
  for (const path of [dbPath, `${dbPath}.prev`]) {
    if (!existsSync(path)) continue;
    const db = new SQL.Database(readFileSync(path));
    try {
      const verdict = integrity(db);
      if (verdict !== 'ok') problems.push(`${path}: ${verdict}`);
    } finally {
      db.close();
    }
  }
  const log: string[] = [];
  const store = await Store.open({ dbPath, readOnly: true, log: (m) => log.push(m) });
  try {
    const verdict = integrity(store.db);
    if (verdict !== 'ok') problems.push(`recovered database: ${verdict}`);
    const ids = new Map<string, number>();
    const bodies = store.db.exec('SELECT body FROM raw_chunks')[0]?.values ?? [];
    for (const [body] of bodies) {
      for (const text of unpackLines(body as Uint8Array).toString('utf8').split('\n')) {
        if (!text) continue;
        const id = (JSON.parse(text) as { run_id: string }).run_id;
        ids.set(id, (ids.get(id) ?? 0) + 1);
      }
    }
    const count = (sql: string) => Number(store.db.exec(sql)[0].values[0][0]);
    return { ids, runs: count('SELECT COUNT(*) FROM runs'), events: count("SELECT COUNT(*) FROM events WHERE type = 'crash.tick'"), problems, log };
  } finally {
    await store.close();
  }
}

/**
 * Rewrites a database as the agent one schema version older would have it:
 * the older migrations applied to a new database, then every row of the
 * tables and columns it has copied over. Written through a temp file and a
 * rename, as the agent writes snapshots. Returns false when the file is not
 * a usable database of the current version.
 */
export async function downgradeOneVersion(path: string): Promise<boolean> {
  if (!existsSync(path) || SCHEMA_VERSION < 2) return false;
  const SQL = await initSqlJs();
  let current: Database;
  try {
    current = new SQL.Database(readFileSync(path));
    if (integrity(current) !== 'ok') throw new Error('damaged');
  } catch {
    return false;
  }
  const older = new SQL.Database();
  try {
    // A temp file killed before its first byte opens as an empty database, with no meta table.
    const hasMeta = current.exec("SELECT 1 FROM sqlite_master WHERE name = 'meta'").length > 0;
    const version = hasMeta ? Number(current.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0]?.values[0]?.[0] ?? 0) : 0;
    if (version !== SCHEMA_VERSION) return false;
    for (const sql of MIGRATIONS.slice(0, SCHEMA_VERSION - 1)) older.exec(sql);
    const columns = (db: Database, table: string) => (db.exec(`PRAGMA table_info(${table})`)[0]?.values ?? []).map((r) => String(r[1]));
    const tables = (older.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) => String(r[0]));
    older.exec('BEGIN');
    for (const table of tables) {
      const shared = columns(older, table).filter((c) => columns(current, table).includes(c));
      if (shared.length === 0) continue;
      const insert = older.prepare(`INSERT OR REPLACE INTO ${table} (${shared.join(', ')}) VALUES (${shared.map(() => '?').join(', ')})`);
      const select = current.prepare(`SELECT ${shared.join(', ')} FROM ${table}`);
      while (select.step()) insert.run(select.get());
      select.free();
      insert.free();
    }
    older.run("UPDATE meta SET value = ? WHERE key = 'schema_version'", [String(SCHEMA_VERSION - 1)]);
    older.exec('COMMIT');
    writeFileSync(`${path}.downgrade`, older.export());
    renameSync(`${path}.downgrade`, path);
    return true;
  } finally {
    current.close();
    older.close();
  }
}
