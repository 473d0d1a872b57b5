/** Time from a line being appended to a log to its run appearing on the push stream. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentileOf, pushWaiters, sleep, startBenchAgent, type Results } from './lib';

export async function benchPushLatency(results: Results, trials: number): Promise<void> {
  const agent = await startBenchAgent(['--no-sampler']);
  const stream = pushWaiters(agent, (m) => (m.type === 'run' ? m.run.runId : null));
  const latencies: number[] = [];
  try {
    await sleep(500);
    const file = join(agent.logDir, 'latency.jsonl');
    for (let i = 0; i < trials; i++) {
      const runId = `lat-${i}`;
      const seen = stream.waitFor(runId);
      const t0 = performance.now();
      appendFileSync(file, `${JSON.stringify({ ts: new Date().toISOString(), run_id: runId, type: 'run.started', app: 'latency' })}\n`);
      latencies.push((await seen) - t0);
      await sleep(10 + Math.random() * 40);
    }
  } finally {
    stream.close();
    await agent.stop();
  }
  const p99 = percentileOf(latencies, 0.99);
  results.add({ figure: `line appended → push stream, p50 (${trials} trials)`, value: percentileOf(latencies, 0.5), unit: 'ms', target: '', met: null });
  results.add({ figure: `line appended → push stream, p99 (${trials} trials)`, value: p99, unit: 'ms', target: '< 500', met: p99 < 500 });
}
