/**
 * Rows gathered while a journal record is applied and inserted in one
 * statement per table at its end: `INSERT ... SELECT FROM json_each(?)` with
 * the rows as one JSON array. In sql.js every bound value crosses from JS into
 * wasm and every string is copied twice; one array per table instead of ten
 * values per row is most of what makes ingest fast.
 */
import type { SqlValue } from 'sql.js';
import type { Statements } from './statements';

export class BulkInsert {
  private rows: SqlValue[][] = [];
  private readonly sql: string;

  /** `onConflict`: an upsert clause; rows are applied in the order they were added. */
  constructor(table: string, columns: readonly string[], onConflict = '') {
    const values = columns.map((_c, i) => `value ->> ${i}`).join(', ');
    // "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint.
    this.sql = `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values} FROM json_each(?) WHERE true ${onConflict}`;
  }

  add(row: SqlValue[]): void {
    this.rows.push(row);
  }

  flush(st: Statements): void {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    st.run(this.sql, [JSON.stringify(rows)]);
  }

  /** Drops what was gathered (the record was rolled back). */
  clear(): void {
    this.rows = [];
  }
}
