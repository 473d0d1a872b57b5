/**
 * The agent's metrics: the query engine and its endpoints, the Prometheus
 * endpoint, the price table (journaled when it changes, so a replay prices
 * events alike) and the minute tick that decides abandoned runs and closed
 * sessions in a journal record.
 */
import { registerMetricRoutes } from '../api/metric-routes';
import { registerPrometheus } from '../api/prometheus';
import type { ApiServer } from '../api/server';
import type { AgentConfig } from '../config';
import type { Store } from '../store/store';
import { loadSqlJs } from '../store/sqlite';
import { Maintenance } from '../store/maintenance';
import { PartitionSet } from '../store/partitions';
import { History } from '../store/history';
import type { Queries } from '../store/queries';
import type { FactSource } from './facts';
import { DEFAULT_PRICES, readPriceFile } from './prices';
import { parseSettings, type StoreSettings } from './settings';
import { MetricEngine } from './query';
import { statementsSource } from './source';

const TICK_MS = 60_000;

export interface MetricsService {
  engine: MetricEngine;
  parts: PartitionSet;
  stop(): Promise<void>;
}

export async function startMetrics(deps: {
  store: Store; queries: Queries; server: ApiServer; config: AgentConfig; log: (m: string) => void; now?: () => number;
}): Promise<MetricsService> {
  const { store, queries, server, config, log } = deps;
  const now = deps.now ?? Date.now;
  const settings = await journalSettings(store, config, now);
  const parts = new PartitionSet(await loadSqlJs(), store.dataPath, log);
  const facts: FactSource = parts.facts(store.st);
  const hot = statementsSource(store.st);
  const partitioned = parts.source();
  const engine = new MetricEngine(store.st, { prices: () => settings.prices, retention: () => settings.retention, now, sources: () => [hot, partitioned], facts });
  queries.history = new History({
    engine, parts, now,
    rawMs: () => settings.retention.rawHours * 3_600_000,
    oldestSample: () => {
      const ts = store.st.one<{ ts: number | null }>('SELECT MIN(ts) AS ts FROM samples')?.ts;
      return ts === null || ts === undefined ? null : Number(ts);
    },
  });
  const maintenance = new Maintenance({ store, parts, retention: () => settings.retention, now, log });
  maintenance.start();
  registerMetricRoutes(server, { engine, facts, now });
  registerPrometheus(server, { engine, now });

  let ticking = false;
  const tick = async () => {
    if (ticking) return;
    ticking = true;
    try {
      const at = now();
      if (tickDue(store, at, config)) {
        await store.commit([{ header: { kind: 'tick', at, abandonAfterMs: config.abandonAfterMs, sessionTimeoutMs: config.sessionTimeoutMs }, body: Buffer.alloc(0) }]);
      }
    } catch (err) {
      log(`metrics tick failed: ${(err as Error).message}`);
    } finally {
      ticking = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), TICK_MS).unref();
  return {
    engine,
    parts,
    stop: async () => {
      clearInterval(timer);
      await maintenance.stop();
      parts.close();
    },
  };
}

/** A tick is journaled only when it has something to decide, so an idle agent writes nothing. */
export function tickDue(store: Store, at: number, opts: { abandonAfterMs: number; sessionTimeoutMs: number }): boolean {
  const run = store.st.one("SELECT 1 AS x FROM runs WHERE status = 'running' AND started_at < ? LIMIT 1", [at - opts.abandonAfterMs]);
  const session = store.st.one('SELECT 1 AS x FROM sessions WHERE closed_at IS NULL AND last_at < ? LIMIT 1', [at - opts.sessionTimeoutMs]);
  return run !== undefined || session !== undefined;
}

/** The configured settings, journaled when they differ from those the database holds. */
async function journalSettings(store: Store, config: AgentConfig, now: () => number): Promise<StoreSettings> {
  const settings: StoreSettings = { prices: config.pricesFile ? readPriceFile(config.pricesFile) : DEFAULT_PRICES, retention: config.retention };
  const stored = store.st.one<{ value: string }>("SELECT value FROM meta WHERE key = 'settings'")?.value;
  const current = parseSettings(stored ? JSON.parse(stored) : null);
  if (JSON.stringify(current) !== JSON.stringify(settings)) {
    await store.commit([{ header: { kind: 'settings', at: now() }, body: Buffer.from(JSON.stringify(settings)) }]);
  }
  return settings;
}
