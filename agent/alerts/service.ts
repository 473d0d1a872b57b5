/**
 * Alerting inside the agent: rules evaluated shortly after every commit and
 * every few seconds, transitions and grouped notifications pushed on the
 * stream (and to a webhook), and the whole state journaled after each change
 * so a restart neither repeats nor loses a notification.
 */
import type { AlertNotification, AlertView, PushMessage } from '../api/types';
import type { Store } from '../store/store';
import { Dispatcher, type GroupState, type Notification } from './dispatch';
import { AlertEngine, type Evaluator, type TrackedAlert } from './engine';
import type { AlertRule } from './rules-file';
import { deliverWebhook, webhookPayload, type WebhookOptions } from './webhook';

export interface AlertServiceOptions {
  rules: AlertRule[];
  evaluator: Evaluator;
  store: Store;
  push: (m: PushMessage) => void;
  log: (m: string) => void;
  now?: () => number;
  webhook?: WebhookOptions;
  /** Evaluation after a commit waits this long to take in the rest of a burst. Default 100 ms. */
  settleMs?: number;
  /** Evaluation at least this often (time-based rules). Default 5 s. */
  everyMs?: number;
}

interface SavedState {
  alerts: [string, TrackedAlert][];
  groups: GroupState[];
}

export const ROUTE = { groupBy: ['alertname'], groupWaitMs: 200, groupIntervalMs: 60_000, repeatIntervalMs: 4 * 3600_000 };

export function toView(fingerprint: string, a: TrackedAlert): AlertView {
  return {
    fingerprint,
    rule: a.rule,
    labels: a.labels,
    annotations: a.annotations,
    state: a.state.phase === 'firing' ? 'firing' : 'pending',
    activeAt: a.state.activeAt,
    firedAt: a.state.firedAt,
    value: a.state.value,
  };
}

function toMessage(n: Notification): AlertNotification {
  return {
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    firing: n.firing.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, value: a.value })),
    resolved: n.resolved.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt })),
    reason: n.reason,
    at: n.at,
  };
}

export class AlertService {
  private readonly engine = new AlertEngine();
  private readonly dispatcher = new Dispatcher(ROUTE);
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: AlertServiceOptions) {
    const saved = opts.store.st.one<{ value: string }>("SELECT value FROM meta WHERE key = 'alert_state'");
    if (saved) {
      try {
        const state = JSON.parse(saved.value) as SavedState;
        this.engine.restore(state.alerts);
        this.dispatcher.restore(state.groups);
      } catch (err) {
        opts.log(`alert state could not be read, starting afresh: ${(err as Error).message}`);
      }
    }
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  start(): void {
    this.timer = setInterval(() => this.evaluate(), this.opts.everyMs ?? 5000).unref();
    this.evaluateSoon();
  }

  /** After a commit: evaluate once the burst has settled. */
  evaluateSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      this.evaluate();
    }, this.opts.settleMs ?? 100);
    this.soon.unref();
  }

  active(): AlertView[] {
    return this.engine.snapshot().map(([fp, a]) => toView(fp, a));
  }

  private evaluate(): void {
    if (this.stopped) return;
    const now = this.now();
    let changed = false;
    try {
      for (const change of this.engine.evaluate(this.opts.rules, this.opts.evaluator, now)) {
        changed = true;
        this.opts.push({ type: 'alert', alert: toView(change.instance.fingerprint, change.alert), transition: change.transition.kind });
        this.dispatcher.receive(change.instance, now);
      }
      // Pending alerts come and go without notifications, but their state is shown.
      changed = this.flush(now) || changed;
    } catch (err) {
      this.opts.log(`alert evaluation failed: ${(err as Error).message}`);
    }
    if (changed) this.persist(now);
    this.scheduleFlush();
  }

  private flush(now: number): boolean {
    const sent = this.dispatcher.flush(now);
    for (const n of sent) {
      this.opts.push({ type: 'notification', notification: toMessage(n) });
      if (this.opts.webhook) void this.sendWebhook(n);
    }
    return sent.length > 0;
  }

  private scheduleFlush(): void {
    const due = this.dispatcher.nextDueAt();
    if (due === null || this.stopped) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const now = this.now();
      if (this.flush(now)) this.persist(now);
      this.scheduleFlush();
    }, Math.max(0, due - this.now()));
    this.flushTimer.unref();
  }

  private persist(at: number): void {
    const state: SavedState = { alerts: this.engine.snapshot(), groups: this.dispatcher.snapshot() };
    void this.opts.store
      .commit([{ header: { kind: 'alertState', at }, body: Buffer.from(JSON.stringify(state)) }])
      .catch((err: Error) => this.opts.log(`could not save the alert state: ${err.message}`));
  }

  private async sendWebhook(n: Notification): Promise<void> {
    const title = `[${n.firing.length > 0 ? 'FIRING' : 'RESOLVED'}] ${Object.values(n.groupLabels).join(' ')}`;
    const text = [...n.firing, ...n.resolved].map((a) => a.annotations.summary ?? a.annotations.message ?? a.labels.alertname).join('\n');
    const result = await deliverWebhook(this.opts.webhook!, webhookPayload(n, title, text));
    if (!result.ok) this.opts.log(`webhook delivery failed after ${result.attempts} attempts: ${result.error}`);
  }

  stop(): void {
    this.stopped = true;
    for (const t of [this.timer, this.soon, this.flushTimer]) if (t) clearTimeout(t);
  }
}
