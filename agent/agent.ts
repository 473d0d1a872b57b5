/**
 * The agent: wires sources (tailer, sampler, demo generator) into the store
 * and the store into the API. `startAgent` resolves once it is serving and
 * its discovery file is written.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { registerAlertRoutes } from './api/alert-routes';
import { discoveryPath } from './api/discovery';
import { registerRoutes } from './api/routes';
import { registerSourceRoutes } from './api/source-routes';
import { ApiServer } from './api/server';
import type { DiscoveryFile, Health, MountUsage, Sample } from './api/types';
import type { AgentConfig } from './config';
import { DEFAULT_SETTINGS, effectiveRules } from './alerts/builtin';
import { storeEvaluator } from './alerts/evaluator';
import type { AlertRule, PipelineSettings } from './alerts/rules-file';
import { parseRulesFile } from './alerts/rules-file';
import { AlertService } from './alerts/service';
import { acquireLock } from './lock';
import { prepareDataDir } from './data-dir';
import { startProcessing } from './ingest/processing';
import { registerOtlp } from './otlp';
import { startReports } from './report/service';
import { createSampler } from './sampler';
import { Queries } from './store/queries';
import { SCHEMA_VERSION } from './store/schema';
import { Store } from './store/store';
import { Tailer } from './tailer/tailer';
import { startDemoGenerator } from './demo';
import { startMetrics } from './metrics/service';
import { tierRetentionMs } from './metrics/settings';

export const VERSION = '0.1.0';

/** How much sampling is journaled at once. */
const SAMPLE_BATCH_MS = 10_000;

export class AlreadyRunning extends Error {
  constructor(
    readonly pid: number,
    readonly url: string | null,
  ) {
    super(`another agent is running (pid ${pid})${url ? ` at ${url}` : ''}`);
  }
}

export interface RunningAgent {
  url: string;
  store: Store;
  tailer: Tailer;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig, log: (message: string) => void): Promise<RunningAgent> {
  prepareDataDir(config.dataDir, log);
  const lock = acquireLock(config.dataDir);
  if (!lock.acquired) throw new AlreadyRunning(lock.pid, readUrl(config.dataDir));
  const cleanups: (() => Promise<void> | void)[] = [lock.release];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`shutdown step failed: ${(err as Error).message}`);
      }
    }
  };
  try {
    const startedAt = Date.now();
    const store = await Store.open({ dbPath: config.dbPath, log });
    cleanups.push(() => store.close());
    const queries = new Queries(store.st);
    /** The tailer's directories once it runs (a window may add some); the configured ones before. */
    let followed: (() => readonly string[]) | null = null;
    const health = (): Health => ({
      ok: true,
      version: VERSION,
      pid: process.pid,
      startedAt,
      dbPath: config.dbPath,
      logDirs: [...(followed?.() ?? config.logDirs)],
      schemaVersion: SCHEMA_VERSION,
      historyMs: tierRetentionMs(config.retention, '1d'),
    });
    const token = randomBytes(32).toString('base64url');
    const server = new ApiServer({ token, host: config.host, port: config.port, log, hello: () => ({ type: 'hello', health: health() }) });
    let latestSample: Sample | null = queries.latestSample();
    const loaded = loadRules(config.rulesFile, log);
    const alerts = new AlertService({
      ...loaded,
      rulesFile: config.rulesFile,
      evaluator: storeEvaluator({ queries, st: store.st, latestSample: () => latestSample, latestMounts: () => queries.latestMounts() }),
      store,
      push: (m) => server.push(m),
      log,
      webhook: config.webhookUrl ? { url: config.webhookUrl, backoffMs: config.webhookBackoffMs, redeliverMs: config.webhookBackoffMs * 60 } : undefined,
      logFile: config.alertLog,
    });
    registerAlertRoutes(server, { alerts, queries, st: store.st, now: Date.now });
    registerRoutes(server, {
      queries,
      health,
      alerts: () => alerts.active(),
      liveSample: () => latestSample,
      now: Date.now,
      setGroupStatus: async (fingerprint, status) => {
        await store.commit([{ header: { kind: 'groupStatus', at: Date.now(), fingerprint, status }, body: Buffer.alloc(0) }]);
        const [group] = queries.errorGroups({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1, fingerprint });
        if (group) server.push({ type: 'errorGroup', group });
      },
    });
    registerOtlp(server, store, config.otlp, log);
    const metrics = await startMetrics({ store, queries, server, config, log });
    cleanups.push(() => metrics.stop());
    const url = await server.listen();
    cleanups.push(() => server.close());
    store.onPush((message) => {
      server.push(message);
      if (message.type === 'ingest' || message.type === 'errorGroup') alerts.evaluateSoon();
    });
    alerts.start();
    cleanups.push(() => alerts.stop());
    const rulesFile = config.rulesFile;
    if (rulesFile) {
      // Edits to the rules file take effect without a restart; a file with errors keeps the rules in force.
      let last = '';
      watchFile(rulesFile, { interval: 2000, persistent: false }, (cur, prev) => {
        if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
        const text = (() => {
          try {
            return readFileSync(rulesFile, 'utf8');
          } catch {
            return '';
          }
        })();
        if (text === last) return;
        last = text;
        const next = loadRules(rulesFile, log, false);
        if (next) void alerts.reload(next.rules, next.settings).then(() => log(`rules file ${rulesFile} reloaded: ${next.rules.length} rules`));
      });
      cleanups.push(() => unwatchFile(rulesFile));
    }

    // Before any source commits lines: they must meet the rules now in force.
    const processing = await startProcessing({ config: config.processing, webhookUrl: config.webhookUrl, cwd: process.cwd(), version: VERSION, store, server, log });
    cleanups.push(() => processing.stop());

    const tailer = new Tailer({ dirs: config.logDirs, store, log });
    await tailer.start();
    followed = () => tailer.directories;
    cleanups.push(() => tailer.stop());
    // Windows sharing this agent add their workspaces' log directories; /health and the discovery file list them.
    registerSourceRoutes(server, {
      list: () => tailer.directories,
      add: (dirs) => {
        const added = tailer.addDirs(dirs);
        if (added.length) writeDiscovery(config, { pid: process.pid, version: VERSION, url, token, dbPath: config.dbPath, logDirs: [...tailer.directories], startedAt });
        return added;
      },
      log,
    });

    // After the tailer's first read, so a report caught up at start sees the lines logged while the agent was down.
    const reports = startReports({ store, queries, server, alerts, config: config.reports, webhook: config.webhookUrl !== null, log });
    cleanups.push(() => reports.stop());

    if (config.sampler) {
      const commit = (kind: 'samples' | 'mounts', rows: Sample[] | MountUsage[]) =>
        store.commit([{ header: { kind, at: Date.now() }, body: Buffer.from(JSON.stringify(rows)) }]).catch((err: Error) =>
          log(`could not store ${kind}: ${err.message}`),
        );
      // Samples are pushed live at once but journaled in batches: a journal write per
      // second was most of the agent's idle CPU, and a sample is a measurement that a
      // crash may lose a few seconds of, unlike a log line.
      let pending: Sample[] = [];
      const flush = () => {
        const rows = pending;
        pending = [];
        return rows.length ? commit('samples', rows) : Promise.resolve();
      };
      const sampler = createSampler({
        intervalMs: config.intervalMs,
        mountIntervalMs: config.mountIntervalMs,
        onSample: (sample) => {
          latestSample = sample;
          server.push({ type: 'sample', sample });
          processing.sample(sample);
          pending.push(sample);
          if (pending.length * config.intervalMs >= SAMPLE_BATCH_MS) void flush();
        },
        onMounts: (mounts) => void commit('mounts', mounts),
        onError: (err) => log(`sampler: ${err.message}`),
      });
      sampler.start();
      cleanups.push(async () => {
        await sampler.stop();
        await flush();
      });
    }

    if (config.demo) {
      const controller = new AbortController();
      void startDemoGenerator({ dir: config.logDirs[0], ratePerMinute: config.demoRatePerMinute, signal: controller.signal }).catch(
        (err: Error) => log(`demo generator stopped: ${err.message}`),
      );
      cleanups.push(() => controller.abort());
    }

    writeDiscovery(config, { pid: process.pid, version: VERSION, url, token, dbPath: config.dbPath, logDirs: [...tailer.directories], startedAt });
    cleanups.push(() => rmSync(discoveryPath(config.dataDir), { force: true }));
    return { url, store, tailer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface LoadedRules {
  rules: AlertRule[];
  settings: PipelineSettings;
}

/**
 * Built-in rules, overridden and extended by the rules file. A file with
 * errors is reported: at start the built-ins apply; on a reload
 * (`fallback` false) nothing changes.
 */
function loadRules(file: string | null, log: (m: string) => void): LoadedRules;
function loadRules(file: string | null, log: (m: string) => void, fallback: false): LoadedRules | null;
function loadRules(file: string | null, log: (m: string) => void, fallback = true): LoadedRules | null {
  const builtIn = { rules: effectiveRules([]), settings: DEFAULT_SETTINGS };
  if (!file) return builtIn;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    log(`rules file ${file}: ${(err as Error).message}; ${fallback ? 'using the built-in rules' : 'keeping the rules in force'}`);
    return fallback ? builtIn : null;
  }
  const { rules, settings, errors } = parseRulesFile(text, file);
  for (const e of errors) log(`rules file ${file}:${e.line ?? '?'}:${e.column ?? '?'}: ${e.message}`);
  if (errors.length === 0) return { rules: effectiveRules(rules), settings };
  log(`rules file ${file} has errors; ${fallback ? 'using the built-in rules only' : 'keeping the rules in force'}`);
  return fallback ? builtIn : null;
}

function writeDiscovery(config: AgentConfig, file: DiscoveryFile): void {
  const path = discoveryPath(config.dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

function readUrl(dataDir: string): string | null {
  try {
    return (JSON.parse(readFileSync(discoveryPath(dataDir), 'utf8')) as DiscoveryFile).url;
  } catch {
    return null;
  }
}
