/**
 * Alerting inside the agent: rules evaluated shortly after every commit and
 * every few seconds; transitions, incidents, silences, acknowledgements and
 * action outcomes journaled together with the engine's state; and only then
 * pushed on the stream and handed to the webhook and log-file outbox. Steps
 * run one at a time, so an API action never interleaves with an evaluation.
 */
import { randomUUID } from 'node:crypto';
import type { ActionOutcome, ActionView, AlertView, DeliveryView, IncidentSummary, PushMessage, SilenceView } from '../api/types';
import { AlertingQueries } from '../store/alerting-queries';
import { encodeAlerting, type AlertingRecord, type StoredSilence } from '../store/alerting-apply';
import type { Store } from '../store/store';
import { ActionDesk, Refused } from './action-desk';
import { Dispatcher, type AlertInstance, type GroupState } from './dispatch';
import { Effects } from './effects';
import { AlertEngine, type AlertChange, type Evaluator, type TrackedAlert } from './engine';
import { dueEscalation, raise } from './escalation';
import { IncidentBook } from './incidents';
import { appendToLog } from './log-channel';
import { formatMatcher, parseMatcher, type Labels } from './matchers';
import { intervalMap, isMuted, muteReason, NOT_MUTED, toSilence, type MuteReason } from './muting';
import { routeNotification, type RouteContext } from './notify';
import { Outbox } from './outbox';
import type { AlertRule, PipelineSettings } from './rules-file';
import type { Silence } from './silences';
import type { ChannelName } from './templates';
import { deliverWebhook, type WebhookOptions } from './webhook';

export interface AlertServiceOptions {
  rules: AlertRule[];
  settings: PipelineSettings;
  /** The rules file the rules came from, recorded on the actions it declares. */
  rulesFile: string | null;
  evaluator: Evaluator;
  store: Store;
  push: (m: PushMessage) => void;
  log: (m: string) => void;
  now?: () => number;
  webhook?: WebhookOptions & { redeliverMs?: number };
  /** Where the log-file channel appends notifications; null: no log file. */
  logFile?: string | null;
  /** Evaluation after a commit waits this long to take in the rest of a burst. Default 100 ms. */
  settleMs?: number;
  /** Evaluation at least this often (time-based rules). Default 5 s. */
  everyMs?: number;
}

const HOUR = 3600_000;
/** Delivered notifications and ended silences are kept this long. */
const KEEP_MS = 7 * 24 * HOUR;

interface SavedState {
  alerts: [string, TrackedAlert][];
  groups: GroupState[];
}

export function silenceView(s: StoredSilence, now: number): SilenceView {
  return { ...s, state: now >= s.endsAt ? 'expired' : now < s.startsAt ? 'pending' : 'active' };
}

export class AlertService {
  private readonly engine = new AlertEngine();
  private readonly dispatcher: Dispatcher;
  private readonly queries: AlertingQueries;
  private readonly incidents: IncidentBook;
  private readonly actions: ActionDesk;
  private readonly outbox: Outbox;
  private rules: AlertRule[];
  private settings: PipelineSettings;
  private rulesByName = new Map<string, AlertRule>();
  private intervals = intervalMap([]);
  private stored: StoredSilence[];
  private silences: Silence[];
  private firing: Labels[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private queued = false;
  /** How long the last evaluation after a commit took; the next one waits at least four times that. */
  private lastEvaluationMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private prunedAt = 0;

  constructor(private readonly opts: AlertServiceOptions) {
    this.queries = new AlertingQueries(opts.store.st);
    this.rules = opts.rules;
    this.settings = opts.settings;
    this.configure(opts.rules, opts.settings);
    this.dispatcher = new Dispatcher(opts.settings.route, (a, now) => isMuted(this.mute(a.labels, now)));
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
    this.refreshFiring();
    this.stored = this.queries.silences();
    this.silences = this.stored.map(toSilence);
    this.incidents = new IncidentBook(this.queries.incidents({ status: 'open', limit: 10_000 }), this.queries.lastIncidentId(), opts.settings.incidents);
    this.actions = new ActionDesk(this.queries, opts.rulesFile);
    const webhook = opts.webhook;
    this.outbox = new Outbox({
      senders: {
        webhook: webhook ? (d, payload) => deliverWebhook({ ...webhook, headers: { ...webhook.headers, 'X-Genmon-Delivery': d.id } }, JSON.parse(payload)) : undefined,
        log_file: opts.logFile ? (_d, payload) => appendToLog(opts.logFile!, payload) : undefined,
      },
      record: (delivery) => this.step((_now, fx) => void fx.ops.push({ op: 'delivery.put', delivery })),
      log: opts.log,
      now: () => this.now(),
      redeliverMs: webhook?.redeliverMs,
    });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private configure(rules: AlertRule[], settings: PipelineSettings): void {
    this.rules = rules;
    this.settings = settings;
    this.rulesByName = new Map(rules.map((r) => [r.name, r]));
    this.intervals = intervalMap(settings.timeIntervals);
  }

  /** New rules and settings (the rules file changed); alerts of removed rules resolve. */
  reload(rules: AlertRule[], settings: PipelineSettings): Promise<void> {
    return this.step(() => {
      this.configure(rules, settings);
      this.dispatcher.retime(settings.route);
      this.incidents.configure(settings.incidents);
    }).then(() => this.evaluateSoon());
  }

  start(): void {
    this.timer = setInterval(() => {
      this.outbox.tick();
      this.evaluateSoon();
    }, this.opts.everyMs ?? 5000).unref();
    this.outbox.resume(this.queries.undelivered());
    this.evaluateSoon();
  }

  /** After a commit: evaluate once the burst has settled. */
  evaluateSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      if (this.queued) return;
      this.queued = true;
      void this.step((now, fx) => {
        this.queued = false;
        const t0 = performance.now();
        this.evaluate(now, fx);
        this.lastEvaluationMs = performance.now() - t0;
      })
        .catch((err: Error) => this.opts.log(`alert evaluation failed: ${err.message}`))
        .finally(() => this.scheduleFlush());
      // Under heavy ingest an evaluation reads many rows: keep it to a fifth of the time, or it starves ingest.
    }, Math.max(this.opts.settleMs ?? 100, this.lastEvaluationMs * 4));
    this.soon.unref();
  }

  /** One evaluation now (the timers call it; tests with a fake clock call it directly). */
  tick(): Promise<void> {
    return this.step((now, fx) => this.evaluate(now, fx));
  }

  /** Runs one step alone: its changes journaled in one record, then pushed and delivered. */
  private step<T>(fn: (now: number, fx: Effects) => T): Promise<T> {
    const run = this.chain.then(async () => {
      if (this.stopped) throw new Error('alerting has stopped');
      const now = this.now();
      const fx = new Effects();
      const result = fn(now, fx);
      if (fx.stateChanged || fx.ops.length > 0) {
        const record: AlertingRecord = { ops: fx.ops };
        if (fx.stateChanged) record.state = { alerts: this.engine.snapshot(), groups: this.dispatcher.snapshot() } satisfies SavedState;
        await this.opts.store.commit([{ header: { kind: 'alerting', at: now }, body: encodeAlerting(record) }]);
      }
      for (const m of fx.pushes) this.opts.push(m);
      for (const d of fx.deliveries) this.outbox.send(d.delivery, d.payload);
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private refreshFiring(): void {
    this.firing = this.engine.active().filter((a) => a.state.phase === 'firing').map((a) => a.labels);
  }

  private mute(labels: Labels, now: number): MuteReason {
    const ctx = { silences: this.silences, settings: this.settings, intervals: this.intervals, firing: this.firing, rule: (n: string) => this.rulesByName.get(n) };
    return muteReason(labels, ctx, now);
  }

  private view(fp: string, a: TrackedAlert, now: number): AlertView {
    const rule = this.rulesByName.get(a.rule);
    const mute = a.state.phase === 'firing' ? this.mute(a.labels, now) : NOT_MUTED;
    return {
      fingerprint: fp,
      rule: a.rule,
      labels: a.labels,
      annotations: a.annotations,
      state: a.state.phase === 'firing' ? 'firing' : 'pending',
      activeAt: a.state.activeAt,
      firedAt: a.state.firedAt,
      value: a.state.value,
      severity: a.escalation?.severity ?? rule?.severity ?? ((a.labels.severity as AlertView['severity'] | undefined) ?? 'warning'),
      escalations: a.escalation ? a.escalation.step + 1 : 0,
      acknowledgedAt: a.ack?.at ?? null,
      acknowledgedBy: a.ack?.by ?? null,
      ...mute,
      incidentId: a.incidentId ?? null,
    };
  }

  private routeContext(now: number): RouteContext {
    const configured: ChannelName[] = ['vscode'];
    if (this.opts.webhook) configured.push('webhook');
    if (this.opts.logFile) configured.push('log_file');
    return { rule: (n) => this.rulesByName.get(n), settings: this.settings, configured, now };
  }

  private evaluate(now: number, fx: Effects): void {
    const changes = this.engine.evaluate(this.rules, this.opts.evaluator, now);
    this.refreshFiring();
    for (const change of changes) this.apply(change, now, fx);
    this.escalate(now, fx);
    this.flush(now, fx);
    this.incidents.autoResolve(now, fx);
    this.actions.expire(now, fx);
    this.prune(now, fx);
  }

  /** Hourly: delivered notifications and silences that ended a week ago are dropped. */
  private prune(now: number, fx: Effects): void {
    if (now - this.prunedAt < HOUR) return;
    this.prunedAt = now;
    const before = now - KEEP_MS;
    fx.ops.push({ op: 'delivery.prune', before }, { op: 'silence.prune', before });
    this.stored = this.stored.filter((s) => s.endsAt >= before);
    this.silences = this.stored.map(toSilence);
  }

  private apply(change: AlertChange, now: number, fx: Effects): void {
    fx.stateChanged = true;
    const fp = change.fingerprint;
    const rule = this.rulesByName.get(change.alert.rule);
    if (change.instance) this.dispatcher.receive(change.instance, now);
    if (change.transition.kind === 'firing') {
      const severity = rule?.severity ?? 'warning';
      const joined = this.incidents.onFiring({ fingerprint: fp, rule: change.alert.rule, labels: change.alert.labels, severity, summary: change.alert.annotations.summary ?? change.alert.annotations.message ?? null }, now, fx);
      if (joined) {
        this.engine.update(fp, { incidentId: joined.incident.id });
        if (rule) this.actions.request(rule, fp, joined.incident, now, fx);
      }
    } else if (change.transition.kind === 'resolved') {
      this.incidents.onResolved(fp, change.alert.rule, now, fx);
    }
    const tracked = this.engine.get(fp) ?? change.alert;
    fx.pushes.push({ type: 'alert', alert: this.view(fp, tracked, now), transition: change.transition.kind });
  }

  /** Firing, unacknowledged, unmuted alerts past an escalation step: raised and sent to more channels at once. */
  private escalate(now: number, fx: Effects): void {
    for (const [fp, a] of this.engine.snapshot()) {
      if (a.state.phase !== 'firing' || a.state.firedAt === null) continue;
      const rule = this.rulesByName.get(a.rule);
      const steps = rule?.escalation ?? this.settings.escalation;
      if (!rule || steps.length === 0 || isMuted(this.mute(a.labels, now))) continue;
      const due = dueEscalation(steps, { firedAt: a.state.firedAt, acknowledgedAt: a.ack?.at ?? null, step: a.escalation?.step ?? -1 }, now);
      if (!due) continue;
      const severity = raise(a.escalation?.severity ?? rule.severity, due.step.severity);
      this.engine.update(fp, { escalation: { step: due.index, severity } });
      fx.stateChanged = true;
      if (this.incidents.of(fp)) this.incidents.onEscalated(fp, a.rule, severity, now, fx);
      else {
        const joined = this.incidents.onFiring({ fingerprint: fp, rule: a.rule, labels: a.labels, severity, summary: a.annotations.summary ?? null }, now, fx);
        if (joined) {
          this.engine.update(fp, { incidentId: joined.incident.id });
          this.actions.request(rule, fp, joined.incident, now, fx);
        }
      }
      const instance: AlertInstance = { fingerprint: fp, labels: { ...a.labels, severity }, annotations: a.annotations, status: 'firing', startsAt: a.state.firedAt, endsAt: null, value: a.state.value };
      routeNotification({ groupKey: `escalation:${fp}`, groupLabels: { alertname: a.rule }, firing: [instance], resolved: [], reason: 'escalated', at: now }, this.routeContext(now), fx, due.step.channels);
      fx.pushes.push({ type: 'alert', alert: this.view(fp, this.engine.get(fp)!, now), transition: 'changed' });
    }
  }

  private flush(now: number, fx: Effects): void {
    for (const n of this.dispatcher.flush(now)) {
      fx.stateChanged = true;
      routeNotification(n, this.routeContext(now), fx);
    }
  }

  private scheduleFlush(): void {
    const due = this.dispatcher.nextDueAt();
    if (due === null || this.stopped) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.step((now, fx) => this.flush(now, fx))
        .catch((err: Error) => this.opts.log(`alert notification failed: ${err.message}`))
        .finally(() => this.scheduleFlush());
    }, Math.max(0, due - this.now()));
    this.flushTimer.unref();
  }

  active(): AlertView[] {
    const now = this.now();
    return this.engine.snapshot().map(([fp, a]) => this.view(fp, a, now));
  }

  silenceViews(): SilenceView[] {
    const now = this.now();
    return this.stored.map((s) => silenceView(s, now));
  }

  createSilence(req: { matchers: string[]; startsAt?: number; endsAt?: number; durationMs?: number; comment?: string; createdBy?: string }): Promise<SilenceView> {
    let matchers: string[];
    try {
      matchers = req.matchers.map((m) => formatMatcher(parseMatcher(m)));
    } catch (err) {
      return Promise.reject(new Refused(400, (err as Error).message));
    }
    if (matchers.length === 0) return Promise.reject(new Refused(400, 'a silence needs at least one matcher'));
    return this.step((now, fx) => {
      const startsAt = req.startsAt ?? now;
      const endsAt = req.endsAt ?? startsAt + (req.durationMs ?? HOUR);
      if (endsAt <= startsAt || endsAt <= now) throw new Refused(400, 'a silence must end after it starts and in the future');
      const silence: StoredSilence = { id: randomUUID(), matchers, startsAt, endsAt, createdBy: (req.createdBy ?? 'api').slice(0, 200), comment: (req.comment ?? '').slice(0, 2000), createdAt: now };
      this.putSilence(silence, now, fx);
      return silenceView(silence, now);
    });
  }

  expireSilence(id: string): Promise<SilenceView> {
    return this.step((now, fx) => {
      const s = this.stored.find((x) => x.id === id);
      if (!s) throw new Refused(404, 'no silence with that id');
      if (s.endsAt <= now) return silenceView(s, now);
      const expired = { ...s, startsAt: Math.min(s.startsAt, now), endsAt: now };
      this.putSilence(expired, now, fx);
      return silenceView(expired, now);
    });
  }

  private putSilence(s: StoredSilence, now: number, fx: Effects): void {
    this.stored = [...this.stored.filter((x) => x.id !== s.id), s];
    this.silences = this.stored.map(toSilence);
    fx.ops.push({ op: 'silence.put', silence: s });
    fx.pushes.push({ type: 'silence', silence: silenceView(s, now) });
  }

  acknowledge(fingerprints: string[], by: string): Promise<AlertView[]> {
    return this.step((now, fx) => {
      const out: AlertView[] = [];
      for (const fp of fingerprints) {
        const a = this.engine.get(fp);
        if (!a || a.state.phase !== 'firing') continue;
        if (!a.ack) {
          this.engine.update(fp, { ack: { at: now, by } });
          this.incidents.onAcknowledged(fp, a.rule, by, now, fx);
          fx.stateChanged = true;
        }
        const view = this.view(fp, this.engine.get(fp)!, now);
        fx.pushes.push({ type: 'alert', alert: view, transition: 'changed' });
        out.push(view);
      }
      if (out.length === 0) throw new Refused(404, 'none of those alerts is firing');
      return out;
    });
  }

  private incident(id: number): IncidentSummary {
    const found = this.incidents.get(id) ?? this.queries.incident(id);
    if (!found) throw new Refused(404, `no incident #${id}`);
    return found;
  }

  addNote(id: number, text: string, by: string): Promise<void> {
    return this.step((now, fx) => this.incidents.note(this.incident(id), text.slice(0, 10_000), by, now, fx));
  }

  resolveIncident(id: number, by: string, note: string | null): Promise<void> {
    return this.step((now, fx) => {
      const incident = this.incident(id);
      if (incident.status === 'resolved') throw new Refused(409, `incident #${id} is already resolved`);
      this.incidents.resolve(incident, by, note ? `Resolved by ${by}: ${note.slice(0, 2000)}` : `Resolved by ${by}`, now, fx);
    });
  }

  claimAction(id: string, by: string): Promise<ActionView> {
    return this.step((now, fx) => this.actions.claim(id, by, now, fx));
  }

  actionOutcome(id: string, outcome: ActionOutcome): Promise<ActionView> {
    return this.step((now, fx) => this.actions.outcome(id, outcome, now, fx));
  }

  /**
   * Sends a delivery that another part of the agent journaled as pending (a
   * scheduled report) through the same outbox: the same retries, recorded
   * outcome, and resending after a restart.
   */
  deliver(delivery: DeliveryView, payload: string): void {
    if (!this.stopped) this.outbox.send(delivery, payload);
  }

  /** Stops the timers and waits for the step under way, so the store can close after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.timer, this.soon, this.flushTimer]) if (t) clearTimeout(t);
    this.outbox.stop();
    await this.chain;
  }
}
