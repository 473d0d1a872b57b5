/**
 * `npm run test:crash [-- --cycles N --seed S --writers W --keep]`: many
 * cycles of writers appending to several logs (rotating them by rename and by
 * copytruncate) while the agent is killed with SIGKILL at random moments:
 * during start-up and journal replay, while tailing, halfway through a
 * snapshot's temp file, before its first byte or between its renames, and while migrating a
 * database one schema version old. After every kill the data directory is
 * read the way the agent would read it: each database file passes
 * `PRAGMA integrity_check`, no line is stored twice, and every line written
 * before the agent last caught up is stored exactly once. At the end, every
 * line ever written is stored exactly once.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { IngestStatus } from '../../agent/api/types';
import { readDiscovery } from '../../agent/cli/client';
import { Rng } from '../../agent/demo/prng';
import { AgentProcess, AGENT_JS, sleep } from '../integration/harness';
import { downgradeOneVersion, inspect } from './verify';
import { Writer } from './writers';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '200' },
    seed: { type: 'string', default: '20261125' },
    writers: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const CYCLES = Number(values.cycles);
const SEED = Number(values.seed);
const rng = new Rng(SEED);

const root = mkdtempSync(join(tmpdir(), 'genmon-crash-'));
const dataDir = join(root, 'data');
const logDir = join(root, 'runs');
const dbPath = join(dataDir, 'genmon.db');
mkdirSync(logDir, { recursive: true });
const writers = Array.from({ length: Number(values.writers) }, (_, i) => new Writer(`w${i}`, logDir, new Rng(SEED * 31 + i)));

type Kind = 'startup' | 'tailing' | 'snapshot' | 'migration';
const kills: Record<Kind, number> = { startup: 0, tailing: 0, snapshot: 0, migration: 0 };
let emptyTempKills = 0;
let lineChecks = 0;

/** Writes in the background until the returned function is awaited. */
function writeInBackground(): () => Promise<void> {
  let on = true;
  const done = (async () => {
    while (on) {
      for (const w of writers) w.tick();
      await sleep(rng.int(5, 20));
    }
    for (const w of writers) w.finishLine();
  })();
  return async () => {
    on = false;
    await done;
  };
}

const totalWritten = () => writers.reduce((n, w) => n + w.written, 0);

let current: AgentProcess | null = null;

/** Keeps each agent's log beside the data, for a failure's post-mortem. */
function saveLog(): void {
  if (current) appendFileSync(join(root, 'agents.log'), `--- agent ${current.pid}\n${current.stderr}`);
}

function spawnAgent(env: Record<string, string>): AgentProcess {
  saveLog();
  const child = spawn(process.execPath, [AGENT_JS, '--data-dir', dataDir, '--log-dir', logDir, '--no-sampler'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GENMON_HOME: '', ...env },
  });
  current = new AgentProcess(child);
  return current;
}

async function until<T>(what: string, check: () => T | null | undefined | false | Promise<T | null | undefined | false>, agent: AgentProcess, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (agent.child.exitCode !== null) throw new Error(`the agent exited (${agent.child.exitCode}) while waiting for ${what}: ${agent.stderr}`);
    const v = await check();
    if (v) return v;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}; agent log:\n${agent.stderr}`);
}

/** Waits for the agent to serve, then for it to store every line written so far. */
async function catchUp(agent: AgentProcess): Promise<void> {
  await until('the discovery file', () => {
    const d = readDiscovery(dataDir);
    if (d?.pid === agent.pid) agent.discovery = d;
    return agent.discovery;
  }, agent);
  const want = totalWritten();
  await until(`${want} lines stored`, async () => {
    const stored = (await agent.get<IngestStatus>('/ingest')).eventsStored;
    if (stored > want) throw new Error(`the agent stored ${stored} lines, more than the ${want} written`);
    return stored === want;
  }, agent);
}

/** Checks the killed agent's data directory; `settled[i]` lines of writer i must be there exactly once. */
async function verify(settled: number[], label: string): Promise<void> {
  const r = await inspect(dbPath);
  const errors = [...r.problems];
  if (r.log.some((m) => /unusable|damaged|could not be applied/.test(m))) errors.push(`recovery: ${r.log.join(' | ')}`);
  let starts = 0;
  let ticks = 0;
  for (const [id, count] of r.ids) {
    const m = /^w(\d+)-(\d+)$/.exec(id);
    const w = m ? writers[Number(m[1])] : undefined;
    if (!m || !w || Number(m[2]) >= w.written) errors.push(`a line never written: ${id}`);
    else if (count > 1) errors.push(`${id} stored ${count} times`);
    if (m && Number(m[2]) % 2 === 0) starts++;
    else ticks++;
  }
  writers.forEach((w, i) => {
    for (let k = 0; k < settled[i]; k++) if (!r.ids.has(`${w.name}-${k}`)) errors.push(`${w.name}-${k} is missing`);
  });
  if (r.runs !== starts) errors.push(`runs table holds ${r.runs} rows for ${starts} run.started lines`);
  if (r.events !== ticks) errors.push(`events table holds ${r.events} rows for ${ticks} crash.tick lines`);
  lineChecks += r.ids.size;
  if (errors.length > 0) throw new Error(`${label}: ${errors.slice(0, 10).join('\n  ')}${errors.length > 10 ? `\n  … and ${errors.length - 10} more` : ''}`);
}

function pickKind(cycle: number): Kind {
  if (cycle % 20 === 0) return 'migration';
  return rng.weighted([['startup', 1], ['tailing', 4], ['snapshot', 4]] as const);
}

async function cycle(n: number, settled: number[]): Promise<number[]> {
  const kind = pickKind(n);
  // The generators go on while the agent is down, rotating too.
  let stopWriting = writeInBackground();
  await sleep(rng.int(0, 150));
  await stopWriting();
  const env: Record<string, string> = {
    GENMON_TEST_SNAPSHOT_MS: String(rng.int(100, 600)),
    GENMON_TEST_SNAPSHOT_PAUSE_MS: String(rng.int(20, 120)),
    // One snapshot kill in four finds the temp file created but still empty.
    GENMON_TEST_SNAPSHOT_PAUSE_AT: kind === 'snapshot' && rng.int(0, 3) === 0 ? 'empty' : 'half',
  };
  let next = settled;
  let agent: AgentProcess;
  if (kind === 'migration') {
    for (const path of [dbPath, `${dbPath}.prev`, `${dbPath}.tmp`]) await downgradeOneVersion(path);
    const pause = rng.int(100, 400);
    agent = spawnAgent({ ...env, GENMON_TEST_MIGRATION_PAUSE_MS: String(pause) });
    await until('the migration pause', () => agent.stderr.includes('test hook: migration paused'), agent);
    await sleep(rng.int(0, pause - 50));
  } else if (kind === 'startup') {
    agent = spawnAgent(env);
    await sleep(rng.int(0, 900));
  } else {
    agent = spawnAgent(env);
    await catchUp(agent);
    next = writers.map((w) => w.written);
    for (const w of writers) {
      w.pruneRotated();
      w.mayRotate = true;
    }
    stopWriting = writeInBackground();
    if (kind === 'snapshot') {
      if (env.GENMON_TEST_SNAPSHOT_PAUSE_AT === 'empty') emptyTempKills++;
      const seen = agent.stderr.length;
      await until('a snapshot pause', () => agent.stderr.slice(seen).includes('test hook: snapshot paused'), agent);
      await sleep(rng.int(0, Number(env.GENMON_TEST_SNAPSHOT_PAUSE_MS) - 10));
    } else {
      await sleep(rng.int(20, 500));
    }
  }
  await agent.kill9();
  kills[kind]++;
  await stopWriting();
  await verify(next, `cycle ${n} (kill ${kind})`);
  return next;
}

async function main(): Promise<void> {
  console.log(`crash harness: ${CYCLES} cycles, seed ${SEED}, ${writers.length} writers, in ${root}`);
  if (!existsSync(AGENT_JS)) throw new Error(`${AGENT_JS} is missing: run npm run build`);
  const started = Date.now();
  let settled = writers.map(() => 0);
  let passed = 0;
  let failed = 0;
  try {
    for (let n = 1; n <= CYCLES; n++) {
      settled = await cycle(n, settled);
      passed++;
      if (n % 20 === 0 || n === CYCLES) {
        console.log(`  ${n} cycles, ${totalWritten().toLocaleString('en-US')} lines written, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
    // Last: a clean start that catches up and a clean stop; then every line, exactly once.
    const agent = spawnAgent({});
    await catchUp(agent);
    await agent.stop();
    await verify(writers.map((w) => w.written), 'after the last cycle');
    passed++;
  } catch (err) {
    failed++;
    console.error(`FAILED (seed ${SEED}): ${(err as Error).message}`);
    if (current) {
      await current.kill9();
      saveLog();
    }
    console.error(`data and logs kept in ${root}`);
  }
  const rotations = writers.reduce((a, w) => ({ rename: a.rename + w.rotations.rename, copytruncate: a.copytruncate + w.rotations.copytruncate }), { rename: 0, copytruncate: 0 });
  console.log(
    `cycles run: ${Math.min(passed, CYCLES)} of ${CYCLES}; kills: ${kills.startup} during start-up, ${kills.tailing} while tailing, ` +
      `${kills.snapshot} inside a snapshot write (${emptyTempKills} with its temp file still empty), ${kills.migration} inside a migration; rotations: ${rotations.rename} by rename, ${rotations.copytruncate} by copytruncate`,
  );
  console.log(`lines written: ${totalWritten().toLocaleString('en-US')}; lines checked over all cycles: ${lineChecks.toLocaleString('en-US')}; ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  if (failed === 0 && !values.keep) rmSync(root, { recursive: true, force: true });
  process.exit(failed === 0 ? 0 : 1);
}

void main();
