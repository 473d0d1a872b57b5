/**
 * `genmon otel-env`: the environment an OpenTelemetry SDK reads to export to
 * the running agent (its URL and token change at every start, so a generator
 * takes them from here: `eval "$(genmon otel-env)"`).
 */
import type { Command } from 'commander';
import { resolveConfig } from '../config';
import { readDiscovery } from './client';

export function otelEnv(url: string, token: string, protocol: string): [string, string][] {
  return [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', url],
    // The SDKs read this as W3C-baggage-like pairs with URL-encoded values.
    ['OTEL_EXPORTER_OTLP_HEADERS', `Authorization=${encodeURIComponent(`Bearer ${token}`)}`],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', protocol],
  ];
}

export function registerOtelEnv(program: Command): void {
  program
    .command('otel-env')
    .description('print the OTEL_EXPORTER_OTLP_* variables that point an OpenTelemetry SDK at the running agent')
    .option('--data-dir <dir>', 'data directory of the agent')
    .option('--format <format>', 'shell (export lines, for eval) or dotenv (KEY=value lines)', 'shell')
    .option('--protocol <protocol>', 'http/protobuf or http/json', 'http/protobuf')
    .action((o: { dataDir?: string; format: string; protocol: string }) => {
      if (o.format !== 'shell' && o.format !== 'dotenv') throw new Error('--format must be shell or dotenv');
      if (o.protocol !== 'http/protobuf' && o.protocol !== 'http/json') throw new Error('--protocol must be http/protobuf or http/json');
      const agent = readDiscovery(resolveConfig({ dataDir: o.dataDir }).dataDir);
      if (!agent) {
        process.stderr.write('genmon: no agent is running (start one with genmon-agent, or open VS Code)\n');
        process.exitCode = 1;
        return;
      }
      for (const [key, value] of otelEnv(agent.url, agent.token, o.protocol)) {
        process.stdout.write(o.format === 'shell' ? `export ${key}='${value}'\n` : `${key}=${value}\n`);
      }
    });
}
