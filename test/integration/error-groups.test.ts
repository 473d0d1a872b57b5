import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ErrorGroup, PushMessage } from '../../agent/api/types';
import { apiPost, rawRequest } from '../../agent/cli/client';
import { agentPerFile, eventually, line, openStream, startAgent } from './harness';

const ctx = agentPerFile();

const stack = (dir: string) => `Error: boom\n    at deploy (${dir}/deploy.ts:10:3)\n    at main (${dir}/main.ts:2:1)`;

function failingRun(runId: string, message: string, dir: string, user: string): string {
  return (
    line({ run_id: runId, type: 'run.started', user_id: user, template: 'next' }) +
    line({ run_id: runId, type: 'error', category: 'deployment', severity: 'error', message, stack: stack(dir), phase: 'deployment' }) +
    line({ run_id: runId, type: 'run.ended', status: 'failed', duration_ms: 100 })
  );
}

test('errors differing only in ids group together; the user resolves the group; it comes back regressed', async () => {
  const file = join(ctx.ws.logDir, 'g.jsonl');
  appendFileSync(file, failingRun('r1', 'Upload of bundle 8f3a9c21d4 failed after 3 retries', '/home/a', 'u1'));
  appendFileSync(file, failingRun('r2', 'Upload of bundle 77aa0b19ce failed after 5 retries', '/srv/b', 'u2'));
  appendFileSync(file, failingRun('r3', 'Out of disk space', '/srv/b', 'u2'));
  const groups = await eventually(async () => {
    const g = await ctx.agent.get<ErrorGroup[]>('/errors/groups');
    return g.length === 2 && g.reduce((n, x) => n + x.count, 0) === 3 ? g : null;
  }, 'two groups');
  const upload = groups.find((g) => g.message.startsWith('Upload'))!;
  assert.equal(upload.count, 2);
  assert.equal(upload.runsAffected, 2);
  assert.equal(upload.usersAffected, 2);
  assert.deepEqual(upload.phases, ['deployment']);
  assert.deepEqual(upload.templates, ['next']);
  assert.equal(upload.status, 'new');

  const stream = openStream(ctx.agent.discovery!);
  const resolved = await apiPost<ErrorGroup>(ctx.agent.discovery!, `/errors/groups/${upload.fingerprint}/status`, { status: 'resolved' });
  assert.equal(resolved.status, 'resolved');
  assert.ok(resolved.resolvedAt);
  await stream.next((m: PushMessage) => m.type === 'errorGroup' && m.group.status === 'resolved');
  stream.close();

  appendFileSync(file, failingRun('r4', 'Upload of bundle 0000ffff12 failed after 1 retries', '/x', 'u3'));
  const regressed = await eventually(async () => {
    const g = (await ctx.agent.get<ErrorGroup[]>('/errors/groups')).find((x) => x.fingerprint === upload.fingerprint);
    return g?.status === 'regressed' ? g : null;
  }, 'the group to regress');
  assert.equal(regressed.reopenCount, 1);
  assert.equal(regressed.count, 3);
});

test('a status change survives a restart (it is journaled)', async () => {
  const [group] = await ctx.agent.get<ErrorGroup[]>('/errors/groups?status=regressed');
  await apiPost(ctx.agent.discovery!, `/errors/groups/${group.fingerprint}/status`, { status: 'ignored' });
  await ctx.agent.kill9();
  ctx.agent = await startAgent(ctx.ws);
  const after = (await ctx.agent.get<ErrorGroup[]>('/errors/groups')).find((g) => g.fingerprint === group.fingerprint);
  assert.equal(after?.status, 'ignored');
});

test('actions refuse bad bodies, wrong content types and browser origins', async () => {
  const [group] = await ctx.agent.get<ErrorGroup[]>('/errors/groups');
  const url = `${ctx.agent.discovery!.url}/api/v1/errors/groups/${group.fingerprint}/status`;
  const auth = { Authorization: `Bearer ${ctx.agent.discovery!.token}` };
  assert.equal((await rawRequest('POST', url, { ...auth, 'Content-Type': 'application/json' }, '{"status":"fixed"}')).status, 400);
  assert.equal((await rawRequest('POST', url, { ...auth, 'Content-Type': 'application/json' }, '{oops')).status, 400);
  assert.equal((await rawRequest('POST', url, { ...auth, 'Content-Type': 'text/plain' }, '{"status":"resolved"}')).status, 415);
  assert.equal((await rawRequest('POST', url, { ...auth, 'Content-Type': 'application/json', Origin: 'http://evil.example' }, '{"status":"resolved"}')).status, 403);
  assert.equal((await rawRequest('POST', url, { 'Content-Type': 'application/json' }, '{"status":"resolved"}')).status, 401);
  const big = JSON.stringify({ status: 'resolved', pad: 'x'.repeat(100_000) });
  assert.equal((await rawRequest('POST', url, { ...auth, 'Content-Type': 'application/json' }, big)).status, 413);
  assert.equal((await rawRequest('POST', `${ctx.agent.discovery!.url}/api/v1/errors/groups/nope/status`, { ...auth, 'Content-Type': 'application/json' }, '{"status":"resolved"}')).status, 404);
  assert.equal((await rawRequest('GET', url, auth)).status, 405);
});
