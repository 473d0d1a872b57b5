import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IngestStatus, RunSummary } from '../../agent/api/types';
import { eventually, line, startAgent, workspace } from './harness';

test('a corrupt database with no good generation: clear message, database moved aside, logs read again', async () => {
  const ws = workspace();
  let agent = await startAgent(ws);
  try {
    appendFileSync(join(ws.logDir, 'a.jsonl'), line({ run_id: 'kept', type: 'run.started', app: 'x' }));
    await eventually(async () => (await agent.get<RunSummary[]>('/runs')).length === 1, 'the run');
    await agent.stop();
    const db = join(ws.dataDir, 'genmon.db');
    writeFileSync(db, Buffer.from('this is not a database, just garbage '.repeat(200)));
    if (existsSync(`${db}.prev`)) writeFileSync(`${db}.prev`, Buffer.alloc(4096, 7));
    agent = await startAgent(ws);
    assert.match(agent.stderr, /database file .*genmon\.db is unusable/);
    assert.match(agent.stderr, /moved the unusable file aside/);
    assert.ok(readdirSync(ws.dataDir).some((n) => n.startsWith('genmon.db.corrupt-')));
    const runs = await eventually(async () => {
      const r = await agent.get<RunSummary[]>('/runs');
      return r.length === 1 ? r : null;
    }, 'the run read again from the log');
    assert.equal(runs[0].runId, 'kept');
    assert.equal((await agent.get<IngestStatus>('/ingest')).eventsStored, 1);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('a corrupt database with a good previous generation: falls back to it and replays the journal', async () => {
  const ws = workspace();
  let agent = await startAgent(ws);
  try {
    const file = join(ws.logDir, 'a.jsonl');
    appendFileSync(file, line({ run_id: 'one', type: 'run.started' }));
    await eventually(async () => (await agent.get<RunSummary[]>('/runs')).length === 1, 'first run');
    await agent.stop(); // snapshot 1 (becomes .prev below)
    agent = await startAgent(ws);
    appendFileSync(file, line({ run_id: 'two', type: 'run.started' }));
    await eventually(async () => (await agent.get<RunSummary[]>('/runs')).length === 2, 'second run');
    await agent.stop(); // snapshot 2; snapshot 1 is now .prev
    const db = join(ws.dataDir, 'genmon.db');
    assert.ok(existsSync(`${db}.prev`), 'a previous generation is kept');
    writeFileSync(db, Buffer.alloc(8192, 0x41));
    agent = await startAgent(ws);
    assert.match(agent.stderr, /genmon\.db is unusable/);
    assert.match(agent.stderr, /using .*genmon\.db\.prev/);
    const runs = await agent.get<RunSummary[]>('/runs');
    assert.deepEqual(runs.map((r) => r.runId).sort(), ['one', 'two']);
    assert.equal((await agent.get<IngestStatus>('/ingest')).eventsStored, 2);
  } finally {
    await agent.stop();
    ws.dispose();
  }
});
