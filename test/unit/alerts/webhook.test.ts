import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Notification } from '../../../agent/alerts/dispatch';
import { deliverWebhook, webhookPayload } from '../../../agent/alerts/webhook';

const notification: Notification = {
  groupKey: '{"alertname":"Failing"}',
  groupLabels: { alertname: 'Failing' },
  firing: [{ fingerprint: 'f', labels: { alertname: 'Failing' }, annotations: { summary: '<b>x</b>' }, status: 'firing', startsAt: 0, endsAt: null, value: 0.7 }],
  resolved: [],
  reason: 'new',
  at: 0,
};

/** A local receiver answering with the statuses given, in turn, and keeping the bodies. */
async function receiver(statuses: number[]): Promise<{ server: Server; url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(statuses[Math.min(bodies.length - 1, statuses.length - 1)]);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

const noWait = async () => undefined;

test('delivered: Slack-style text and blocks plus the generic alert list', async () => {
  const r = await receiver([200]);
  try {
    const result = await deliverWebhook({ url: r.url, sleep: noWait }, webhookPayload(notification, '[FIRING] Failing', 'failure rate 0.7'));
    assert.deepEqual(result, { ok: true, attempts: 1, status: 200, error: null });
    const body = r.bodies[0] as { text: string; status: string; alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] };
    assert.equal(body.text, '[FIRING] Failing\nfailure rate 0.7');
    assert.equal(body.status, 'firing');
    assert.equal(body.alerts[0].labels.alertname, 'Failing');
    assert.equal(body.alerts[0].annotations.summary, '<b>x</b>', 'sent as data, escaping is the receiver’s');
  } finally {
    r.server.close();
  }
});

test('a failing receiver is retried until it answers', async () => {
  const r = await receiver([503, 500, 200]);
  try {
    const result = await deliverWebhook({ url: r.url, sleep: noWait }, { text: 'x' });
    assert.deepEqual(result, { ok: true, attempts: 3, status: 200, error: null });
    assert.equal(r.bodies.length, 3);
  } finally {
    r.server.close();
  }
});

test('a receiver that is down: every attempt made, then a recorded failure', async () => {
  const r = await receiver([200]);
  const url = r.url;
  await new Promise((done) => r.server.close(done));
  const delays: number[] = [];
  const result = await deliverWebhook({ url, attempts: 3, backoffMs: 100, sleep: async (ms) => void delays.push(ms) }, { text: 'x' });
  assert.equal(result.ok, false);
  assert.equal(result.attempts, 3);
  assert.match(result.error ?? '', /ECONNREFUSED/);
  assert.deepEqual(delays, [100, 200]);
});

test('a 4xx that will not change is not retried; a bad URL is refused', async () => {
  const r = await receiver([404]);
  try {
    const result = await deliverWebhook({ url: r.url, sleep: noWait }, { text: 'x' });
    assert.deepEqual(result, { ok: false, attempts: 1, status: 404, error: 'HTTP 404' });
  } finally {
    r.server.close();
  }
  assert.match((await deliverWebhook({ url: 'file:///etc/passwd' }, {})).error ?? '', /only http and https/);
});

test('a receiver that never answers times out per attempt', async () => {
  const server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const result = await deliverWebhook({ url, attempts: 2, timeoutMs: 100, sleep: noWait }, { text: 'x' });
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /no answer within 100 ms/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
