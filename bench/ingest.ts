/**
 * Ingest throughput: a log of N lines dropped into the watched directory, to
 * the moment its checkpoint (journaled with fdatasync, so durable) reaches the
 * end; the agent's peak RSS; beside it, the engine's ceiling: the same lines
 * inserted as raw event rows into sql.js in memory, in one transaction.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestStatus } from '../agent/api/types';
import { apiGet } from '../agent/cli/client';
import { writeDemoHistory } from '../agent/demo';
import { loadSqlJs } from '../agent/store/sqlite';
import { peakRss, sleep, startBenchAgent, type Results } from './lib';

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

async function sqlJsCeiling(file: string): Promise<number> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, ts INTEGER, run_id TEXT, type TEXT, body TEXT); CREATE INDEX events_run ON events (run_id)');
  const text = readFileSync(file, 'utf8');
  const t0 = performance.now();
  const stmt = db.prepare('INSERT INTO events (ts, run_id, type, body) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN');
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { ts: string; run_id: string; type: string };
    stmt.run([Date.parse(e.ts), e.run_id, e.type, line]);
    n++;
  }
  db.exec('COMMIT');
  const rate = n / ((performance.now() - t0) / 1000);
  stmt.free();
  db.close();
  return rate;
}

export async function benchIngest(results: Results, lines: number): Promise<void> {
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
    const rate = lines / seconds;
    const rss = peakRss(agent.child.pid!);
    const ceiling = await sqlJsCeiling(target);
    results.add({
      figure: `ingest ${lines.toLocaleString('en-US')} lines to durable storage`,
      value: rate,
      unit: 'lines/s',
      target: '> 100,000',
      met: rate > 100_000,
      peer: { name: 'sql.js raw insert, in memory (ceiling)', value: ceiling },
      ratio: rate / ceiling,
      note: `${seconds.toFixed(1)} s, ${(size / 1024 ** 2).toFixed(0)} MiB`,
    });
    results.add({ figure: 'agent peak RSS during that ingest', value: rss / 1024 ** 2, unit: 'MiB', target: '', met: null });
  } finally {
    await agent.stop();
    rmSync(staging, { recursive: true, force: true });
  }
}
