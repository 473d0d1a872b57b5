/**
 * `npm run bench [-- --quick] [-- --only cpu,ingest]`: every performance
 * figure beside its target, and beside a peer or bound measured in the same
 * run; the same as JSON in bench/results.json with the machine's facts.
 * The row API for adding benches is described in bench/lib.ts.
 */
import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { agentCpuBench } from './agent-cpu';
import { alertBench, rulesBench } from './alert-latency';
import { extensionBench } from './extension';
import { ingestBench } from './ingest';
import { loadBench } from './load';
import { killTracked, type Bench, type BenchContext } from './lib';
import { freshnessBench } from './push-latency';
import { scalingBench, storeQueryBench, storeSizeBench } from './storage';
import { renderTable, resolveRow, type ResultRow, type Row } from './table';

/** In table order. */
const BENCHES: Bench[] = [
  agentCpuBench,
  ingestBench,
  freshnessBench,
  alertBench,
  rulesBench,
  storeQueryBench,
  storeSizeBench,
  scalingBench,
  loadBench,
  extensionBench,
];

/** One lock: whoever holds it is the only bench measuring. */
function makeExclusive(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };
}

function machine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const quick = values.quick ?? false;
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !BENCHES.some((b) => b.id === id)) ?? [];
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; the benches are ${BENCHES.map((b) => b.id).join(', ')}`);
  const selected = BENCHES.filter((b) => !only || only.includes(b.id));
  const facts = machine();
  console.log(`Genmon bench${quick ? ' (quick)' : ''}: ${selected.map((b) => b.id).join(', ')}`);
  console.log(`${facts.cores} cores (${facts.cpu}), ${facts.memoryGiB} GiB, Node ${facts.node}, ${facts.os}`);

  const exclusive = makeExclusive();
  const contextFor = (bench: Bench): BenchContext => ({
    quick,
    exclusive,
    log: (text) => console.log(`  [${bench.id}] ${text}`),
  });
  const timings = new Map<string, { seconds: number; error?: string }>();
  const rowsOf = new Map<string, Row[]>();
  let failed = false;
  const attempt = async (bench: Bench, step: 'prepare' | 'run', fn: () => Promise<Row[] | void>) => {
    const t0 = performance.now();
    try {
      const rows = await fn();
      if (rows) rowsOf.set(bench.id, rows);
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? err.message : String(err);
      console.error(`  [${bench.id}] ${step} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
      timings.set(bench.id, { seconds: 0, error: `${step}: ${message}` });
      rowsOf.set(bench.id, [{ id: `${bench.id}.failed`, figure: `${bench.title}: ${step} failed`, value: null, unit: '', why: message }]);
      return false;
    }
    if (step === 'run') timings.set(bench.id, { seconds: (performance.now() - t0) / 1000 });
    return true;
  };

  const ready: Bench[] = [];
  for (const bench of selected) {
    const ctx = contextFor(bench);
    if (!bench.prepare || (await attempt(bench, 'prepare', () => bench.prepare!(ctx)))) ready.push(bench);
  }
  const background = ready.filter((b) => b.background).map((b) => attempt(b, 'run', () => b.run(contextFor(b))));
  for (const bench of ready.filter((b) => !b.background)) {
    console.log(`\n${bench.title}`);
    await exclusive(() => attempt(bench, 'run', () => bench.run(contextFor(bench))));
  }
  if (background.length) console.log('\nwaiting for the benches that run beside the others...');
  await Promise.all(background);

  const rows: ResultRow[] = selected.flatMap((b) => (rowsOf.get(b.id) ?? []).map(resolveRow));
  console.log(`\n${renderTable(rows)}`);
  const path = join(__dirname, 'results.json');
  const benches = selected.map((b) => ({ id: b.id, title: b.title, ...timings.get(b.id) }));
  writeFileSync(path, `${JSON.stringify({ date: new Date().toISOString(), quick, only: only ?? null, machine: facts, benches, rows }, null, 2)}\n`);
  console.log(`\nwritten to bench/results.json`);
  if (failed) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killTracked();
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  killTracked();
  process.exitCode = 1;
});
