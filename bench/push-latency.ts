/**
 * Dashboard freshness: how long after something happens the dashboards and
 * trees hear of it on the push stream. Two paths: a run's line appended to a
 * log until the run arrives, and a machine sample taken until it arrives.
 * Both on one agent sampling every second, as shipped.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PushMessage } from '../agent/api/types';
import { percentileOf, pushWaiters, sleep, startBenchAgent, type Bench, type Row } from './lib';

/** The spec: dashboards refresh within a minute. */
const SPEC_MS = 60_000;

export const freshnessBench: Bench = {
  id: 'freshness',
  title: 'Dashboard freshness: a new run or sample to the pushed update',
  async run(ctx) {
    const runTrials = ctx.quick ? 100 : 300;
    const samplesWanted = ctx.quick ? 15 : 60;
    const agent = await startBenchAgent(['--interval', '1000']);
    const sampleLatencies: number[] = [];
    const onSample = (m: PushMessage) => {
      // The sample's ts is taken on the same clock when its reading starts.
      if (m.type === 'sample') sampleLatencies.push(Date.now() - m.sample.ts);
      return null;
    };
    const stream = pushWaiters(agent, (m) => (m.type === 'run' ? m.run.runId : onSample(m)));
    const runLatencies: number[] = [];
    try {
      await sleep(500);
      const file = join(agent.logDir, 'latency.jsonl');
      for (let i = 0; i < runTrials; i++) {
        const runId = `lat-${i}`;
        const seen = stream.waitFor(runId);
        const t0 = performance.now();
        appendFileSync(file, `${JSON.stringify({ ts: new Date().toISOString(), run_id: runId, type: 'run.started', app: 'latency' })}\n`);
        runLatencies.push((await seen) - t0);
        await sleep(10 + Math.random() * 40);
      }
      ctx.log(`${runTrials} runs timed; waiting for ${samplesWanted} samples`);
      const deadline = Date.now() + (samplesWanted + 10) * 1000;
      while (sampleLatencies.length < samplesWanted && Date.now() < deadline) await sleep(200);
    } finally {
      stream.close();
      await agent.stop();
    }
    const row = (id: string, figure: string, values: number[], q: number, target?: number): Row => ({
      id: `freshness.${id}`,
      figure: `${figure}, p${q * 100} (${values.length})`,
      value: values.length ? percentileOf(values, q) : null,
      unit: 'ms',
      ...(target === undefined ? {} : { target: { op: '<' as const, value: target, spec: SPEC_MS } }),
      ...(values.length ? {} : { why: 'no push message arrived' }),
    });
    return [
      row('run-p50', 'line appended → run on the push stream', runLatencies, 0.5),
      row('run-p99', 'line appended → run on the push stream', runLatencies, 0.99, 500),
      row('sample-p50', 'sample taken → on the push stream', sampleLatencies, 0.5),
      row('sample-p99', 'sample taken → on the push stream', sampleLatencies, 0.99, 500),
    ];
  },
};
