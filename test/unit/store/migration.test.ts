import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../agent/store/schema';
import { loadSqlJs, migrate } from '../../../agent/store/sqlite';

const pages = (db: { exec(sql: string): { values: unknown[][] }[] }) => Number(db.exec('PRAGMA page_count')[0].values[0][0]);

test('migration 6 moves runs into a rowid table: every row and index kept, about a quarter of the pages', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  for (const step of MIGRATIONS.slice(0, 5)) db.exec(step);
  db.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '5')");
  const facts = JSON.stringify({ tokens: { 'gpt-x': 1234 }, note: 'f'.repeat(1000) });
  db.exec('BEGIN');
  const insert = db.prepare(
    'INSERT INTO runs (run_id, status, started_at, ended_at, project_type, user_id, model, facts, cost_usd, compute_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // Rows a little over 1 KB, as a run with its facts is: past what an index b-tree cell holds on its page. Out of time order, as runs arrive from several logs.
  for (let i = 0; i < 2000; i++) {
    const n = (i * 7919) % 2000;
    insert.run([`run-${n}`, n % 3 ? 'success' : 'failed', 1_000_000 + n * 1000, 1_000_500 + n * 1000, `pt-${n % 4}`, `u${n % 9}`, 'gpt-x', facts, n / 100, n / 1000]);
  }
  insert.free();
  db.exec('COMMIT');
  const before = db.exec('SELECT * FROM runs ORDER BY run_id')[0].values;
  const pagesBefore = pages(db);
  assert.match(String(db.exec("SELECT sql FROM sqlite_master WHERE name = 'runs'")[0].values[0][0]), /WITHOUT ROWID/);

  assert.deepEqual(migrate(db), { from: 5, to: SCHEMA_VERSION });
  assert.doesNotMatch(String(db.exec("SELECT sql FROM sqlite_master WHERE name = 'runs'")[0].values[0][0]), /WITHOUT ROWID/);
  assert.deepEqual(db.exec('SELECT * FROM runs ORDER BY run_id')[0].values, before, 'every run and column as it was');
  const indexes = db.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND name NOT LIKE 'sqlite_%' ORDER BY name")[0].values.flat();
  assert.deepEqual(indexes, ['runs_ended', 'runs_running', 'runs_started', 'runs_user']);
  db.exec('VACUUM');
  assert.ok(pages(db) * 2.5 < pagesBefore, `${pagesBefore} pages before, ${pages(db)} after`);

  // run_id stays the key: an upsert on it updates in place.
  db.exec("INSERT INTO runs (run_id, started_at) VALUES ('run-5', 1) ON CONFLICT (run_id) DO UPDATE SET status = 'partial'");
  assert.equal(db.exec("SELECT COUNT(*), MAX(status) FROM runs WHERE run_id = 'run-5'")[0].values[0].join(), '1,partial');
  assert.throws(() => db.exec("INSERT INTO runs (run_id, started_at) VALUES ('run-5', 1)"), /UNIQUE/);
  db.close();
});
