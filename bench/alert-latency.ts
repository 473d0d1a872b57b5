/**
 * Alert latency: an error of a new kind written to a log, to the
 * NewErrorGroup alert firing on the push stream; and what one evaluation of
 * 200 rules costs against a store holding demo history.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_RULES } from '../agent/alerts/builtin';
import { AlertEngine } from '../agent/alerts/engine';
import { storeEvaluator } from '../agent/alerts/evaluator';
import type { AlertRule } from '../agent/alerts/rules-file';
import { writeDemoHistory } from '../agent/demo';
import { Queries } from '../agent/store/queries';
import { Store } from '../agent/store/store';
import { percentileOf, pushWaiters, sleep, startBenchAgent, type Results } from './lib';

function word(n: number): string {
  // Letters only: numbers would be normalized away and every error would share one group.
  let out = '';
  for (let i = 0; i < 8; i++) out += String.fromCharCode(97 + ((n * 7 + i * 13 + Math.floor(n / (i + 1))) % 26));
  return out;
}

export async function benchAlertLatency(results: Results, trials: number): Promise<void> {
  const agent = await startBenchAgent(['--no-sampler']);
  const stream = pushWaiters(agent, (m) =>
    m.type === 'alert' && m.transition === 'firing' && m.alert.rule === 'NewErrorGroup' ? (m.alert.annotations.message ?? null) : null,
  );
  const latencies: number[] = [];
  try {
    await sleep(500);
    const file = join(agent.logDir, 'alerts.jsonl');
    for (let i = 0; i < trials; i++) {
      const message = `Generation failed in module ${word(i)} ${word(i + 1000)}`;
      const seen = stream.waitFor(message);
      const runId = `alert-${i}`;
      const ts = new Date().toISOString();
      const t0 = performance.now();
      appendFileSync(
        file,
        `${JSON.stringify({ ts, run_id: runId, type: 'run.started' })}\n${JSON.stringify({ ts, run_id: runId, type: 'error', category: 'generation', severity: 'error', message })}\n`,
      );
      latencies.push((await seen) - t0);
      await sleep(20);
    }
  } finally {
    stream.close();
    await agent.stop();
  }
  const p99 = percentileOf(latencies, 0.99);
  results.add({ figure: `line written → alert firing on the push stream, p50 (${trials} trials)`, value: percentileOf(latencies, 0.5), unit: 'ms', target: '', met: null });
  results.add({ figure: `line written → alert firing on the push stream, p99 (${trials} trials)`, value: p99, unit: 'ms', target: '< 1,000 (spec: 30,000)', met: p99 < 1000 });
}

/** One evaluation of 200 rules (the built-ins, repeated with other thresholds) over 30 days of demo history. */
export async function benchRuleEvaluation(results: Results, runs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-bench-rules-'));
  try {
    const file = join(dir, 'history.jsonl');
    const now = Date.now();
    await writeDemoHistory({ file, runs, from: now - 30 * 86_400_000, to: now, seed: 3 });
    const store = await Store.open({ dbPath: join(dir, 'genmon.db'), log: () => undefined });
    const { readFileSync } = await import('node:fs');
    const body = readFileSync(file);
    await store.commit([{ header: { kind: 'lines', at: now, src: { key: '0:0', path: file, fingerprint: null }, start: 0, end: body.length, size: body.length }, body }]);
    const queries = new Queries(store.st);
    const rules: AlertRule[] = Array.from({ length: 200 }, (_, i) => {
      const base = BUILTIN_RULES[i % BUILTIN_RULES.length];
      return { ...base, name: `${base.name}_${i}` };
    });
    const evaluator = storeEvaluator({ queries, st: store.st, latestSample: () => queries.latestSample(), latestMounts: () => queries.latestMounts() });
    const engine = new AlertEngine();
    const times: number[] = [];
    for (let round = 0; round < 20; round++) {
      const t0 = performance.now();
      engine.evaluate(rules, evaluator, now + round * 1000);
      times.push(performance.now() - t0);
    }
    await store.close();
    results.add({ figure: `one evaluation of 200 rules, ${runs.toLocaleString('en-US')} runs stored, p50 of 20`, value: percentileOf(times, 0.5), unit: 'ms', target: '', met: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
