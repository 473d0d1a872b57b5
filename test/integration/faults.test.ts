/**
 * Faults around the agent: a full or read-only disk under its data
 * directory (a real tmpfs, mounted when this runs as root; a read-only one
 * at start, as Linux will not remount a file system read-only under an
 * open journal), the log
 * directory deleted and made again, a log replaced by a directory or a link
 * loop, its port taken, a database from a newer version, several agents
 * started at once. The clock jumping is tested in the tailer's unit tests
 * (waits run on the monotonic clock).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import initSqlJs from 'sql.js';
import type { IngestStatus, RunSummary } from '../../agent/api/types';
import { SCHEMA_VERSION } from '../../agent/store/schema';
import { eventually, line, spawnAgent, startAgent, workspace, type AgentProcess, type Workspace } from './harness';

const stored = async (agent: AgentProcess) => (await agent.get<IngestStatus>('/ingest')).eventsStored;

function lines(prefix: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += line({ run_id: `${prefix}-${i}`, type: 'run.started', app: prefix });
  return out;
}

/** A small tmpfs as the data directory, when mounting is allowed (root on Linux); null otherwise. */
function smallDisk(ws: Workspace): (() => void) | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  mkdirSync(ws.dataDir, { recursive: true, mode: 0o700 });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', ws.dataDir]);
  if (mounted.status !== 0) return null;
  return () => spawnSync('umount', ['-l', ws.dataDir]);
}

async function integrityOf(path: string): Promise<string> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(path));
  try {
    return String(db.exec('PRAGMA integrity_check')[0].values[0][0]);
  } finally {
    db.close();
  }
}

test('a full data directory: a clear error, the API keeps answering, nothing lost or doubled once there is space again', async (t) => {
  const ws = workspace();
  const unmount = smallDisk(ws);
  if (!unmount) {
    t.skip('mounting a tmpfs needs root on Linux');
    ws.dispose();
    return;
  }
  let agent: AgentProcess | null = null;
  try {
    agent = await startAgent(ws);
    const file = join(ws.logDir, 'a.jsonl');
    appendFileSync(file, lines('before', 50));
    await eventually(async () => (await stored(agent!)) === 50, '50 lines');
    // Fill to the last byte (the agent runs as root here, so no reserved blocks help it).
    const filler = join(ws.dataDir, 'filler');
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    appendFileSync(file, lines('during', 200));
    await eventually(async () => /cannot store lines of .*a\.jsonl: could not write the journal: ENOSPC/.test(agent!.stderr), 'the error in the agent log');
    assert.equal(await stored(agent), 50, 'nothing half stored');
    assert.equal((await agent.get<RunSummary[]>('/runs?limit=1000')).length, 50, 'the API still answers');
    unlinkSync(filler);
    await eventually(async () => (await stored(agent!)) === 250, 'the lines written meanwhile', 20_000);
    assert.match(agent.stderr, /a\.jsonl: read and stored again/);
    await agent.stop();
    agent = null;
    assert.equal(await integrityOf(join(ws.dataDir, 'genmon.db')), 'ok');
    agent = await startAgent(ws);
    const runs = await agent.get<RunSummary[]>('/runs?limit=1000');
    assert.equal(runs.length, 250);
    assert.equal(new Set(runs.map((r) => r.runId)).size, 250);
    assert.equal(await stored(agent), 250, 'every line once, after a restart too');
  } finally {
    await agent?.stop();
    unmount();
    ws.dispose();
  }
});

test('a read-only data directory: the agent says so and exits without touching a file; writable again, it starts with its data', async (t) => {
  const ws = workspace();
  const unmount = smallDisk(ws);
  if (!unmount) {
    t.skip('mounting a tmpfs needs root on Linux');
    ws.dispose();
    return;
  }
  let agent: AgentProcess | null = null;
  try {
    agent = await startAgent(ws);
    appendFileSync(join(ws.logDir, 'a.jsonl'), lines('kept', 20));
    await eventually(async () => (await stored(agent!)) === 20, '20 lines');
    await agent.stop();
    agent = null;
    const before = readFileSync(join(ws.dataDir, 'genmon.db'));
    execFileSync('mount', ['-o', 'remount,ro', ws.dataDir]);
    const refused = spawnAgent(ws);
    assert.equal(await refused.waitExit(), 1);
    assert.match(refused.stderr, /could not start: EROFS: read-only file system/);
    execFileSync('mount', ['-o', 'remount,rw', ws.dataDir]);
    assert.deepEqual(readFileSync(join(ws.dataDir, 'genmon.db')), before);
    agent = await startAgent(ws);
    assert.equal(await stored(agent), 20);
  } finally {
    await agent?.stop();
    unmount();
    ws.dispose();
  }
});

test('the log directory deleted and made again: lines written into the new one arrive', async () => {
  const ws = workspace();
  const agent = await startAgent(ws);
  try {
    appendFileSync(join(ws.logDir, 'a.jsonl'), lines('old', 5));
    await eventually(async () => (await stored(agent)) === 5, 'the first lines');
    rmSync(ws.logDir, { recursive: true });
    await eventually(async () => true, 'a moment');
    mkdirSync(ws.logDir);
    appendFileSync(join(ws.logDir, 'b.jsonl'), lines('new', 7));
    await eventually(async () => (await stored(agent)) === 12, 'the lines in the new directory');
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('a log replaced by a directory, and a link loop among the logs: named, not fatal, other logs go on', async () => {
  const ws = workspace();
  const agent = await startAgent(ws);
  try {
    const a = join(ws.logDir, 'a.jsonl');
    appendFileSync(a, lines('a', 3));
    await eventually(async () => (await stored(agent)) === 3, 'the first lines');
    unlinkSync(a);
    mkdirSync(a);
    appendFileSync(join(a, 'inner.jsonl'), lines('inner', 2));
    symlinkSync('loop.jsonl', join(ws.logDir, 'loop.jsonl'));
    appendFileSync(join(ws.logDir, 'b.jsonl'), lines('b', 4));
    await eventually(async () => (await stored(agent)) === 9, 'the other logs');
    await eventually(async () => /not following .*loop\.jsonl: it is a link that cannot be followed \(ELOOP\)/.test(agent.stderr), 'the loop named');
    assert.equal(agent.child.exitCode, null, 'still running');
  } finally {
    await agent.stop();
    ws.dispose();
  }
});

test('the port taken by another program: a clear message and exit code 4, and the data directory is left free', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const ws = workspace();
  try {
    const agent = spawnAgent(ws, ['--port', String(port)]);
    assert.equal(await agent.waitExit(), 4);
    assert.match(agent.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken by another program; choose another with --port N, or --port 0`));
    assert.equal(existsSync(join(ws.dataDir, 'agent.lock')), false, 'the lock was released');
    const next = await startAgent(ws);
    await next.stop();
  } finally {
    server.close();
    ws.dispose();
  }
});

test('a database from a newer schema version: refused with a clear message, left exactly as it was', async () => {
  const ws = workspace();
  try {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '${SCHEMA_VERSION + 1}'), ('last_seq', '7');`);
    const image = Buffer.from(db.export());
    db.close();
    mkdirSync(ws.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(ws.dataDir, 'genmon.db'), image);
    const agent = spawnAgent(ws);
    assert.equal(await agent.waitExit(), 1);
    assert.match(agent.stderr, new RegExp(`database schema version ${SCHEMA_VERSION + 1} is newer than this agent supports \\(${SCHEMA_VERSION}\\); upgrade Genmon or point --db elsewhere`));
    assert.deepEqual(readFileSync(join(ws.dataDir, 'genmon.db')), image, 'not migrated, not downgraded');
    assert.deepEqual(readdirSync(ws.dataDir).filter((n) => n.startsWith('genmon.db')).sort(), ['genmon.db'], 'not moved aside, no other generation written');
  } finally {
    ws.dispose();
  }
});

test('agents started at once, also over a stale lock: exactly one serves, the others say who does', async () => {
  const ws = workspace();
  try {
    for (let round = 0; round < 4; round++) {
      mkdirSync(ws.dataDir, { recursive: true, mode: 0o700 });
      if (round % 2 === 1) writeFileSync(join(ws.dataDir, 'agent.lock'), '4000000');
      const agents = Array.from({ length: 5 }, () => spawnAgent(ws));
      const winner = await eventually(async () => {
        const d = JSON.parse(readFileSync(join(ws.dataDir, 'agent.json'), 'utf8')) as { pid: number };
        return agents.find((a) => a.pid === d.pid);
      }, 'one agent serving', 30_000);
      const others = agents.filter((a) => a !== winner);
      const codes = await Promise.all(others.map((a) => a.waitExit()));
      assert.deepEqual(codes, [3, 3, 3, 3], `round ${round}`);
      for (const o of others) assert.match(o.stderr, new RegExp(`another agent is running \\(pid ${winner.pid}\\)`));
      assert.equal(winner.child.exitCode, null);
      await winner.stop();
    }
  } finally {
    ws.dispose();
  }
});
