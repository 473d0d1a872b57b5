/**
 * The lower bound of the query benches: the agent's own query code (metric
 * engine, facts, older endpoints, HTTP routes) over the same store files, on
 * native SQLite (better-sqlite3) instead of sql.js, served in this process.
 * The partitions are decompressed to files first; nothing else changes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import type { SqlValue } from 'sql.js';
import { registerMetricRoutes } from '../agent/api/metric-routes';
import { registerRoutes } from '../agent/api/routes';
import { ApiServer } from '../agent/api/server';
import type { DiscoveryFile } from '../agent/api/types';
import { mergeCostRows, readCostRows, readDistinct, readPhaseFacts, readRunFacts, type FactSource, type RunFactRow } from '../agent/metrics/facts';
import { DEFAULT_PRICES } from '../agent/metrics/prices';
import { MetricEngine } from '../agent/metrics/query';
import { DEFAULT_RETENTION } from '../agent/metrics/settings';
import { statementsSource, type RollupSource } from '../agent/metrics/source';
import { History } from '../agent/store/history';
import { listParts, type PartInfo } from '../agent/store/partition-files';
import { Queries } from '../agent/store/queries';
import type { Statements } from '../agent/store/statements';

/** better-sqlite3 behind the small statement API the agent's queries use. */
class NativeStatements {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly db: BetterSqlite3.Database) {}

  private get(sql: string, raw: boolean): BetterSqlite3.Statement {
    const key = `${raw ? 'raw' : 'obj'}:${sql}`;
    let stmt = this.cache.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (raw && stmt.reader) stmt.raw(true);
      this.cache.set(key, stmt);
    }
    return stmt;
  }

  run(sql: string, params: SqlValue[]): void {
    this.get(sql, false).run(...params);
  }

  one<T>(sql: string, params: SqlValue[] = []): T | undefined {
    return this.get(sql, false).get(...params) as T | undefined;
  }

  all<T>(sql: string, params: SqlValue[] = []): T[] {
    return this.get(sql, false).all(...params) as T[];
  }

  column<T>(sql: string, params: SqlValue[] = []): T[] {
    return (this.get(sql, true).all(...params) as unknown[][]).map((r) => r[0] as T);
  }

  each(sql: string, params: SqlValue[], fn: (row: SqlValue[]) => void): void {
    for (const row of this.get(sql, true).iterate(...params)) fn(row as SqlValue[]);
  }

  forget(): void {}

  free(): void {}
}

export interface NativeServer {
  discovery: DiscoveryFile;
  close(): Promise<void>;
}

export async function startNativeServer(dbPath: string, scratch: string, now: () => number): Promise<NativeServer> {
  mkdirSync(scratch, { recursive: true });
  const open = (path: string) => new NativeStatements(new BetterSqlite3(path, { readonly: true })) as unknown as Statements;
  const hot = open(dbPath);
  const parts: { info: PartInfo; st: Statements }[] = listParts(dbPath).map((info) => {
    const file = join(scratch, `${info.name}.sqlite`);
    writeFileSync(file, brotliDecompressSync(readFileSync(info.path)));
    return { info, st: open(file) };
  });
  const overlapping = (tier: string, from: number, to: number) => parts.filter((p) => p.info.tier === tier && p.info.to > from && p.info.from < to);
  const partSource: RollupSource = {
    read(tier, series, from, to, withSketch, fn) {
      if (tier === '1d' || series.length === 0) return;
      for (const p of overlapping(tier, from, to)) statementsSource(p.st).read(tier, series, from, to, withSketch, fn);
    },
  };
  const facts: FactSource = {
    runs: (from, to, filters) => [readRunFacts(hot, from, to, filters), ...overlapping('facts', from, to).map((p) => readRunFacts(p.st, from, to, filters))].flat() as RunFactRow[],
    phases: (ids, from, to) => [readPhaseFacts(hot, ids), ...overlapping('facts', from, to).map((p) => readPhaseFacts(p.st, ids))].flat(),
    costs: (key, from, to, filters) => mergeCostRows([readCostRows(hot, key, from, to, filters), ...overlapping('facts', from, to).map((p) => readCostRows(p.st, key, from, to, filters))]),
    distinct: (column, from, to) => [...new Set([readDistinct(hot, column, from, to), ...overlapping('facts', from, to).map((p) => readDistinct(p.st, column, from, to))].flat())].sort(),
  };
  const engine = new MetricEngine(hot, { prices: () => DEFAULT_PRICES, retention: () => DEFAULT_RETENTION, now, sources: () => [statementsSource(hot), partSource], facts });
  const queries = new Queries(hot);
  const factParts = parts.filter((p) => p.info.tier === 'facts').reverse();
  queries.history = new History({
    engine, now, rawMs: () => DEFAULT_RETENTION.rawHours * 3_600_000,
    parts: { list: () => parts.map((p) => p.info), factDatabases: function* () { for (const p of factParts) yield p.st; } },
    oldestSample: () => {
      const ts = hot.one<{ ts: number | null }>('SELECT MIN(ts) AS ts FROM samples')?.ts;
      return ts === null || ts === undefined ? null : Number(ts);
    },
  });
  const token = 'native-bench';
  const server = new ApiServer({ token, log: () => undefined, hello: () => ({ type: 'ingest', lines: 0, bad: 0, sources: 0 }) });
  registerRoutes(server, {
    queries, now, alerts: () => [], liveSample: () => null,
    health: () => ({ ok: true, version: 'native', pid: process.pid, startedAt: 0, dbPath, logDirs: [], schemaVersion: 0 }),
    setGroupStatus: () => Promise.reject(new Error('read-only')),
  });
  registerMetricRoutes(server, { engine, facts, now });
  const url = await server.listen();
  return {
    discovery: { pid: process.pid, version: 'native', url, token, dbPath, logDirs: [], startedAt: 0 },
    close: async () => {
      await server.close();
      for (const p of parts) (p.st as unknown as NativeStatements).db.close();
      (hot as unknown as NativeStatements).db.close();
    },
  };
}
