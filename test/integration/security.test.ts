import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { discoveryPath } from '../../agent/api/discovery';
import { rawGet } from '../../agent/cli/client';
import { agentPerFile, spawnAgent } from './harness';

const ctx = agentPerFile();

function url(path = '/api/v1/summary'): string {
  return `${ctx.agent.discovery!.url}${path}`;
}

test('the right token is answered', async () => {
  const res = await rawGet(url(), { Authorization: `Bearer ${ctx.agent.discovery!.token}` });
  assert.equal(res.status, 200);
});

test('no token is refused', async () => {
  const res = await rawGet(url(), {});
  assert.equal(res.status, 401);
  assert.equal(JSON.parse(res.body).error, 'unauthorized');
});

test('a wrong token is refused, also on the push stream', async () => {
  for (const path of ['/api/v1/summary', '/api/v1/stream']) {
    const res = await rawGet(url(path), { Authorization: 'Bearer not-the-token' });
    assert.equal(res.status, 401, path);
  }
  const almost = ctx.agent.discovery!.token.slice(0, -1) + (ctx.agent.discovery!.token.endsWith('A') ? 'B' : 'A');
  assert.equal((await rawGet(url(), { Authorization: `Bearer ${almost}` })).status, 401);
});

test('a foreign Host is refused even with the token (DNS rebinding)', async () => {
  const res = await rawGet(url(), { Authorization: `Bearer ${ctx.agent.discovery!.token}`, Host: 'evil.example:80' });
  assert.equal(res.status, 403);
  assert.equal(JSON.parse(res.body).error, 'forbidden_host');
});

test('any Origin is refused even with the token (browser pages)', async () => {
  for (const origin of ['http://evil.example', ctx.agent.discovery!.url, 'null', 'vscode-webview://abc']) {
    const res = await rawGet(url(), { Authorization: `Bearer ${ctx.agent.discovery!.token}`, Origin: origin });
    assert.equal(res.status, 403, origin);
    assert.equal(res.body.includes('Access-Control'), false);
  }
});

test('the discovery file holding the token is readable by its owner only', () => {
  assert.equal(statSync(discoveryPath(ctx.ws.dataDir)).mode & 0o077, 0);
  assert.equal(statSync(ctx.ws.dataDir).mode & 0o077, 0);
});

test('bad query parameters get a clear 400', async () => {
  const res = await rawGet(url('/api/v1/runs?limit=abc'), { Authorization: `Bearer ${ctx.agent.discovery!.token}` });
  assert.equal(res.status, 400);
  assert.match(JSON.parse(res.body).message, /limit must be an integer/);
});

test('a second agent for the same data directory exits with a clear message', async () => {
  const second = spawnAgent(ctx.ws);
  const code = await second.waitExit();
  assert.equal(code, 3);
  assert.match(second.stderr, new RegExp(`another agent is running \\(pid ${ctx.agent.pid}\\) at ${ctx.agent.discovery!.url}`));
});
