/**
 * A scheduled report as a webhook message: Slack-style `text` and `blocks`
 * with the headline figures, and for generic receivers the report's
 * identity, its files, its figures as data, and the Markdown (cut at a size
 * chat services accept). Sent by the alert channel's outbox as a delivery.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryView, ReportDocument } from '../api/types';
import { slackEscape } from '../alerts/webhook';
import { formatChange, formatTime, formatValue } from './format';

/** Slack drops messages with more text than this; other receivers get the files' names to fetch the rest. */
const MAX_MARKDOWN = 30_000;

export function reportTitle(doc: ReportDocument): string {
  return `Genmon report: ${doc.title}, ${formatTime(doc.from, doc.timezone)} to ${formatTime(doc.to, doc.timezone)} (${doc.timezone})`;
}

export function reportPayload(doc: ReportDocument, markdown: string, schedule: string, files: string[]): Record<string, unknown> {
  const title = reportTitle(doc);
  const lines = doc.figures.map((f) => {
    const change = formatChange(f.value, f.previous, f.unit);
    return `${f.label}: ${formatValue(f.value, f.unit, doc.timezone)}${change ? ` (${change})` : ''}`;
  });
  const cut = markdown.length > MAX_MARKDOWN;
  return {
    text: slackEscape(`${title}\n${lines.join('\n')}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'plain_text', text: (lines.join('\n') || ' ').slice(0, 2900) } },
    ],
    kind: 'report',
    schedule,
    template: doc.template,
    title: doc.title,
    from: new Date(doc.from).toISOString(),
    to: new Date(doc.to).toISOString(),
    generatedAt: new Date(doc.generatedAt).toISOString(),
    files,
    figures: doc.figures,
    markdown: cut ? `${markdown.slice(0, MAX_MARKDOWN)}\n\n(cut at ${MAX_MARKDOWN} characters; the whole report is in ${files.join(', ')})` : markdown,
  };
}

export function reportDelivery(doc: ReportDocument, now: number): DeliveryView {
  return {
    id: randomUUID(),
    channel: 'webhook',
    status: 'pending',
    title: reportTitle(doc).slice(0, 300),
    attempts: 0,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    deliveredAt: null,
    nextAttemptAt: null,
  };
}
