/** Time from a line being appended to a log to its run appearing on the push stream. */
import { appendFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { PushMessage } from '../agent/api/types';
import { percentileOf, sleep, startBenchAgent, type Results } from './lib';

export async function benchPushLatency(results: Results, trials: number): Promise<void> {
  const agent = await startBenchAgent(['--no-sampler']);
  const waiting = new Map<string, (t: number) => void>();
  const req = request(`${agent.discovery.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${agent.discovery.token}` } }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = performance.now();
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (!frame.startsWith('data: ')) continue;
        const m = JSON.parse(frame.slice(6)) as PushMessage;
        if (m.type === 'run') waiting.get(m.run.runId)?.(now);
      }
    });
  });
  req.end();
  const latencies: number[] = [];
  try {
    await sleep(500);
    const file = join(agent.logDir, 'latency.jsonl');
    for (let i = 0; i < trials; i++) {
      const runId = `lat-${i}`;
      const seen = new Promise<number>((resolve, reject) => {
        waiting.set(runId, resolve);
        setTimeout(() => reject(new Error(`no push for ${runId} within 10 s`)), 10_000).unref();
      });
      const t0 = performance.now();
      appendFileSync(file, `${JSON.stringify({ ts: new Date().toISOString(), run_id: runId, type: 'run.started', app: 'latency' })}\n`);
      latencies.push((await seen) - t0);
      await sleep(10 + Math.random() * 40);
    }
  } finally {
    req.destroy();
    await agent.stop();
  }
  const p99 = percentileOf(latencies, 0.99);
  results.add({ figure: `line appended → push stream, p50 (${trials} trials)`, value: percentileOf(latencies, 0.5), unit: 'ms', target: '', met: null });
  results.add({ figure: `line appended → push stream, p99 (${trials} trials)`, value: p99, unit: 'ms', target: '< 500', met: p99 < 500 });
}
