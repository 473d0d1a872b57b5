/**
 * The demo generator as a development script, without building the CLI:
 *
 *   node --import tsx agent/demo/run.ts [--dir .genmon/runs] [--rate 12] [--speed 10] [--seed N]
 *   node --import tsx agent/demo/run.ts --history 5000 [--days 7] [--dir ...] [--seed N]
 *
 * The first form writes runs until Ctrl-C; the second writes past runs into
 * `<dir>/history.jsonl` at once and exits.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../config';
import { startDemoGenerator, writeDemoHistory } from '.';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: DEFAULTS.logDirs[0] },
    rate: { type: 'string' },
    speed: { type: 'string' },
    seed: { type: 'string' },
    history: { type: 'string' },
    days: { type: 'string', default: '7' },
  },
});

const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${text}`);
  return n;
};

async function main(): Promise<void> {
  const seed = number('seed', values.seed);
  const runs = number('history', values.history);
  if (runs !== undefined) {
    const to = Date.now();
    const file = join(values.dir, 'history.jsonl');
    const { lines } = await writeDemoHistory({ file, runs, from: to - number('days', values.days)! * 86_400_000, to, seed });
    process.stdout.write(`wrote ${lines} lines of ${runs} runs to ${file}\n`);
    return;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  process.stdout.write(`writing demo runs into ${values.dir}; Ctrl-C stops\n`);
  await startDemoGenerator({ dir: values.dir, ratePerMinute: number('rate', values.rate), speed: number('speed', values.speed), seed, signal: controller.signal });
}

main().catch((err: Error) => {
  process.stderr.write(`demo: ${err.message}\n`);
  process.exit(1);
});
