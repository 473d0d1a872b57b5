/**
 * Message templates: a notification's title and body filled from the alert's
 * labels, annotations, value and links, per rule and per channel.
 *
 * `{{name}}` is a label, `{{labels.name}}` and `{{annotations.name}}` say so
 * explicitly, and `{{value}}`, `{{status}}`, `{{severity}}`, `{{startsAt}}`,
 * `{{endsAt}}`, `{{link}}`, `{{rule}}` are the alert's own fields. Plain
 * substitution, no logic: label values come from logs, so nothing in them may
 * be evaluated, and a template never fails at send time (an unknown name is
 * empty).
 */
import type { AlertInstance } from './dispatch';

export type ChannelName = 'vscode' | 'webhook' | 'log_file';
export const CHANNELS: readonly ChannelName[] = ['vscode', 'webhook', 'log_file'];

export interface MessageTemplate {
  title?: string;
  body?: string;
}

/** Templates of a rule: for every channel, and per channel. */
export interface RuleTemplates {
  default: MessageTemplate;
  channels: Partial<Record<ChannelName, MessageTemplate>>;
}

export const DEFAULT_TEMPLATE: Required<MessageTemplate> = {
  title: '{{alertname}}',
  body: '{{annotations.summary}}',
};

export interface TemplateInput {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  status: 'firing' | 'resolved';
  startsAt: number;
  endsAt: number | null;
  /** Where to look at the alert (a vscode:// link into the Alerts view). */
  link: string;
}

export function formatValue(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)?)\s*\}\}/g;

export function renderTemplate(template: string, input: TemplateInput): string {
  return template.replace(PLACEHOLDER, (_m, key: string) => {
    const dot = key.indexOf('.');
    if (dot > 0) {
      const [scope, name] = [key.slice(0, dot), key.slice(dot + 1)];
      if (scope === 'labels') return input.labels[name] ?? '';
      if (scope === 'annotations') return input.annotations[name] ?? '';
      return '';
    }
    switch (key) {
      case 'value':
        return formatValue(input.value);
      case 'status':
        return input.status;
      case 'startsAt':
        return new Date(input.startsAt).toISOString();
      case 'endsAt':
        return input.endsAt === null ? '' : new Date(input.endsAt).toISOString();
      case 'link':
        return input.link;
      case 'rule':
        return input.labels.alertname ?? '';
      default:
        return Object.prototype.hasOwnProperty.call(input.labels, key) ? input.labels[key] : '';
    }
  });
}

/**
 * The template for one alert on one channel, field by field: the rule's
 * template for that channel, then the rule's own, then the channel's, then
 * the default.
 */
export function pickTemplate(rule: RuleTemplates | null, channel: ChannelName, channelDefaults: Partial<Record<ChannelName, MessageTemplate>>): Required<MessageTemplate> {
  const layers = [rule?.channels[channel], rule?.default, channelDefaults[channel], DEFAULT_TEMPLATE];
  const field = (k: 'title' | 'body') => layers.find((l) => l?.[k] !== undefined)?.[k] ?? DEFAULT_TEMPLATE[k];
  return { title: field('title'), body: field('body') };
}

export function alertLink(fingerprint: string): string {
  return `vscode://genmon.genmon/alert?fingerprint=${encodeURIComponent(fingerprint)}`;
}

export interface RenderedMessage {
  title: string;
  body: string;
}

/**
 * A grouped notification as one message for a channel: one alert is its own
 * title and body; several get a count in the title and a line each.
 */
export function renderGroup(
  alerts: readonly AlertInstance[],
  groupLabels: Record<string, string>,
  templateOf: (alert: AlertInstance) => Required<MessageTemplate>,
): RenderedMessage {
  const one = (a: AlertInstance) => {
    const t = templateOf(a);
    const input: TemplateInput = { labels: a.labels, annotations: a.annotations, value: a.value, status: a.status, startsAt: a.startsAt, endsAt: a.endsAt, link: alertLink(a.fingerprint) };
    const body = renderTemplate(t.body, input).trim();
    return { title: renderTemplate(t.title, input).trim() || (a.labels.alertname ?? 'alert'), body: body || (a.annotations.message ?? '') };
  };
  if (alerts.length === 1) {
    const m = one(alerts[0]);
    return { title: `${alerts[0].status === 'firing' ? '' : '[RESOLVED] '}${m.title}`, body: m.body };
  }
  const firing = alerts.filter((a) => a.status === 'firing').length;
  const resolved = alerts.length - firing;
  const counts = [firing ? `FIRING:${firing}` : '', resolved ? `RESOLVED:${resolved}` : ''].filter(Boolean).join(' ');
  const lines = alerts.map((a) => {
    const m = one(a);
    return `${a.status === 'resolved' ? '[resolved] ' : ''}${m.title}${m.body ? `: ${m.body}` : ''}`;
  });
  return { title: `[${counts}] ${Object.values(groupLabels).filter(Boolean).join(' ') || 'alerts'}`, body: lines.join('\n') };
}
