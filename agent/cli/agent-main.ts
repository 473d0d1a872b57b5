/** `genmon-agent`: runs the agent in the foreground until SIGINT or SIGTERM. */
import { Command, InvalidArgumentError } from 'commander';
import { AlreadyRunning, startAgent, VERSION } from '../agent';
import { ConfigError, resolveConfig, type ConfigInput } from '../config';

/** Exit code of a second agent for the same data directory. */
export const EXIT_ALREADY_RUNNING = 3;
/** Exit code when `--port N` is taken by another program. */
export const EXIT_PORT_IN_USE = 4;

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

const program = new Command('genmon-agent')
  .description('Genmon agent: samples the machine, tails generator run logs into a local SQLite store, and serves them to VS Code.')
  .version(VERSION)
  .option('--data-dir <dir>', 'where the database, discovery file and token live (env GENMON_HOME; default: the per-user data directory)')
  .option('--db <path>', 'database file (env GENMON_DB; default <data-dir>/genmon.db)')
  .option('--log-dir <dir>', 'directory of *.jsonl run logs to follow, repeatable (env GENMON_LOG_DIRS; default .genmon/runs)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--interval <ms>', 'machine sampling interval in ms (env GENMON_INTERVAL_MS; default 1000)', int)
  .option('--port <port>', 'loopback port of the API, 0 for any free port (env GENMON_PORT; default 0)', int)
  .option('--config <file>', 'JSON config file with the same settings (env GENMON_CONFIG; default <data-dir>/config.json)')
  .option('--rules <file>', 'alert rules file, YAML or JSON (env GENMON_RULES; default .genmon/alerts.yaml or .json if present)')
  .option('--webhook <url>', 'POST alert notifications here, Slack-compatible JSON (env GENMON_WEBHOOK_URL)')
  .option('--webhook-backoff <ms>', 'first webhook retry delay, doubled per attempt; a failed round is retried after 60 times it (default 1000)', int)
  .option('--alert-log <file>', 'append alert notifications to this file as JSON lines, "" for none (env GENMON_ALERT_LOG; default <data-dir>/alerts.log)')
  .option('--prices <file>', 'price table (JSON) for model tokens, compute, storage and API calls (env GENMON_PRICES; default <data-dir>/prices.json if present)')
  .option('--no-sampler', 'do not sample the machine (log ingestion only)')
  .option('--demo', 'also run the demo generator, writing realistic runs into the first log directory')
  .option('--demo-rate <runs-per-minute>', 'how many demo runs start per minute (default 12)', Number)
  .addHelpText(
    'after',
    `
The agent serves http://127.0.0.1:<port>/api/v1/... to clients holding the token in
<data-dir>/agent.json (mode 0600). A second agent for the same data directory exits
with code ${EXIT_ALREADY_RUNNING} and names the running one; --port N taken by another program
exits with code ${EXIT_PORT_IN_USE}.`,
  )
  .parse();

const o = program.opts<{
  dataDir?: string; db?: string; logDir?: string[]; interval?: number; port?: number; config?: string; sampler: boolean; demo?: boolean; demoRate?: number;
  rules?: string; webhook?: string; webhookBackoff?: number; alertLog?: string; prices?: string;
}>();

const flags: ConfigInput = {
  dataDir: o.dataDir,
  dbPath: o.db,
  logDirs: o.logDir,
  intervalMs: o.interval,
  port: o.port,
  config: o.config,
  sampler: o.sampler === false ? false : undefined,
  demo: o.demo,
  demoRatePerMinute: o.demoRate,
  rulesFile: o.rules,
  webhookUrl: o.webhook,
  webhookBackoffMs: o.webhookBackoff,
  alertLog: o.alertLog,
  pricesFile: o.prices,
};

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);

async function main(): Promise<void> {
  let config;
  try {
    config = resolveConfig(flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      log(`configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  let agent;
  try {
    agent = await startAgent(config, log);
  } catch (err) {
    if (err instanceof AlreadyRunning) {
      log(`${err.message}; not starting a second one for ${config.dataDir}`);
      process.exit(EXIT_ALREADY_RUNNING);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      log(`could not start: port ${config.port} on ${config.host} is taken by another program; choose another with --port N, or --port 0 for any free port`);
      process.exit(EXIT_PORT_IN_USE);
    }
    log(`could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  log(`genmon-agent ${VERSION} serving ${agent.url}, database ${config.dbPath}, following ${config.logDirs.join(', ')}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    void agent.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${(err as Error)?.stack ?? err}`));
}

void main();
