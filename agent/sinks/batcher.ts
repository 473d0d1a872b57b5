/**
 * A bounded queue that sends items in batches: a batch goes when it is full
 * or `flushMs` after its first item, one request at a time, retried with
 * exponential backoff (honouring Retry-After) on network errors, 408, 429
 * and 5xx. Past `maxQueue` new items are dropped and counted. The timer is
 * armed only while items wait, so an idle agent never wakes for it.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SinkStatus } from '../api/types';

export interface BatcherOptions<T> {
  name: SinkStatus['name'];
  target: string;
  batchSize: number;
  flushMs: number;
  timeoutMs: number;
  retries: number;
  maxQueue: number;
  /** Sends one batch; resolves to the HTTP status (or throws on a network error). */
  send: (items: T[], timeoutMs: number) => Promise<{ status: number; retryAfterS: number | null }>;
  log: (message: string) => void;
  /** First retry delay, doubled each time. Default 500 ms. */
  backoffMs?: number;
}

export class Batcher<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private stopped = false;
  private readonly stats: SinkStatus;

  constructor(private readonly opts: BatcherOptions<T>) {
    this.stats = { name: opts.name, target: opts.target, sent: 0, failed: 0, dropped: 0, queued: 0, lastError: null, lastSentAt: null };
  }

  status(): SinkStatus {
    return { ...this.stats, queued: this.queue.length };
  }

  add(items: T[]): void {
    if (this.stopped) return;
    const room = Math.max(0, this.opts.maxQueue - this.queue.length);
    if (items.length > room) this.stats.dropped += items.length - room;
    if (room > 0) this.queue.push(...items.slice(0, room));
    if (this.queue.length >= this.opts.batchSize) this.kick();
    else if (!this.timer && this.queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, this.opts.flushMs);
      this.timer.unref();
    }
  }

  /** Sends what waits (one last try each), then stops taking items. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sending;
    while (this.queue.length > 0) await this.sendBatch(this.queue.splice(0, this.opts.batchSize), 0);
  }

  /** Resolves once everything queued now has been sent or given up on (tests). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.sending) {
      this.kick();
      await this.sending;
    }
  }

  private kick(): void {
    if (this.sending || this.queue.length === 0) return;
    this.sending = (async () => {
      while (this.queue.length > 0 && !this.stopped) {
        await this.sendBatch(this.queue.splice(0, this.opts.batchSize), this.opts.retries);
        if (this.queue.length < this.opts.batchSize) break;
      }
    })().finally(() => {
      this.sending = null;
      if (this.queue.length > 0 && !this.stopped) this.add([]);
    });
  }

  private async sendBatch(batch: T[], retries: number): Promise<void> {
    const backoff = this.opts.backoffMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      let wait = backoff * 2 ** attempt;
      try {
        const { status, retryAfterS } = await this.opts.send(batch, this.opts.timeoutMs);
        if (status >= 200 && status < 300) {
          this.stats.sent += batch.length;
          this.stats.lastSentAt = Date.now();
          return;
        }
        this.stats.lastError = `HTTP ${status}`;
        if (status < 500 && status !== 408 && status !== 429) break;
        if (retryAfterS !== null) wait = Math.max(wait, retryAfterS * 1000);
      } catch (err) {
        this.stats.lastError = (err as Error).message;
      }
      if (attempt >= retries || this.stopped) break;
      await new Promise((r) => setTimeout(r, Math.min(wait, 30_000)).unref());
    }
    this.stats.failed += batch.length;
    this.opts.log(`${this.opts.name} sink: ${batch.length} item(s) to ${this.opts.target} not delivered (${this.stats.lastError})`);
  }
}

/** POSTs a JSON body; the status and any Retry-After of the answer. */
export function postJson(url: URL, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; retryAfterS: number | null }> {
  const text = JSON.stringify(body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', timeout: timeoutMs, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => {
        const after = Number(res.headers['retry-after']);
        resolve({ status: res.statusCode ?? 0, retryAfterS: Number.isFinite(after) && after >= 0 ? after : null });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}
