/**
 * Several windows share one agent: a window whose workspace the agent does
 * not follow yet asks it to (`POST /sources`), and the runs logged there
 * arrive like any other; what is not a directory of this user is refused.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { discoveryPath } from '../../agent/api/discovery';
import type { Actions, DiscoveryFile, Health, RunSummary } from '../../agent/api/types';
import { apiPost } from '../../agent/cli/client';
import { agentPerFile, eventually, line, openStream } from './harness';

const ctx = agentPerFile();
type Answer = Actions['/sources']['response'];

test('a second workspace added at run time: its runs arrive, /health and the discovery file list it, and adding it again changes nothing', async () => {
  const d = ctx.agent.discovery!;
  const other = join(ctx.ws.root, 'other-window', '.genmon', 'runs');
  mkdirSync(other, { recursive: true });
  // Lines written before the agent follows the directory are read too, from the start.
  appendFileSync(join(other, 'runs.jsonl'), line({ run_id: 'w2-early', type: 'run.started', app: 'second window' }));
  const stream = openStream(d);
  try {
    const answer = await apiPost<Answer>(d, '/sources', { dirs: [other, `${other}/`] });
    assert.deepEqual(answer, { logDirs: [ctx.ws.logDir, other], added: [other] });
    appendFileSync(join(other, 'runs.jsonl'), line({ run_id: 'w2-early', type: 'run.ended', status: 'success', duration_ms: 10 }));
    await stream.next((m) => m.type === 'run' && m.run.runId === 'w2-early' && m.run.status === 'success');
    const runs = await ctx.agent.get<RunSummary[]>('/runs?limit=10');
    assert.equal(runs.find((r) => r.runId === 'w2-early')?.app, 'second window');

    assert.deepEqual((await ctx.agent.get<Health>('/health')).logDirs, [ctx.ws.logDir, other]);
    const file = JSON.parse(readFileSync(discoveryPath(ctx.ws.dataDir), 'utf8')) as DiscoveryFile;
    assert.deepEqual(file.logDirs, [ctx.ws.logDir, other]);
    assert.equal(file.token, d.token, 'the rewritten discovery file keeps the token');

    assert.deepEqual(await apiPost<Answer>(d, '/sources', { dirs: [other, ctx.ws.logDir] }), { logDirs: [ctx.ws.logDir, other], added: [] });
  } finally {
    stream.close();
  }
});

test('a directory that does not exist yet is followed once it appears', async () => {
  const d = ctx.agent.discovery!;
  const later = join(ctx.ws.root, 'later', 'runs');
  const answer = await apiPost<Answer>(d, '/sources', { dirs: [later] });
  assert.deepEqual(answer.added, [later]);
  mkdirSync(later, { recursive: true });
  appendFileSync(join(later, 'a.jsonl'), line({ run_id: 'later-1', type: 'run.started', app: 'later' }));
  await eventually(async () => (await ctx.agent.get<RunSummary[]>('/runs?limit=20')).some((r) => r.runId === 'later-1'), 'the run in the directory made later');
});

test('refused with a 400 that says why: not a list, a relative path, a file, a NUL byte, too many at once; nothing is added', async () => {
  const d = ctx.agent.discovery!;
  const file = join(ctx.ws.root, 'not-a-dir');
  writeFileSync(file, 'x');
  const link = join(ctx.ws.root, 'link-to-file');
  symlinkSync(file, link);
  const before = (await ctx.agent.get<Health>('/health')).logDirs;
  const cases: [unknown, RegExp][] = [
    [{}, /dirs must be an array/],
    [{ dirs: 'x' }, /dirs must be an array/],
    [{ dirs: [] }, /dirs must be an array/],
    [{ dirs: ['relative/runs'] }, /relative\/runs\W{0,2} is not an absolute path/],
    [{ dirs: [file] }, /is not a directory/],
    [{ dirs: [link] }, /is not a directory/],
    [{ dirs: ['/tmp/a\u0000b'] }, /NUL byte/],
    [{ dirs: ['/'] }, /root of the filesystem/],
    [{ dirs: [homedir()] }, /home directory or above it/],
    [{ dirs: [42] }, /non-empty string/],
    [{ dirs: Array.from({ length: 65 }, (_, i) => `/tmp/genmon-nothing-${i}`) }, /1 to 64/],
  ];
  for (const [body, message] of cases) {
    await assert.rejects(apiPost(d, '/sources', body), (err: Error) => /: 400 /.test(err.message) && message.test(err.message), JSON.stringify(body));
  }
  assert.deepEqual((await ctx.agent.get<Health>('/health')).logDirs, before);
});

test('without the token the agent follows nothing new', async () => {
  const d = ctx.agent.discovery!;
  await assert.rejects(apiPost({ ...d, token: 'x'.repeat(43) }, '/sources', { dirs: [join(ctx.ws.root, 'sneaky')] }), /: 401 /);
  assert.ok(!(await ctx.agent.get<Health>('/health')).logDirs.some((p) => p.endsWith('sneaky')));
});
