/**
 * The webhook channel: POSTs a notification as JSON that both Slack-style
 * incoming webhooks (`text`, `blocks`) and generic receivers (`status`,
 * `alerts`, Alertmanager's field names) understand. Retries with exponential
 * backoff and a timeout per attempt; the outcome of every delivery is
 * returned so the caller records it (a failure is kept, never dropped).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Notification } from './dispatch';

export interface WebhookOptions {
  url: string;
  /** Attempts in all, the first included. Default 4. */
  attempts?: number;
  /** Per attempt. Default 5 s. */
  timeoutMs?: number;
  /** First retry delay, doubled each time. Default 1 s. */
  backoffMs?: number;
  headers?: Record<string, string>;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

/** Slack reads `text` as mrkdwn: `<!channel>` or `<url|label>` from a log line must stay text. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function webhookPayload(n: Notification, title: string, text: string): Record<string, unknown> {
  const status = n.firing.length > 0 ? 'firing' : 'resolved';
  return {
    text: slackEscape(`${title}\n${text}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'plain_text', text: (text || ' ').slice(0, 2900) } },
    ],
    version: '4',
    status,
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    reason: n.reason,
    alerts: [...n.firing, ...n.resolved].map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === null ? null : new Date(a.endsAt).toISOString(),
      fingerprint: a.fingerprint,
      value: a.value,
    })),
  };
}

function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'POST', timeout: timeoutMs, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function deliverWebhook(opts: WebhookOptions, payload: unknown): Promise<DeliveryResult> {
  let url: URL;
  try {
    url = new URL(opts.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http and https webhooks are supported');
  } catch (err) {
    return { ok: false, attempts: 0, status: null, error: `bad webhook URL: ${(err as Error).message}` };
  }
  const attempts = opts.attempts ?? 4;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const body = JSON.stringify(payload);
  let last: DeliveryResult = { ok: false, attempts: 0, status: null, error: null };
  for (let i = 1; i <= attempts; i++) {
    try {
      const status = await post(url, body, opts.headers ?? {}, opts.timeoutMs ?? 5000);
      if (status >= 200 && status < 300) return { ok: true, attempts: i, status, error: null };
      last = { ok: false, attempts: i, status, error: `HTTP ${status}` };
      // A 4xx other than 408/429 will not get better by asking again.
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) return last;
    } catch (err) {
      last = { ok: false, attempts: i, status: null, error: (err as Error).message };
    }
    if (i < attempts) await sleep((opts.backoffMs ?? 1000) * 2 ** (i - 1));
  }
  return last;
}
