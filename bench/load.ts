/**
 * Load: 50 generators (worker threads) append to 50 logs at a combined
 * 20,000 lines/s for 60 s (15 s with --quick), while 10 clients each hold a
 * push stream and query the dashboard endpoints. Reported: lines lost
 * (written minus stored, counted in the database file after a clean stop),
 * line → push latency of probe runs (one every 100 ms, in a log of their
 * own, so each arrives as its own run message rather than inside a bulk
 * refresh), query latency, the agent's peak RSS and how far ingest fell
 * behind the writers.
 *
 * `node --import tsx bench/load.ts [--quick]` runs it alone; `npm run bench`
 * runs it with the others.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import initSqlJs from 'sql.js';
import type { IngestStatus, PushMessage } from '../agent/api/types';
import { apiGet } from '../agent/cli/client';
import { SseParser } from '../src/agent/sse';
import { bundleScript, peakRss, stopProcess, percentileOf, sleep, startBenchAgent, type Bench, type BenchAgent, type BenchContext, type Row } from './lib';

const GENERATORS = 50;
const LINES_PER_SECOND = 20_000;
const CLIENTS = 10;
const DASHBOARD_QUERIES = ['/summary', '/runs?limit=100', '/phases', '/errors/groups?limit=50', '/errors/top', '/samples?maxPoints=300', '/ingest'];

interface PushClient {
  arrivals: Map<string, number>;
  close(): void;
}

/** A push stream noting when each probe run first arrives, on the clock the writers stamp probes with. */
function pushClient(agent: BenchAgent): PushClient {
  const arrivals = new Map<string, number>();
  const parser = new SseParser();
  const req = request(`${agent.discovery.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${agent.discovery.token}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = performance.timeOrigin + performance.now();
      for (const data of parser.push(chunk)) {
        if (!data.includes('"probe-')) continue;
        const m = JSON.parse(data) as PushMessage;
        if (m.type === 'run' && m.run.runId.startsWith('probe-') && !arrivals.has(m.run.runId)) arrivals.set(m.run.runId, now);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { arrivals, close: () => req.destroy() };
}

function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
}

async function storedInDatabase(dbPath: string): Promise<{ lines: number; runs: number }> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(dbPath));
  try {
    const n = (sql: string) => Number(db.exec(sql)[0]?.values[0]?.[0] ?? 0);
    return { lines: n('SELECT COALESCE(SUM(accepted), 0) FROM raw_chunks'), runs: n('SELECT COUNT(*) FROM runs') };
  } finally {
    db.close();
  }
}

export async function runLoad(opts: { seconds: number; log: (text: string) => void }): Promise<Row[]> {
  const work = mkdtempSync(join(tmpdir(), 'genmon-load-'));
  const writerJs = bundleScript(join(__dirname, 'load-writer.ts'), work);
  const agent = await startBenchAgent([]);
  const dataDir = join(agent.dir, 'data');
  const clients = Array.from({ length: CLIENTS }, () => pushClient(agent));
  const probesWritten = new Map<string, number>();
  const progress = new Array<number>(GENERATORS).fill(0);
  const queryMs: number[] = [];
  const rss: number[] = [];
  let lagMax = 0;
  let done = 0;
  let totals = { written: 0, runs: 0 };
  let writing = true;
  try {
    await sleep(500);
    opts.log(`${GENERATORS} generators at ${LINES_PER_SECOND.toLocaleString('en-US')} lines/s for ${opts.seconds} s, ${CLIENTS} clients`);
    const finished = Promise.all(
      Array.from({ length: GENERATORS }, (_, index) => new Promise<void>((resolve, reject) => {
        const worker = new Worker(writerJs, { workerData: { index, file: join(agent.logDir, `gen-${index}.jsonl`), linesPerSecond: LINES_PER_SECOND / GENERATORS, durationMs: opts.seconds * 1000 } });
        worker.on('message', (m: { type: string; written?: number; runs?: number }) => {
          if (m.type === 'progress') progress[index] = m.written!;
          if (m.type === 'done') {
            progress[index] = m.written!;
            totals = { written: totals.written + m.written!, runs: totals.runs + m.runs! };
            done++;
            void worker.terminate().then(() => resolve());
          }
        });
        worker.on('error', reject);
      })),
    ).finally(() => (writing = false));
    const queriers = clients.map(async () => {
      while (writing) {
        const path = DASHBOARD_QUERIES[Math.floor(Math.random() * DASHBOARD_QUERIES.length)];
        const t0 = performance.now();
        await apiGet(agent.discovery, path);
        queryMs.push(performance.now() - t0);
        await sleep(750 + Math.random() * 500);
      }
    });
    const probeFile = join(agent.logDir, 'probe.jsonl');
    const prober = (async () => {
      for (let i = 0; writing; i++) {
        const runId = `probe-${i}`;
        appendFileSync(probeFile, `${JSON.stringify({ ts: new Date().toISOString(), run_id: runId, type: 'run.started', app: 'probe' })}\n`);
        probesWritten.set(runId, performance.timeOrigin + performance.now());
        await sleep(100);
      }
    })();
    const watcher = (async () => {
      while (writing) {
        await sleep(1000);
        rss.push(rssOf(agent.child.pid!));
        const stored = (await apiGet<IngestStatus>(agent.discovery, '/ingest')).eventsStored;
        lagMax = Math.max(lagMax, progress.reduce((a, b) => a + b, 0) - stored);
      }
    })();
    await finished;
    await Promise.all([...queriers, watcher, prober]);
    const stopAt = performance.now();
    opts.log(`${totals.written.toLocaleString('en-US')} lines written; waiting for the agent to store them`);
    const deadline = Date.now() + 180_000;
    let stored = 0;
    const expected = totals.written + probesWritten.size;
    while (Date.now() < deadline && (stored = (await apiGet<IngestStatus>(agent.discovery, '/ingest')).eventsStored) < expected) await sleep(200);
    const catchUpMs = performance.now() - stopAt;
    const peak = peakRss(agent.child.pid!);
    await sleep(1000);
    for (const c of clients) c.close();
    await stopProcess(agent.child);
    const db = await storedInDatabase(join(dataDir, 'genmon.db'));
    const latencies = clients.flatMap((c) => [...c.arrivals].map(([runId, at]) => at - probesWritten.get(runId)!).filter((v) => Number.isFinite(v)));
    const probesSeen = new Set(clients.flatMap((c) => [...c.arrivals.keys()])).size;
    opts.log(`stored ${db.lines.toLocaleString('en-US')} lines, ${db.runs.toLocaleString('en-US')} runs; ${probesSeen} of ${probesWritten.size} probes pushed`);
    const note = `${opts.seconds} s, ${GENERATORS} generators, ${CLIENTS} clients`;
    return [
      { id: 'load.lost', figure: `lines lost at ${LINES_PER_SECOND.toLocaleString('en-US')} lines/s (written − stored in the database)`, value: expected - db.lines, unit: 'lines', target: { op: '<=', value: 0 }, note: `${totals.written.toLocaleString('en-US')} written, ${note}` },
      { id: 'load.runs-lost', figure: 'runs started but missing from the database', value: totals.runs + probesWritten.size - db.runs, unit: 'runs', target: { op: '<=', value: 0 } },
      { id: 'load.push-p50', figure: 'line → push stream under load, p50', value: latencies.length ? percentileOf(latencies, 0.5) : null, unit: 'ms', note: `${latencies.length} probe arrivals over ${CLIENTS} streams`, why: latencies.length ? undefined : 'no probe arrived' },
      { id: 'load.push-p99', figure: 'line → push stream under load, p99', value: latencies.length ? percentileOf(latencies, 0.99) : null, unit: 'ms', target: { op: '<', value: 1000, spec: 60_000 } },
      { id: 'load.query-p50', figure: 'dashboard query under load, p50', value: queryMs.length ? percentileOf(queryMs, 0.5) : null, unit: 'ms', note: `${queryMs.length} queries` },
      { id: 'load.query-p99', figure: 'dashboard query under load, p99', value: queryMs.length ? percentileOf(queryMs, 0.99) : null, unit: 'ms', target: { op: '<', value: 500 } },
      { id: 'load.rss-peak', figure: 'agent peak RSS under load', value: peak / 1024 / 1024, unit: 'MiB', target: { op: '<', value: 512 } },
      { id: 'load.lag-max', figure: 'ingest behind the writers, worst second', value: lagMax, unit: 'lines', note: `caught up ${Math.round(catchUpMs)} ms after the writers stopped; RSS ${Math.round(Math.min(...rss) / 2 ** 20)}–${Math.round(Math.max(...rss) / 2 ** 20)} MiB` },
      ...(stored < expected ? [{ id: 'load.unstored', figure: 'lines not stored 3 min after the writers stopped', value: expected - stored, unit: 'lines' }] : []),
    ];
  } finally {
    writing = false;
    for (const c of clients) c.close();
    await agent.stop();
    rmSync(work, { recursive: true, force: true });
    if (done < GENERATORS) opts.log(`${GENERATORS - done} generators did not finish`);
  }
}

export const loadBench: Bench = {
  id: 'load',
  title: '50 generators at 20,000 lines/s with 10 dashboard clients',
  run: (ctx: BenchContext) => runLoad({ seconds: ctx.quick ? 15 : 60, log: ctx.log }),
};

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  runLoad({ seconds: quick ? 15 : 60, log: (t) => console.log(`  [load] ${t}`) })
    .then((rows) => {
      for (const r of rows) console.log(`${r.figure}: ${r.value === null ? 'n/a' : Math.round(r.value * 10) / 10} ${r.unit}${r.target ? `  (target ${r.target.op} ${r.target.value})` : ''}${r.note ? `  ${r.note}` : ''}`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
