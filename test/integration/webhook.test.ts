import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DeliveryView } from '../../agent/api/types';
import { eventually, line, startAgent, workspace } from './harness';

interface Received {
  body: { text: string; status: string; alerts: { labels: Record<string, string> }[]; blocks: unknown[] };
  delivery: string;
}

/** A webhook receiver on a fixed port, which the test stops and starts again. */
function receiver(port = 0): Promise<{ server: Server; port: number; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), delivery: String(req.headers['x-genmon-delivery']) });
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, got })));
}

const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

function newError(runId: string, message: string): string {
  return line({ run_id: runId, type: 'run.started' }) + line({ run_id: runId, type: 'error', category: 'generation', severity: 'error', message });
}

test('webhook: delivered to a local receiver; with the receiver down, retried, recorded as failed, kept across a kill -9, and delivered once it is back', async () => {
  const ws = workspace();
  const rules = join(ws.root, 'alerts.yaml');
  writeFileSync(rules, `route: { group_interval: 1s }
rules:
  - { name: NewErrorGroup, kind: new_error_group, severity: warning, title: "New error: {{category}}", body: "{{annotations.message}}" }
  - { name: NoSuccessfulGeneration, kind: no_success, window: 30m, enabled: false }
`);
  let up = await receiver();
  const port = up.port;
  const args = ['--rules', rules, '--webhook', `http://127.0.0.1:${port}/hook`, '--webhook-backoff', '50'];
  let agent = await startAgent(ws, args);
  try {
    const file = join(ws.logDir, 'runs.jsonl');
    appendFileSync(file, newError('w1', 'Model refused the prompt <!channel>'));
    await eventually(async () => up.got.length === 1, 'the first notification at the receiver');
    const first = up.got[0];
    assert.equal(first.body.status, 'firing');
    assert.equal(first.body.alerts[0].labels.alertname, 'NewErrorGroup');
    assert.match(first.body.text, /^New error: generation\nModel refused the prompt &lt;!channel&gt;$/, 'Slack text, escaped');
    assert.ok(Array.isArray(first.body.blocks));
    const delivered = await eventually(async () => (await agent.get<DeliveryView[]>('/deliveries?status=delivered')).find((d) => d.id === first.delivery), 'the delivery recorded');
    assert.equal(delivered.attempts, 1);

    await close(up.server);
    appendFileSync(file, newError('w2', 'Disk quota exceeded'));
    const failed = await eventually(async () => (await agent.get<DeliveryView[]>('/deliveries?status=failed'))[0], 'a recorded failure', 20_000);
    assert.equal(failed.attempts, 4, 'one round of 4 attempts');
    assert.match(failed.lastError ?? '', /ECONNREFUSED/);
    assert.ok(failed.nextAttemptAt !== null, 'another round is scheduled');
    assert.match(agent.stderr, /webhook delivery of "\[FIRING:2\] NewErrorGroup" failed after 4 attempts: connect ECONNREFUSED/);

    await agent.kill9();
    up = await receiver(port);
    agent = await startAgent(ws, args);
    const redelivered = await eventually(async () => (await agent.get<DeliveryView[]>('/deliveries?status=delivered')).find((d) => d.id === failed.id), 'the failed delivery made after the restart', 30_000);
    assert.ok(redelivered.attempts >= 5);
    assert.deepEqual(up.got.map((g) => g.delivery), [failed.id], 'received once');
    assert.match(up.got[0].body.text, /Disk quota exceeded/);
    assert.deepEqual(await agent.get<DeliveryView[]>('/deliveries?status=failed'), [], 'nothing left behind');
  } finally {
    await agent.stop();
    await close(up.server).catch(() => undefined);
    ws.dispose();
  }
});
