import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import initSqlJs from 'sql.js';
import type { IngestStatus } from '../../agent/api/types';
import { unpackLines } from '../../agent/store/pack';
import { eventually, sleep, startAgent, workspace, type AgentProcess } from './harness';

const TOTAL = 6000;

test('kill -9 while a writer appends, then restart: every line stored exactly once', async () => {
  const ws = workspace();
  const file = join(ws.logDir, 'crash.jsonl');
  let agent: AgentProcess = await startAgent(ws);
  let written = 0;
  let writing = true;
  const writer = (async () => {
    while (written < TOTAL) {
      let chunk = '';
      const n = Math.min(TOTAL - written, 1 + Math.floor(Math.random() * 60));
      for (let i = 0; i < n; i++) {
        chunk += `${JSON.stringify({ ts: new Date().toISOString(), run_id: `run-${written}`, type: 'run.started', n: written, app: 'crash' })}\n`;
        written++;
      }
      appendFileSync(file, chunk);
      // Rotate once mid-way so the crash also meets a renamed file.
      if (written >= TOTAL / 2 && written - n < TOTAL / 2) renameSync(file, `${file}.1`);
      await sleep(25);
    }
    writing = false;
  })();
  let kills = 0;
  while (writing) {
    await sleep(200 + Math.random() * 600);
    if (!writing) break;
    await agent.kill9();
    kills++;
    agent = await startAgent(ws);
  }
  await writer;
  try {
    assert.ok(kills >= 2, `the agent was killed while writing (${kills} times)`);
    await eventually(async () => (await agent.get<IngestStatus>('/ingest')).eventsStored >= TOTAL, `${TOTAL} events`, 30_000);
    await sleep(500);
    assert.equal((await agent.get<IngestStatus>('/ingest')).eventsStored, TOTAL);
  } finally {
    await agent.stop();
  }
  // Read the database file itself: every line stored verbatim exactly once, and one run row per line.
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(join(ws.dataDir, 'genmon.db')));
  const seen = new Map<number, number>();
  for (const [body] of db.exec('SELECT body FROM raw_chunks')[0].values) {
    for (const text of unpackLines(body as Uint8Array).toString('utf8').split('\n')) {
      if (!text) continue;
      const n = (JSON.parse(text) as { n: number }).n;
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
  }
  const runs = Number(db.exec('SELECT COUNT(*) FROM runs')[0].values[0][0]);
  db.close();
  assert.equal(seen.size, TOTAL, 'every line is there');
  assert.deepEqual([...seen.values()].filter((c) => c !== 1), [], 'no line twice');
  assert.equal(Math.min(...seen.keys()), 0);
  assert.equal(Math.max(...seen.keys()), TOTAL - 1);
  assert.equal(runs, TOTAL);
  ws.dispose();
});
