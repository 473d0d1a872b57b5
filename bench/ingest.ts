/**
 * Ingest throughput: a log of N lines dropped into the watched directory, to
 * the moment its checkpoint (journaled with fdatasync, so durable) reaches the
 * end; the agent's peak RSS. Beside it, the same lines parsed and inserted as
 * plain event rows, one prepared statement in one transaction: into sql.js in
 * memory (the engine's ceiling, nothing durable) and into a native SQLite
 * file with better-sqlite3 (the lower bound for "durable, in SQLite").
 */
import Database from 'better-sqlite3';
import { closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestStatus } from '../agent/api/types';
import { apiGet } from '../agent/cli/client';
import { writeDemoHistory } from '../agent/demo';
import { loadSqlJs } from '../agent/store/sqlite';
import { peakRss, sleep, startBenchAgent, type Bench } from './lib';

/** Writes demo history and cuts it at exactly `lines` lines. */
async function writeLog(file: string, lines: number): Promise<void> {
  const day = 24 * 3600_000;
  const to = Date.now() - 60_000;
  // Demo runs average about 34 lines; a few more runs than needed, then cut.
  await writeDemoHistory({ file, runs: Math.ceil(lines / 30), from: to - 30 * day, to, seed: 42 });
  const buf = readFileSync(file);
  let pos = -1;
  for (let i = 0; i < lines; i++) {
    pos = buf.indexOf(0x0a, pos + 1);
    if (pos < 0) throw new Error(`demo history has only ${i} lines, wanted ${lines}`);
  }
  const fd = openSync(file, 'w');
  writeSync(fd, buf, 0, pos + 1);
  closeSync(fd);
}

const SCHEMA = 'CREATE TABLE events (id INTEGER PRIMARY KEY, ts INTEGER, run_id TEXT, type TEXT, body TEXT); CREATE INDEX events_run ON events (run_id)';

/** Every line of the log parsed and handed to `insert`, inside `BEGIN`/`COMMIT`; lines per second. */
function timeInserts(file: string, exec: (sql: string) => void, insert: (ts: number, runId: string, type: string, line: string) => void): number {
  const text = readFileSync(file, 'utf8');
  const t0 = performance.now();
  exec('BEGIN');
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { ts: string; run_id: string; type: string };
    insert(Date.parse(e.ts), e.run_id, e.type, line);
    n++;
  }
  exec('COMMIT');
  return n / ((performance.now() - t0) / 1000);
}

async function sqlJsCeiling(file: string): Promise<number> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    db.exec(SCHEMA);
    const stmt = db.prepare('INSERT INTO events (ts, run_id, type, body) VALUES (?, ?, ?, ?)');
    const rate = timeInserts(file, (sql) => db.exec(sql), (ts, runId, type, line) => stmt.run([ts, runId, type, line]));
    stmt.free();
    return rate;
  } finally {
    db.close();
  }
}

/**
 * Native SQLite on a file in WAL mode with synchronous=FULL: the commit is
 * fsynced, so the rows are as durable as the agent's once its checkpoint
 * moves. WAL rather than a rollback journal because it is how one would set
 * up a native store for appends; inside one transaction the two differ little.
 */
function nativeBound(file: string, dir: string): number {
  const db = new Database(join(dir, 'native.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    const stmt = db.prepare('INSERT INTO events (ts, run_id, type, body) VALUES (?, ?, ?, ?)');
    return timeInserts(file, (sql) => db.exec(sql), (ts, runId, type, line) => stmt.run(ts, runId, type, line));
  } finally {
    db.close();
  }
}

export const ingestBench: Bench = {
  id: 'ingest',
  title: 'Ingest: a log to durable storage, beside sql.js in memory and native SQLite',
  async run(ctx) {
    const lines = ctx.quick ? 200_000 : 1_000_000;
    const staging = mkdtempSync(join(tmpdir(), 'genmon-bench-log-'));
    const staged = join(staging, 'history.jsonl');
    await writeLog(staged, lines);
    const size = statSync(staged).size;
    const agent = await startBenchAgent(['--no-sampler']);
    try {
      const target = join(agent.logDir, 'history.jsonl');
      const t0 = performance.now();
      renameSync(staged, target);
      for (;;) {
        await sleep(250);
        const status = await apiGet<IngestStatus>(agent.discovery, '/ingest');
        if (status.sources.some((s) => s.offset === size)) break;
      }
      const seconds = (performance.now() - t0) / 1000;
      const rss = peakRss(agent.child.pid!);
      // The peers run alone, on the same file.
      renameSync(target, staged);
      await agent.stop();
      ctx.log(`agent: ${seconds.toFixed(1)} s; now sql.js and better-sqlite3 on the same lines`);
      const ceiling = await sqlJsCeiling(staged);
      const bound = nativeBound(staged, staging);
      return [
        {
          id: 'ingest.rate',
          figure: `ingest ${lines.toLocaleString('en-US')} lines to durable storage`,
          value: lines / seconds,
          unit: 'lines/s',
          target: { op: '>', value: 100_000 },
          peers: [
            { name: 'sql.js raw insert, in memory (ceiling)', value: ceiling },
            { name: 'better-sqlite3 12, file, WAL, synchronous=FULL (bound)', value: bound },
          ],
          note: `${seconds.toFixed(1)} s, ${(size / 1024 ** 2).toFixed(0)} MiB`,
        },
        { id: 'ingest.peak-rss', figure: 'agent peak RSS during that ingest', value: rss / 1024 ** 2, unit: 'MiB' },
      ];
    } finally {
      await agent.stop();
      rmSync(staging, { recursive: true, force: true });
    }
  },
};
