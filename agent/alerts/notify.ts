/**
 * A grouped notification, routed to its channels: rendered with each
 * channel's templates, pushed to VS Code, and queued as deliveries for the
 * webhook and the log file.
 */
import { randomUUID } from 'node:crypto';
import type { AlertNotification, DeliveryView } from '../api/types';
import type { Severity } from '../ingest/events';
import type { AlertInstance, Notification } from './dispatch';
import type { Effects } from './effects';
import { raise } from './escalation';
import type { AlertRule, PipelineSettings } from './rules-file';
import { CHANNELS, pickTemplate, renderGroup, type ChannelName, type RenderedMessage } from './templates';
import { webhookPayload } from './webhook';

export interface RouteContext {
  rule: (name: string) => AlertRule | undefined;
  settings: PipelineSettings;
  /** Channels that can be used: VS Code always, the webhook and log file when configured. */
  configured: readonly ChannelName[];
  now: number;
}

function severityOf(alerts: readonly AlertInstance[]): Severity {
  return alerts.reduce<Severity>((s, a) => raise(s, (a.labels.severity as Severity | undefined) ?? 'info'), 'info');
}

export function channelsFor(alerts: readonly AlertInstance[], ctx: RouteContext, extra: readonly ChannelName[] = []): ChannelName[] {
  const wanted = new Set<ChannelName>(extra);
  for (const a of alerts) for (const c of ctx.rule(a.labels.alertname ?? '')?.channels ?? ctx.settings.route.channels ?? CHANNELS) wanted.add(c);
  return CHANNELS.filter((c) => wanted.has(c) && ctx.configured.includes(c));
}

export function render(n: Notification, channel: ChannelName, ctx: RouteContext): RenderedMessage {
  return renderGroup([...n.firing, ...n.resolved], n.groupLabels, (a) =>
    pickTemplate(ctx.rule(a.labels.alertname ?? '')?.templates ?? null, channel, ctx.settings.templates),
  );
}

/** Pushes the notification and queues its deliveries; returns what was pushed. */
export function routeNotification(n: Notification, ctx: RouteContext, fx: Effects, extra: readonly ChannelName[] = []): AlertNotification {
  const all = [...n.firing, ...n.resolved];
  const channels = channelsFor(all, ctx, extra);
  const shown = render(n, 'vscode', ctx);
  const message: AlertNotification = {
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    firing: n.firing.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, value: a.value })),
    resolved: n.resolved.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt })),
    reason: n.reason,
    at: n.at,
    title: shown.title,
    body: shown.body,
    severity: severityOf(n.firing.length > 0 ? n.firing : n.resolved),
    channels,
  };
  fx.pushes.push({ type: 'notification', notification: message });
  for (const channel of channels) {
    if (channel === 'vscode') continue;
    const m = render(n, channel, ctx);
    const payload =
      channel === 'webhook'
        ? JSON.stringify(webhookPayload(n, m.title, m.body))
        : JSON.stringify({
            ts: new Date(n.at).toISOString(),
            status: n.firing.length > 0 ? 'firing' : 'resolved',
            reason: n.reason,
            severity: message.severity,
            title: m.title,
            body: m.body,
            alerts: all.map((a) => ({ status: a.status, labels: a.labels, startsAt: a.startsAt, endsAt: a.endsAt, value: a.value })),
          });
    const delivery: DeliveryView = {
      id: randomUUID(),
      channel,
      status: 'pending',
      title: m.title.slice(0, 300),
      attempts: 0,
      lastError: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      deliveredAt: null,
      nextAttemptAt: null,
    };
    fx.ops.push({ op: 'delivery.put', delivery, payload });
    fx.deliveries.push({ delivery, payload });
  }
  return message;
}
