/**
 * Writes many past runs at once, for benchmarks and tests that need a big
 * log quickly: the same plans and emitter as the live generator, with the
 * clock set to each step's time and lines written in large batches.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { createRunLog } from '../ingest/emit';
import { playStep, Population } from './plan';
import { Rng } from './prng';

export interface DemoHistoryOptions {
  /** Appended to; its directory is created. */
  file: string;
  runs: number;
  /** Epoch ms. Runs start at or after `from`, and their last event is before `to`. */
  from: number;
  to: number;
  seed?: number;
}

const BATCH_BYTES = 1 << 20;

export async function writeDemoHistory(opts: DemoHistoryOptions): Promise<{ lines: number }> {
  if (!(opts.to > opts.from)) throw new RangeError('writeDemoHistory: `to` must be after `from`');
  mkdirSync(dirname(opts.file), { recursive: true });
  const rng = new Rng(opts.seed ?? 1);
  const population = new Population(rng);
  const starts = Array.from({ length: opts.runs }, () => opts.from + rng.float() * (opts.to - opts.from)).sort((a, b) => a - b);

  const out = createWriteStream(opts.file, { flags: 'a' });
  // Lines are encoded straight into one big buffer and written a megabyte at a time.
  let buf = Buffer.allocUnsafe(BATCH_BYTES * 2);
  let used = 0;
  let lines = 0;
  let now = 0;
  const log = createRunLog(
    (line) => {
      if (used + line.length * 3 > buf.length) buf = Buffer.concat([buf.subarray(0, used), Buffer.allocUnsafe(buf.length + line.length * 3)]);
      used += buf.write(line, used);
      lines++;
    },
    { clock: () => now },
  );
  try {
    for (const wanted of starts) {
      const plan = population.nextRun();
      const span = plan.steps[plan.steps.length - 1]?.at ?? 0;
      const start = Math.round(Math.max(opts.from, Math.min(wanted, opts.to - span - 1)));
      now = start;
      const run = log.startRun(plan.start);
      for (const step of plan.steps) {
        now = start + step.at;
        playStep(run, step);
      }
      if (used >= BATCH_BYTES) {
        const ok = out.write(buf.subarray(0, used));
        buf = Buffer.allocUnsafe(BATCH_BYTES * 2);
        used = 0;
        if (!ok) await once(out, 'drain');
      }
    }
    out.end(buf.subarray(0, used));
    await finished(out);
  } catch (err) {
    out.destroy();
    throw err;
  }
  return { lines };
}
