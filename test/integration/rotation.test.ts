import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IngestStatus } from '../../agent/api/types';
import { eventually, line, sleep, startAgent, workspace, type AgentProcess } from './harness';

function lines(prefix: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += line({ run_id: `${prefix}-${i}`, type: 'run.started', app: prefix });
  return out;
}

async function stored(agent: AgentProcess): Promise<number> {
  return (await agent.get<IngestStatus>('/ingest')).eventsStored;
}

/** Waits for `n` events, then a little longer to be sure no duplicate follows. */
async function expectExactly(agent: AgentProcess, n: number): Promise<void> {
  await eventually(async () => (await stored(agent)) >= n, `${n} events`);
  await sleep(700);
  assert.equal(await stored(agent), n);
}

test('rotation by rename while running: the old file is read to its end, the new one from the start', async () => {
  const ws = workspace();
  const agent = await startAgent(ws);
  try {
    const file = join(ws.logDir, 'gen.jsonl');
    appendFileSync(file, lines('a', 50));
    await expectExactly(agent, 50);
    renameSync(file, `${file}.1`);
    // A writer that still holds the old file appends to it after the rename.
    appendFileSync(`${file}.1`, lines('b', 20));
    writeFileSync(file, lines('c', 30));
    await expectExactly(agent, 100);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('copytruncate while running: lines after the truncation are read once', async () => {
  const ws = workspace();
  const agent = await startAgent(ws);
  try {
    const file = join(ws.logDir, 'gen.jsonl');
    appendFileSync(file, lines('a', 40));
    await expectExactly(agent, 40);
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    appendFileSync(file, lines('b', 10));
    await expectExactly(agent, 50);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('truncation while the agent is stopped, to a shorter and to a longer content', async () => {
  const ws = workspace();
  let agent = await startAgent(ws);
  const short = join(ws.logDir, 'short.jsonl');
  const long = join(ws.logDir, 'long.jsonl');
  try {
    writeFileSync(short, lines('s', 20));
    writeFileSync(long, lines('l', 5));
    await expectExactly(agent, 25);
    await agent.stop();
    writeFileSync(short, lines('s2', 3));
    // Rewritten in place with more bytes than before: only the first line tells it apart.
    writeFileSync(long, lines('l2', 12));
    agent = await startAgent(ws);
    await expectExactly(agent, 25 + 3 + 12);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('rotation by rename while the agent is stopped: the rest of the renamed file is found by its inode', async () => {
  const ws = workspace();
  let agent = await startAgent(ws);
  const file = join(ws.logDir, 'gen.jsonl');
  try {
    writeFileSync(file, lines('a', 10));
    await expectExactly(agent, 10);
    await agent.stop();
    appendFileSync(file, lines('b', 7));
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines('c', 4));
    agent = await startAgent(ws);
    await expectExactly(agent, 21);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});
