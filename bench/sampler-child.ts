/**
 * Child of `bench/sampler-cpu.ts`: runs one way of sampling the machine
 * every second until told to stop over IPC, then reports what it produced.
 *   sampler  the agent's sampler
 *   naive    systeminformation's currentLoad, mem, fsStats, networkStats and processes, polled
 */
import { createSampler } from '../agent/sampler';

export type ChildMessage = { type: 'ready' } | { type: 'done'; samples: number; errors: string[] };

const send = (message: ChildMessage) => process.send?.(message);
const errors: string[] = [];
let samples = 0;
let stop: () => Promise<void>;

if (process.argv[2] === 'naive') {
  // Loaded only here, so that the sampler's process carries none of it.
  const si = import('systeminformation');
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void si
      .then((lib) => Promise.all([lib.currentLoad(), lib.mem(), lib.fsStats(), lib.networkStats(), lib.processes()]))
      .then(
        () => samples++,
        (err: Error) => errors.push(err.message),
      )
      .finally(() => (busy = false));
  }, 1000);
  stop = async () => clearInterval(timer);
} else {
  const sampler = createSampler({
    onSample: () => samples++,
    onMounts: () => {},
    onError: (err) => errors.push(err.message),
  });
  sampler.start();
  stop = () => sampler.stop();
}

process.on('message', (message) => {
  if (message !== 'stop') return;
  void stop().then(() => {
    send({ type: 'done', samples, errors });
    process.disconnect();
  });
});
send({ type: 'ready' });
