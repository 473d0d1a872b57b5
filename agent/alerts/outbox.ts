/**
 * The outbox of notifications bound for the webhook and the log file. A
 * delivery is journaled as pending before it is sent, so an agent killed
 * mid-send sends it after its restart; a round of attempts that fails is
 * journaled as failed with its error and tried again later (1 min, doubling
 * up to 1 h), until it is delivered or a day old. Nothing is dropped unseen:
 * `GET /deliveries` shows every failure.
 */
import type { DeliveryView } from '../api/types';
import type { DeliveryResult } from './webhook';

export type Sender = (delivery: DeliveryView, payload: string) => Promise<DeliveryResult>;

export interface OutboxOptions {
  senders: Partial<Record<DeliveryView['channel'], Sender>>;
  /** Journals a delivery's new state. */
  record: (delivery: DeliveryView) => Promise<void>;
  log: (message: string) => void;
  now: () => number;
  /** Wait after the first failed round; doubled after each, up to 1 h. Default 60 s. */
  redeliverMs?: number;
  /** A delivery this old is given up (and stays recorded as failed). Default 24 h. */
  maxAgeMs?: number;
}

const HOUR = 3600_000;

export class Outbox {
  private readonly inFlight = new Set<string>();
  private readonly waiting = new Map<string, { delivery: DeliveryView; payload: string }>();
  private readonly rounds = new Map<string, number>();
  private stopped = false;

  constructor(private readonly opts: OutboxOptions) {}

  /** Sends a delivery that was just journaled as pending. */
  send(delivery: DeliveryView, payload: string): void {
    void this.attempt(delivery, payload);
  }

  /** After a restart: what was never delivered, sent again or scheduled. */
  resume(undelivered: readonly { delivery: DeliveryView; payload: string }[]): void {
    for (const item of undelivered) {
      if (item.delivery.status === 'pending') this.send(item.delivery, item.payload);
      else if (item.delivery.nextAttemptAt !== null) this.waiting.set(item.delivery.id, item);
    }
  }

  /** Starts the rounds that are due. */
  tick(): void {
    const now = this.opts.now();
    for (const [id, item] of [...this.waiting]) {
      if ((item.delivery.nextAttemptAt ?? Infinity) > now) continue;
      this.waiting.delete(id);
      void this.attempt(item.delivery, item.payload);
    }
  }

  /** Deliveries being sent or waiting for their next round. */
  get backlog(): number {
    return this.inFlight.size + this.waiting.size;
  }

  stop(): void {
    this.stopped = true;
    this.waiting.clear();
  }

  private async attempt(delivery: DeliveryView, payload: string): Promise<void> {
    if (this.inFlight.has(delivery.id) || this.stopped) return;
    this.inFlight.add(delivery.id);
    try {
      const sender = this.opts.senders[delivery.channel];
      const result: DeliveryResult = sender
        ? await sender(delivery, payload).catch((err: Error) => ({ ok: false, attempts: 1, status: null, error: err.message }))
        : { ok: false, attempts: 0, status: null, error: `the ${delivery.channel} channel is not configured` };
      if (this.stopped) return;
      const now = this.opts.now();
      const round = (this.rounds.get(delivery.id) ?? 0) + 1;
      let next: number | null = null;
      if (!result.ok && sender && now - delivery.createdAt < (this.opts.maxAgeMs ?? 24 * HOUR)) {
        next = now + Math.min((this.opts.redeliverMs ?? 60_000) * 2 ** (round - 1), HOUR);
      }
      const updated: DeliveryView = {
        ...delivery,
        status: result.ok ? 'delivered' : 'failed',
        attempts: delivery.attempts + result.attempts,
        lastError: result.ok ? null : result.error,
        updatedAt: now,
        deliveredAt: result.ok ? now : null,
        nextAttemptAt: next,
      };
      if (result.ok) this.rounds.delete(delivery.id);
      else {
        this.rounds.set(delivery.id, round);
        const when = next === null ? 'giving up' : `next try in ${Math.round((next - now) / 1000)} s`;
        this.opts.log(`${delivery.channel} delivery of "${delivery.title}" failed after ${updated.attempts} attempts: ${result.error}; ${when}`);
      }
      await this.opts.record(updated).catch((err: Error) => this.opts.log(`could not record a delivery: ${err.message}`));
      if (next !== null && !this.stopped) this.waiting.set(delivery.id, { delivery: updated, payload });
    } finally {
      this.inFlight.delete(delivery.id);
    }
  }
}
