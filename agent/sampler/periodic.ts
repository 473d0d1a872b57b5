/**
 * A task run now and then on every multiple of `intervalMs` of the wall
 * clock (12:00:01.000, 12:00:02.000, ...), so samples of one second line up
 * with the seconds of other agents and charts. A tick that comes while the
 * previous run is still going is skipped, never queued.
 */
export interface PeriodicOptions {
  intervalMs: number;
  /** Wall clock, ms since the epoch; only used to find the next boundary. */
  now: () => number;
  task: () => void | Promise<void>;
  /** Hears what the task threw. Must not throw itself; what it throws is dropped. */
  onError: (err: Error) => void;
}

export interface Periodic {
  start(): void;
  /** Resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/**
 * A boundary closer than this share of the interval is passed over: timers
 * may fire a millisecond early, and a run at .999 followed by one at .000
 * would measure rates over 1 ms.
 */
const MIN_GAP_SHARE = 0.1;

export function delayToNextBoundary(now: number, intervalMs: number): number {
  const delay = intervalMs - (now % intervalMs);
  return delay < intervalMs * MIN_GAP_SHARE ? delay + intervalMs : delay;
}

export function createPeriodic(options: PeriodicOptions): Periodic {
  const { intervalMs, now, task, onError } = options;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError(`interval must be a positive number of ms, got ${intervalMs}`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;

  async function run(): Promise<void> {
    try {
      await task();
    } catch (err) {
      try {
        onError(err instanceof Error ? err : new Error(String(err)));
      } catch {
        // Nowhere left to report to; the timer must keep going regardless.
      }
    }
  }

  function tick(): void {
    if (!started) return;
    schedule();
    if (running) return;
    running = run().finally(() => {
      running = undefined;
    });
  }

  function schedule(): void {
    timer = setTimeout(tick, delayToNextBoundary(now(), intervalMs));
    // The agent's server keeps the process alive; a sampler alone must not.
    timer.unref();
  }

  return {
    start() {
      if (started) return;
      started = true;
      tick();
    },
    async stop() {
      started = false;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
