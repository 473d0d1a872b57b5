/**
 * The agent's settings, from (highest first) command-line flags, environment
 * variables, a JSON config file, and the defaults here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { defaultDataDir } from './api/discovery';
import { DEFAULT_RETENTION, parseRetention, SettingsError, type Retention } from './metrics/settings';
import { checkSection, type ProcessingConfig } from './ingest/processing/rules';
import type { OtlpSettings } from './otlp';
import { localTimeZone } from './report/format';
import { parseReportsConfig, type ReportsConfig } from './report/schedule-config';

export interface AgentConfig {
  dataDir: string;
  dbPath: string;
  logDirs: string[];
  /** Machine sampling interval. */
  intervalMs: number;
  /** Mount usage interval. */
  mountIntervalMs: number;
  host: string;
  /** 0 picks a free port. */
  port: number;
  sampler: boolean;
  demo: boolean;
  /** Demo runs started per minute. */
  demoRatePerMinute: number;
  /** Alert rules file (YAML or JSON); null: the built-in rules only. */
  rulesFile: string | null;
  /** Where alert notifications are POSTed (Slack-compatible), if anywhere. */
  webhookUrl: string | null;
  /** First webhook retry delay, doubled per attempt; a failed round is retried after 60 times it. */
  webhookBackoffMs: number;
  /** The log-file channel: alert notifications appended as JSON lines; null: off. */
  alertLog: string | null;
  /** The OTLP/HTTP intake: on by default, with its limits. */
  otlp: OtlpSettings;
  /** Processing rules (config file only). */
  processing: ProcessingConfig | undefined;
  /** Scheduled reports (config file only); null: none. */
  reports: ReportsConfig | null;
  /** Price table file (JSON); null: `<data-dir>/prices.json` when present, else the defaults. */
  pricesFile: string | null;
  /** A run with no run.ended this long after its start is abandoned. */
  abandonAfterMs: number;
  /** A session with no event for this long is closed. */
  sessionTimeoutMs: number;
  /** How long each storage tier keeps data (docs/storage.md). */
  retention: Retention;
  /** Scheduled backups. */
  backup: { dir: string; everyHours: number; keep: number };
}

/** What flags and the config file may set; every key optional. */
export type ConfigInput = Partial<
  Omit<AgentConfig, 'host' | 'rulesFile' | 'webhookUrl' | 'alertLog' | 'otlp' | 'processing' | 'reports' | 'pricesFile' | 'abandonAfterMs' | 'sessionTimeoutMs' | 'retention'>
> & {
  otlp?: OtlpSettings;
  processing?: ProcessingConfig;
  reports?: unknown;
} & { config?: string; rulesFile?: string; webhookUrl?: string; alertLog?: string } & {
  pricesFile?: string;
  abandonAfterMinutes?: number;
  sessionTimeoutMinutes?: number;
  retention?: Partial<Retention>;
  backup?: { dir?: string; everyHours?: number; keep?: number };
};

export const DEFAULTS = {
  logDirs: ['.genmon/runs'],
  intervalMs: 1000,
  mountIntervalMs: 60_000,
  port: 0,
  demoRatePerMinute: 12,
  rulesFiles: ['.genmon/alerts.yaml', '.genmon/alerts.yml', '.genmon/alerts.json'],
  webhookBackoffMs: 1000,
  alertLog: 'alerts.log',
  abandonAfterMinutes: 30,
  demoTimeoutMinutes: 3,
  backupEveryHours: 24,
  backupKeep: 7,
  sessionTimeoutMinutes: 30,
} as const;

export class ConfigError extends Error {}

function fromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: ConfigInput = {};
  if (env.GENMON_HOME) out.dataDir = env.GENMON_HOME;
  if (env.GENMON_DB) out.dbPath = env.GENMON_DB;
  if (env.GENMON_LOG_DIRS) out.logDirs = env.GENMON_LOG_DIRS.split(delimiter).filter(Boolean);
  if (env.GENMON_INTERVAL_MS) out.intervalMs = Number(env.GENMON_INTERVAL_MS);
  if (env.GENMON_PORT) out.port = Number(env.GENMON_PORT);
  if (env.GENMON_CONFIG) out.config = env.GENMON_CONFIG;
  if (env.GENMON_RULES) out.rulesFile = env.GENMON_RULES;
  if (env.GENMON_WEBHOOK_URL) out.webhookUrl = env.GENMON_WEBHOOK_URL;
  if (env.GENMON_ALERT_LOG !== undefined) out.alertLog = env.GENMON_ALERT_LOG;
  if (env.GENMON_PRICES) out.pricesFile = env.GENMON_PRICES;
  return out;
}

const FILE_KEYS: Record<string, 'string' | 'number' | 'boolean' | 'string[]' | 'section' | 'object'> = {
  dataDir: 'string',
  dbPath: 'string',
  logDirs: 'string[]',
  intervalMs: 'number',
  mountIntervalMs: 'number',
  port: 'number',
  sampler: 'boolean',
  demo: 'boolean',
  demoRatePerMinute: 'number',
  rulesFile: 'string',
  webhookUrl: 'string',
  webhookBackoffMs: 'number',
  alertLog: 'string',
  otlp: 'section',
  processing: 'section',
  reports: 'section',
  pricesFile: 'string',
  abandonAfterMinutes: 'number',
  sessionTimeoutMinutes: 'number',
  retention: 'object',
  backup: 'object',
};

/** Reads and checks a config file; unknown keys and wrong types are errors naming the key. */
export function readConfigFile(path: string): ConfigInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${path}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`config file ${path}: must be a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    // Own keys only: "__proto__" or "toString" must read as unknown, not as Object.prototype's.
    const type = Object.hasOwn(FILE_KEYS, key) ? FILE_KEYS[key] : undefined;
    if (!type) throw new ConfigError(`config file ${path}: unknown key "${key}" (known: ${Object.keys(FILE_KEYS).join(', ')})`);
    if (type === 'section') {
      const errors = key === 'reports' ? parseReportsConfig(value, '.', 'UTC').errors : checkSection(key as 'otlp' | 'processing', value);
      if (errors.length > 0) throw new ConfigError(`config file ${path}: ${errors.join('; ')}`);
      out[key] = value;
      continue;
    }
    const ok =
      type === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
      : type === 'object' ? value !== null && typeof value === 'object' && !Array.isArray(value)
      : typeof value === type;
    if (!ok) throw new ConfigError(`config file ${path}: "${key}" must be ${type === 'string[]' ? 'an array of strings' : type === 'object' ? 'an object' : `a ${type}`}`);
    out[key] = value;
  }
  return out as ConfigInput;
}

function positive(name: string, v: number, min: number): number {
  if (!Number.isFinite(v) || v < min) throw new ConfigError(`${name} must be a number >= ${min}, got ${v}`);
  return v;
}

export function resolveConfig(flags: ConfigInput, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AgentConfig {
  const fromEnvironment = fromEnv(env);
  const dataDir = resolve(cwd, flags.dataDir ?? fromEnvironment.dataDir ?? defaultDataDir(env));
  const configPath = flags.config ?? fromEnvironment.config ?? join(dataDir, 'config.json');
  const explicit = flags.config ?? fromEnvironment.config;
  if (explicit && !existsSync(explicit)) throw new ConfigError(`config file ${explicit} does not exist`);
  const file = existsSync(configPath) ? readConfigFile(configPath) : {};
  const pick = <K extends keyof ConfigInput>(key: K): ConfigInput[K] => flags[key] ?? fromEnvironment[key] ?? file[key];
  const port = pick('port') ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port must be 0..65535, got ${port}`);
  return {
    dataDir,
    dbPath: resolve(cwd, pick('dbPath') ?? join(dataDir, 'genmon.db')),
    logDirs: (pick('logDirs') ?? [...DEFAULTS.logDirs]).map((d) => resolve(cwd, d)),
    intervalMs: positive('interval', pick('intervalMs') ?? DEFAULTS.intervalMs, 100),
    mountIntervalMs: positive('mount interval', pick('mountIntervalMs') ?? DEFAULTS.mountIntervalMs, 1000),
    host: '127.0.0.1',
    port,
    sampler: pick('sampler') ?? true,
    demo: pick('demo') ?? false,
    demoRatePerMinute: positive('demo rate', pick('demoRatePerMinute') ?? DEFAULTS.demoRatePerMinute, 0.1),
    rulesFile: rulesFile(pick('rulesFile'), cwd),
    webhookUrl: pick('webhookUrl') ?? null,
    webhookBackoffMs: positive('webhook backoff', pick('webhookBackoffMs') ?? DEFAULTS.webhookBackoffMs, 10),
    alertLog: alertLog(pick('alertLog'), dataDir, cwd),
    otlp: file.otlp ?? {},
    processing: file.processing,
    reports: reportsConfig(file.reports, dataDir, pick('webhookUrl')),
    pricesFile: pricesFile(pick('pricesFile'), dataDir, cwd),
    // The demo plays runs ten times faster: its runs and sessions time out sooner, so every figure has data within minutes.
    abandonAfterMs: positive('abandonAfterMinutes', pick('abandonAfterMinutes') ?? (pick('demo') ? DEFAULTS.demoTimeoutMinutes : DEFAULTS.abandonAfterMinutes), 1) * 60_000,
    sessionTimeoutMs: positive('sessionTimeoutMinutes', pick('sessionTimeoutMinutes') ?? (pick('demo') ? DEFAULTS.demoTimeoutMinutes : DEFAULTS.sessionTimeoutMinutes), 1) * 60_000,
    retention: retention(pick('retention')),
    backup: backupSchedule(pick('backup'), dataDir, cwd),
  };
}

function backupSchedule(value: { dir?: unknown; everyHours?: unknown; keep?: unknown } | undefined, dataDir: string, cwd: string): AgentConfig['backup'] {
  const v = value ?? {};
  for (const key of Object.keys(v)) if (!['dir', 'everyHours', 'keep'].includes(key)) throw new ConfigError(`backup: unknown key "${key}" (known: dir, everyHours, keep)`);
  if (v.dir !== undefined && typeof v.dir !== 'string') throw new ConfigError('backup.dir must be a string');
  const everyHours = v.everyHours ?? DEFAULTS.backupEveryHours;
  const keep = v.keep ?? DEFAULTS.backupKeep;
  if (typeof everyHours !== 'number' || !(everyHours >= 0)) throw new ConfigError('backup.everyHours must be a number >= 0 (0: no scheduled backups)');
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1) throw new ConfigError('backup.keep must be an integer >= 1');
  return { dir: resolve(cwd, (v.dir as string | undefined) ?? join(dataDir, 'backups')), everyHours, keep };
}

function reportsConfig(raw: unknown, dataDir: string, webhookUrl: string | undefined): ReportsConfig | null {
  if (raw === undefined) return null;
  const { config, errors } = parseReportsConfig(raw, dataDir, localTimeZone());
  if (!config) throw new ConfigError(errors.join('; '));
  const wanting = config.schedules.find((s) => s.webhook);
  if (wanting && !webhookUrl) throw new ConfigError(`reports schedule "${wanting.name}" sends to the webhook, but no webhookUrl is set (config file, --webhook or GENMON_WEBHOOK_URL)`);
  return config;
}

function retention(value: Partial<Retention> | undefined): Retention {
  if (value === undefined) return DEFAULT_RETENTION;
  try {
    return parseRetention(value);
  } catch (err) {
    if (err instanceof SettingsError) throw new ConfigError(err.message);
    throw err;
  }
}

/** An explicit price file must exist; by default `<data-dir>/prices.json` is used when present. */
function pricesFile(explicit: string | undefined, dataDir: string, cwd: string): string | null {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`price file ${path} does not exist`);
    return path;
  }
  const beside = join(dataDir, 'prices.json');
  return existsSync(beside) ? beside : null;
}

/** The log-file channel's file: in the data directory by default; an empty value turns it off. */
function alertLog(explicit: string | undefined, dataDir: string, cwd: string): string | null {
  if (explicit === '') return null;
  return explicit === undefined ? join(dataDir, DEFAULTS.alertLog) : resolve(cwd, explicit);
}

/** An explicit rules file must exist; by default the workspace's `.genmon/alerts.yaml` or `.json` is used when present. */
function rulesFile(explicit: string | undefined, cwd: string): string | null {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`rules file ${path} does not exist`);
    return path;
  }
  return DEFAULTS.rulesFiles.map((f) => resolve(cwd, f)).find((p) => existsSync(p)) ?? null;
}
