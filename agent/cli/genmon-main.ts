/** `genmon`: report, emit, demo and status commands. */
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../agent';
import type { IngestStatus } from '../api/types';
import { DEFAULTS, resolveConfig } from '../config';
import { startDemoGenerator } from '../demo';
import { apiGet, readDiscovery } from './client';
import { registerEmit } from './emit-command';
import { registerOtelEnv } from './otel-env-command';
import { registerReport } from './report-command';

function num(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

const program = new Command('genmon').description('Genmon command line: reports, event emitter and demo generator.').version(VERSION);

program
  .command('status')
  .description('show whether an agent runs, where, and what it has ingested')
  .option('--data-dir <dir>', 'data directory of the agent')
  .action(async (o: { dataDir?: string }) => {
    const config = resolveConfig({ dataDir: o.dataDir });
    const agent = readDiscovery(config.dataDir);
    if (!agent) {
      process.stdout.write(`no agent is running for ${config.dataDir}\n`);
      process.exitCode = 1;
      return;
    }
    const ingest = await apiGet<IngestStatus>(agent, '/ingest');
    process.stdout.write(`agent pid ${agent.pid} at ${agent.url}\ndatabase ${agent.dbPath}\nfollowing ${agent.logDirs.join(', ')}\n`);
    process.stdout.write(`events stored: ${ingest.eventsStored}; files: ${ingest.sources.length}\n`);
    for (const [reason, n] of Object.entries(ingest.badLines)) process.stdout.write(`bad lines (${reason}): ${n}\n`);
  });

program
  .command('demo')
  .description('write realistic demo generator runs into a directory until interrupted')
  .option('--dir <dir>', 'directory to write *.jsonl runs into', DEFAULTS.logDirs[0])
  .option('--rate <runs-per-minute>', 'runs started per minute', num, DEFAULTS.demoRatePerMinute)
  .action(async (o: { dir: string; rate: number }) => {
    const controller = new AbortController();
    process.on('SIGINT', () => controller.abort());
    process.on('SIGTERM', () => controller.abort());
    await startDemoGenerator({ dir: o.dir, ratePerMinute: o.rate, signal: controller.signal });
  });

registerReport(program);
registerEmit(program);
registerOtelEnv(program);

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`genmon: ${err.message}\n`);
  process.exit(1);
});
