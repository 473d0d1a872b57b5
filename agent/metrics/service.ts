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
import { readPhaseFacts, readRunFacts, type FactSource } from './facts';
import { DEFAULT_PRICES, readPriceFile } from './prices';
import { parseSettings, type StoreSettings } from './settings';
import { MetricEngine } from './query';
import { statementsSource } from './source';

const TICK_MS = 60_000;

export interface MetricsService {
  engine: MetricEngine;
  stop(): void;
}

export async function startMetrics(deps: { store: Store; server: ApiServer; config: AgentConfig; log: (m: string) => void; now?: () => number }): Promise<MetricsService> {
  const { store, server, config, log } = deps;
  const now = deps.now ?? Date.now;
  const settings = await journalSettings(store, config, now);
  const facts: FactSource = { runs: (from, to, filters) => readRunFacts(store.st, from, to, filters), phases: (ids) => readPhaseFacts(store.st, ids) };
  const engine = new MetricEngine(store.st, { prices: () => settings.prices, retention: () => settings.retention, now, sources: () => [statementsSource(store.st)], facts });
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
  return { engine, stop: () => clearInterval(timer) };
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
