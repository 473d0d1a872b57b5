/**
 * Alert latency: an error of a new kind written to a log, to the
 * NewErrorGroup alert firing on the push stream; beside it the same
 * condition through Prometheus and Alertmanager (bench/peers/prometheus.ts),
 * from the counter's increment to Alertmanager's webhook post. And what one
 * evaluation of 200 rules costs against a store holding demo history.
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
import { percentileOf, pushWaiters, sleep, startBenchAgent, type Bench, type Row } from './lib';
import { ensureDebianPackages, versionOf, type Installed } from './peers/debian';
import { ALERTMANAGER, PROMETHEUS, startAlertPair, type AlertPair } from './peers/prometheus';

function word(n: number): string {
  // Letters only: numbers would be normalized away and every error would share one group.
  let out = '';
  for (let i = 0; i < 8; i++) out += String.fromCharCode(97 + ((n * 7 + i * 13 + Math.floor(n / (i + 1))) % 26));
  return out;
}

async function genmonTrials(trials: number): Promise<number[]> {
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
  return latencies;
}

/** Longest a peer trial may take: a scrape and an evaluation interval, group_wait, and slack. */
const PEER_TIMEOUT_MS = 240_000;

/**
 * New kinds at random moments, about `spacingMs` apart, so that the trials
 * fall at every phase of the 1-minute scrape and evaluation cycles; each is
 * its own alert group, so they overlap without waiting on each other.
 */
async function peerTrials(pair: AlertPair, trials: number, spacingMs: number): Promise<{ latencies: number[]; lost: number }> {
  const timed: Promise<number | null>[] = [];
  for (let i = 0; i < trials; i++) {
    await sleep(spacingMs * (0.5 + Math.random()));
    const kind = `k${i}`;
    const t0 = performance.now();
    pair.newKind(kind);
    timed.push(pair.waitFor(kind, PEER_TIMEOUT_MS).then((t) => t - t0, () => null));
  }
  const results = await Promise.all(timed);
  return { latencies: results.filter((r): r is number => r !== null), lost: results.filter((r) => r === null).length };
}

let peerInstalled: Installed = { ok: false, why: 'not prepared' };

export const alertBench: Bench = {
  id: 'alert',
  title: 'Alert latency: a line written to the alert, beside Prometheus + Alertmanager',
  background: true,
  async prepare(ctx) {
    peerInstalled = await ensureDebianPackages(['prometheus', 'prometheus-alertmanager'], [PROMETHEUS, ALERTMANAGER], ctx.log);
  },
  async run(ctx) {
    const trials = ctx.quick ? 30 : 100;
    const peerCount = ctx.quick ? 6 : 30;
    const spacingMs = 10_000;
    let peerWhy = peerInstalled.ok ? '' : peerInstalled.why;
    let pair: AlertPair | null = null;
    let peerName = 'Prometheus + Alertmanager (Debian)';
    if (peerInstalled.ok) {
      const [prom, am] = await Promise.all([
        versionOf(PROMETHEUS, ['--version'], /version (\S+)/),
        versionOf(ALERTMANAGER, ['--version'], /version (\S+)/),
      ]);
      peerName = `Prometheus ${prom ?? '?'} + Alertmanager ${am ?? '?'} (Debian), 1 m scrape and evaluation, group_wait 30 s`;
      try {
        pair = await startAlertPair();
      } catch (err) {
        peerWhy = `could not start: ${(err as Error).message}`;
      }
    }
    ctx.log(pair ? `Prometheus and Alertmanager up; ${peerCount} new error kinds about ${spacingMs / 1000} s apart, each timed to the webhook (up to ${PEER_TIMEOUT_MS / 60_000} min)` : `no peer: ${peerWhy}`);
    const peerDone = pair ? peerTrials(pair, peerCount, spacingMs) : Promise.resolve(null);
    try {
      const latencies = await ctx.exclusive(() => genmonTrials(trials));
      ctx.log(`Genmon: ${trials} trials done`);
      const peer = await peerDone;
      if (peer && peer.latencies.length === 0) peerWhy = `no alert reached the webhook within ${PEER_TIMEOUT_MS / 1000} s in ${peerCount} trials`;
      const peerNote = peer ? `${peer.latencies.length} trials${peer.lost ? `, ${peer.lost} lost` : ''}` : undefined;
      const row = (q: number, target?: number): Row => ({
        id: `alert.p${q * 100}`,
        figure: `line written → alert firing on the push stream, p${q * 100} (${trials} trials)`,
        value: percentileOf(latencies, q),
        unit: 'ms',
        ...(target === undefined ? {} : { target: { op: '<' as const, value: target, spec: 30_000 } }),
        peers: [
          peer && peer.latencies.length
            ? { name: peerName, value: percentileOf(peer.latencies, q), note: peerNote }
            : { name: peerName, value: null, why: peerWhy },
        ],
      });
      return [row(0.5), row(0.99, 1000)];
    } finally {
      await pair?.stop();
    }
  },
};

/** One evaluation of 200 rules (the built-ins, repeated with other thresholds) over 30 days of demo history. */
export const rulesBench: Bench = {
  id: 'rules',
  title: 'Rule evaluation: 200 rules over stored history',
  run: async (ctx) => [await benchRuleEvaluation(ctx.quick ? 2000 : 20_000)],
};

async function benchRuleEvaluation(runs: number): Promise<Row> {
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
    return { id: 'rules.eval-p50', figure: `one evaluation of 200 rules, ${runs.toLocaleString('en-US')} runs stored, p50 of 20`, value: percentileOf(times, 0.5), unit: 'ms' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
