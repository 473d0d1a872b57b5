/**
 * The machine sampler: a `Sample` every `intervalMs` and the usage of every
 * mounted filesystem every `mountIntervalMs`. On Linux it reads the kernel's
 * own files with no child process (about 0.1% of one core at 1 s, see
 * `bench/sampler-cpu.ts`); elsewhere it falls back to systeminformation.
 */
import type { MountUsage, Sample } from '../api/types';
import { createFallbackReader } from './fallback';
import { createLinuxReader } from './linux';
import { createPeriodic } from './periodic';
import type { MachineReader } from './reader';

export interface SamplerOptions {
  /** Time between samples, ms; ticks land on multiples of it on the wall clock. Default 1000. */
  intervalMs?: number;
  /** Time between mount usage scans, ms. Default 60000. */
  mountIntervalMs?: number;
  /** Wall clock for `ts` and for aligning ticks, ms since the epoch. Default `Date.now`. Rates use a monotonic clock. */
  now?: () => number;
  /**
   * One sample per tick, the first at `start()`. Rates (CPU busy, disk,
   * network) are 0 in that first one, since they need a previous reading.
   * The process count is refreshed every few seconds, not every tick.
   */
  onSample(sample: Sample): void;
  /** Every mount scan, the first at `start()`. */
  onMounts(mounts: MountUsage[]): void;
  /**
   * A failed tick or a source that cannot be read (once, not every tick).
   * Sampling goes on. Default: a process warning.
   */
  onError?(err: Error): void;
}

export interface Sampler {
  start(): void;
  /** Stops both timers and resolves once a tick in progress has finished and files are closed. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 1000;
const DEFAULT_MOUNT_INTERVAL_MS = 60_000;

export function createSampler(options: SamplerOptions): Sampler {
  const now = options.now ?? Date.now;
  const report = (err: Error): void => {
    try {
      if (options.onError) options.onError(err);
      else process.emitWarning(err);
    } catch {
      // A throwing error handler must not stop sampling.
    }
  };
  let reader: MachineReader | null = null;

  const samples = createPeriodic({
    intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    now,
    onError: report,
    task: async () => {
      if (reader) options.onSample(await reader.read(now()));
    },
  });
  const mounts = createPeriodic({
    intervalMs: options.mountIntervalMs ?? DEFAULT_MOUNT_INTERVAL_MS,
    now,
    onError: report,
    task: async () => {
      if (reader) options.onMounts(await reader.readMounts(now()));
    },
  });

  return {
    start() {
      if (reader) return;
      // GENMON_SAMPLER=library reads through systeminformation on Linux too (to compare, or where /proc is odd).
      reader = process.platform === 'linux' && process.env.GENMON_SAMPLER !== 'library' ? createLinuxReader(report) : createFallbackReader(report);
      samples.start();
      mounts.start();
    },
    async stop() {
      await Promise.all([samples.stop(), mounts.stop()]);
      reader?.close();
      reader = null;
    },
  };
}
