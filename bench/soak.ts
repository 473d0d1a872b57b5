/**
 * `npm run soak -- --minutes N [--rate L]`: the agent as shipped (sampling
 * every second, the demo generator writing runs) plus a writer at L lines/s
 * (default 200) for N minutes (default 10), reporting its RSS and CPU
 * (children included) once a minute and a summary: does memory creep, does
 * CPU stay flat.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { IngestStatus } from '../agent/api/types';
import { apiGet } from '../agent/cli/client';
import { sleep, startBenchAgent } from './lib';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '200' } } });
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);
/** Linux's USER_HZ: /proc counts CPU time in hundredths of a second. */
const TICKS_PER_SECOND = 100;

/** RSS in bytes and CPU seconds (own plus reaped children) of a live process, from /proc. */
function usage(pid: number): { rss: number; cpuS: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  return { rss, cpuS: ticks / TICKS_PER_SECOND };
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('the soak test reads /proc; run it on Linux');
  const agent = await startBenchAgent(['--demo', '--interval', '1000']);
  const pid = agent.child.pid!;
  console.log(`soak: ${MINUTES} min, sampling every second, demo runs plus ${RATE} lines/s; agent pid ${pid}`);
  console.log('minute  RSS MiB  CPU % of a core  lines stored');
  let written = 0;
  let on = true;
  const writer = (async () => {
    const file = join(agent.logDir, 'soak.jsonl');
    const start = performance.now();
    while (on) {
      const due = Math.floor((RATE * (performance.now() - start)) / 1000) - written;
      let text = '';
      for (let i = 0; i < due; i++) text += `${JSON.stringify({ ts: new Date().toISOString(), run_id: `soak-${written + i}`, type: 'run.started', app: 'soak' })}\n`;
      if (due > 0) appendFileSync(file, text);
      written += Math.max(0, due);
      await sleep(100);
    }
  })();
  const rows: { minute: number; rss: number; cpu: number }[] = [];
  let last = { t: performance.now(), ...usage(pid) };
  const first = last;
  try {
    for (let minute = 1; minute <= MINUTES; minute++) {
      await sleep(60_000);
      const now = { t: performance.now(), ...usage(pid) };
      const cpu = ((now.cpuS - last.cpuS) / ((now.t - last.t) / 1000)) * 100;
      const stored = (await apiGet<IngestStatus>(agent.discovery, '/ingest')).eventsStored;
      rows.push({ minute, rss: now.rss, cpu });
      console.log(`${String(minute).padStart(6)}  ${(now.rss / 2 ** 20).toFixed(1).padStart(7)}  ${cpu.toFixed(2).padStart(15)}  ${stored.toLocaleString('en-US').padStart(12)}`);
      last = now;
    }
  } finally {
    on = false;
    await writer;
    await agent.stop();
  }
  const rss = rows.map((r) => r.rss / 2 ** 20);
  const half = Math.floor(rows.length / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(`\nRSS: ${(first.rss / 2 ** 20).toFixed(1)} MiB at start, ${rss.at(-1)?.toFixed(1)} at the end, ${Math.max(...rss).toFixed(1)} at most; ` +
    `second half vs first half ${(mean(rss.slice(half)) - mean(rss.slice(0, half))).toFixed(1)} MiB`);
  console.log(`CPU: ${mean(rows.map((r) => r.cpu)).toFixed(2)} % of a core on average, ${Math.max(...rows.map((r) => r.cpu)).toFixed(2)} % in the busiest minute; ${written.toLocaleString('en-US')} lines written`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
