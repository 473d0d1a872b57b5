/**
 * The demo generator: writes realistic runs into a directory, one starting
 * every so often, until its signal aborts. Time is compressed by `speed`, so
 * a run takes seconds instead of a minute, while the durations it writes stay
 * realistic; timestamps are the clock's, when each line is written.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULTS } from '../config';
import { openRunLog } from '../ingest/emit';
import { playStep, Population, type RunPlan } from './plan';
import { Rng } from './prng';

export interface DemoGeneratorOptions {
  /** Runs go into `<dir>/demo-<yyyy-mm-dd>.jsonl`, by the day each run starts. */
  dir: string;
  /** Runs started per minute of wall time, on average. */
  ratePerMinute?: number;
  /** The same seed writes the same runs (and run ids: do not reuse one on the same directory). Default: the clock. */
  seed?: number;
  /** Epoch ms for timestamps. Default `Date.now`. */
  now?: () => number;
  /** Stops the generator; runs in progress stop where they are. */
  signal?: AbortSignal;
  /** How many times faster than real time runs play. Default 10. */
  speed?: number;
}

/** Resolves when `signal` aborts and every run has stopped; rejects if a line cannot be written. */
export async function startDemoGenerator(opts: DemoGeneratorOptions): Promise<void> {
  const rate = opts.ratePerMinute ?? DEFAULTS.demoRatePerMinute;
  const speed = opts.speed ?? 10;
  if (!(rate > 0) || !(speed > 0)) throw new RangeError('demo generator: ratePerMinute and speed must be positive');
  const now = opts.now ?? Date.now;
  const rng = new Rng(opts.seed ?? now());
  const population = new Population(rng);

  const stop = new AbortController();
  // Every run in progress waits on this signal; there are often more than the default 10.
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort();
  let failure: unknown = null;
  const playing = new Set<Promise<void>>();

  const play = async (plan: RunPlan): Promise<void> => {
    const run = openRunLog({ dir: opts.dir, name: `demo-${new Date(now()).toISOString().slice(0, 10)}` }, { clock: now }).startRun(plan.start);
    let last = 0;
    for (const step of plan.steps) {
      if (!(await wait((step.at - last) / speed, stop.signal))) return;
      last = step.at;
      playStep(run, step);
    }
  };

  try {
    while (!stop.signal.aborted) {
      const running: Promise<void> = play(population.nextRun())
        .catch((err: unknown) => {
          failure ??= err;
          stop.abort();
        })
        .finally(() => playing.delete(running));
      playing.add(running);
      await wait(rng.exponential(60_000 / rate), stop.signal);
    }
    await Promise.all(playing);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw failure;
}

/**
 * False once aborted. The timer is not unref'd on purpose: `genmon demo` has
 * nothing else keeping its process alive.
 */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
