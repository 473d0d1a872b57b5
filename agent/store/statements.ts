import type { Database, SqlValue, Statement } from 'sql.js';

/**
 * Prepared statements of one database, prepared on first use. sql.js's
 * `export()` frees every statement, so the store calls `forget()` after each
 * snapshot and they are prepared again on next use.
 */
export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  private get(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  run(sql: string, params: SqlValue[]): void {
    const stmt = this.get(sql);
    stmt.bind(params);
    stmt.step();
    stmt.reset();
  }

  /** First row as an object, or undefined. */
  one<T = Record<string, SqlValue>>(sql: string, params: SqlValue[] = []): T | undefined {
    const stmt = this.get(sql);
    stmt.bind(params);
    const row = stmt.step() ? (stmt.getAsObject() as T) : undefined;
    stmt.reset();
    return row;
  }

  all<T = Record<string, SqlValue>>(sql: string, params: SqlValue[] = []): T[] {
    const stmt = this.get(sql);
    stmt.bind(params);
    const rows: T[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject() as T);
    stmt.reset();
    return rows;
  }

  /** Column 0 of every row. */
  column<T extends SqlValue = SqlValue>(sql: string, params: SqlValue[] = []): T[] {
    const stmt = this.get(sql);
    stmt.bind(params);
    const out: T[] = [];
    while (stmt.step()) out.push(stmt.get()[0] as T);
    stmt.reset();
    return out;
  }

  /** Every row as an array of values, to `fn`: no object per row on hot read paths. */
  each(sql: string, params: SqlValue[], fn: (row: SqlValue[]) => void): void {
    const stmt = this.get(sql);
    stmt.bind(params);
    try {
      while (stmt.step()) fn(stmt.get());
    } finally {
      stmt.reset();
    }
  }

  forget(): void {
    this.cache.clear();
  }

  free(): void {
    for (const stmt of this.cache.values()) stmt.free();
    this.cache.clear();
  }
}
