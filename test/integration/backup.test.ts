/**
 * A backup taken from the running agent while a writer appends, restored into
 * a fresh data directory: every line the agent had acknowledged before the
 * backup is there, and the restored agent runs on it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BackupAnswer, IngestStatus, RunSummary } from '../../agent/api/types';
import { apiPost } from '../../agent/cli/client';
import { sleep, startAgent, workspace } from './harness';

const GENMON_JS = join(__dirname, '..', '..', 'dist', 'genmon.js');

test('backup while a writer appends, restored into a fresh agent: nothing acknowledged before the backup is missing', async () => {
  const ws = workspace();
  const file = join(ws.logDir, 'runs.jsonl');
  const agent = await startAgent(ws);
  let written = 0;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      let chunk = '';
      for (let i = 0; i < 25; i++, written++) chunk += `${JSON.stringify({ ts: new Date().toISOString(), run_id: `run-${written}`, type: 'run.started', app: 'backup' })}\n`;
      appendFileSync(file, chunk);
      await sleep(20);
    }
  })();
  let acknowledged = 0;
  let backup: BackupAnswer;
  try {
    await sleep(1500);
    // Everything the agent reports stored here was acknowledged (journaled and applied) before the backup began.
    acknowledged = (await agent.get<IngestStatus>('/ingest')).eventsStored;
    backup = await apiPost<BackupAnswer>(agent.discovery!, '/backup', { path: join(ws.root, 'backup.tar.gz') }, 60_000);
    await sleep(500);
  } finally {
    writing = false;
    await writer;
    await agent.stop();
  }
  assert.ok(acknowledged > 100, `lines stored before the backup: ${acknowledged}`);
  assert.ok(written > acknowledged, 'the writer went on during the backup');
  assert.ok(existsSync(backup.file) && backup.bytes > 0);

  // A fresh data directory with no logs to read: what it has comes from the backup alone.
  const fresh = workspace();
  mkdirSync(fresh.dataDir, { recursive: true });
  const restored = spawnSync(process.execPath, [GENMON_JS, 'restore', backup.file, '--data-dir', fresh.dataDir], { encoding: 'utf8' });
  assert.equal(restored.status, 0, restored.stderr);
  assert.match(restored.stdout, /restored .* journal record \d+/);
  const again = await startAgent(fresh);
  try {
    const runs = await again.get<RunSummary[]>('/runs?limit=10000');
    const ids = new Set(runs.map((r) => r.runId));
    const missing = Array.from({ length: acknowledged }, (_, n) => `run-${n}`).filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], 'every run acknowledged before the backup');
    assert.ok((await again.get<IngestStatus>('/ingest')).eventsStored >= acknowledged);
    // A restore over a running agent is refused with a clear message.
    const refused = spawnSync(process.execPath, [GENMON_JS, 'restore', backup.file, '--data-dir', fresh.dataDir], { encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /is running .* stop it first/);
  } finally {
    await again.stop();
  }
  ws.dispose();
  fresh.dispose();
});
