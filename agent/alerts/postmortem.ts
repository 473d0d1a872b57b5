/**
 * A postmortem draft in Markdown from an incident and its timeline: summary,
 * impact, timeline, contributing errors and resources, actions taken, and
 * the sections only people can fill. Every string that came from a log is
 * escaped, so a message cannot turn into a link, an image or a heading.
 */
import type { IncidentDetail, TimelineEntry } from '../api/types';

/** Markdown-inert text on one line. */
export function mdText(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const clipped = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  // Without [ and ] nothing becomes a link or an image, so parentheses and ! may stay as they are.
  return clipped.replace(/[\\`*_{}[\]<>#+|~]/g, (c) => `\\${c}`);
}

function iso(ts: number): string {
  return new Date(ts).toISOString().replace('.000Z', 'Z');
}

export function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

const KIND_LABEL: Record<TimelineEntry['kind'], string> = {
  opened: 'opened',
  alert_firing: 'alert',
  alert_resolved: 'alert resolved',
  escalated: 'escalated',
  acknowledged: 'acknowledged',
  note: 'note',
  action: 'action',
  resolved: 'resolved',
  run_failed: 'run failed',
  error_group: 'errors',
  resource_peak: 'resources',
};

export function renderPostmortem(d: IncidentDetail, now: number): string {
  const i = d.incident;
  const end = i.resolvedAt ?? now;
  const out: string[] = [];
  out.push(`# Postmortem: incident #${i.id}, ${mdText(i.title, 200)}`, '');
  out.push(`*Draft written by Genmon on ${iso(now)}. Fill in the sections marked TODO.*`, '');
  out.push('## Summary', '');
  out.push(`- **Severity:** ${i.severity}`);
  out.push(`- **Status:** ${i.status}${i.resolvedBy ? ` (resolved by ${mdText(i.resolvedBy, 100)})` : ''}`);
  out.push(`- **Opened:** ${iso(i.openedAt)}`);
  out.push(`- **Acknowledged:** ${i.acknowledgedAt ? `${iso(i.acknowledgedAt)}, after ${humanDuration(i.acknowledgedAt - i.openedAt)}${i.acknowledgedBy ? ` by ${mdText(i.acknowledgedBy, 100)}` : ''}` : 'not acknowledged'}`);
  out.push(`- **${i.resolvedAt ? 'Resolved' : 'Open for'}:** ${i.resolvedAt ? `${iso(i.resolvedAt)}, after ${humanDuration(i.resolvedAt - i.openedAt)}` : humanDuration(end - i.openedAt)}`);
  out.push(`- **Alerts:** ${i.alerts.map((a) => `${mdText(a.rule, 100)} (${a.severity})`).join(', ') || 'none'}`, '');
  out.push('TODO: one paragraph on what happened and why, for someone who was not there.', '');

  out.push('## Impact', '');
  const im = d.impact;
  const rate = im.runsEnded > 0 ? ` of ${im.runsEnded} that ended (${((im.runsFailed / im.runsEnded) * 100).toFixed(0)} %)` : '';
  out.push(`- **Generations failed:** ${im.runsFailed}${rate}`);
  out.push(`- **Users affected:** ${im.usersAffected}`);
  out.push(`- **Errors logged:** ${im.errors}`);
  out.push(`- **Model cost of failed generations:** ${im.costWastedUsd === null ? 'unknown (no inference carried a cost)' : `$${im.costWastedUsd.toFixed(2)}`}`, '');

  out.push('## Timeline', '', '| time (UTC) | what | |', '| --- | --- | --- |');
  for (const e of d.timeline) out.push(`| ${iso(e.ts)} | ${KIND_LABEL[e.kind]} | ${mdText(e.text)}${e.by ? ` (${mdText(e.by, 80)})` : ''} |`);
  if (d.timeline.length === 0) out.push('| | | nothing recorded |');
  out.push('');

  out.push('## Contributing errors', '');
  if (d.errorGroups.length === 0) out.push('No errors were logged during the incident.');
  for (const g of d.errorGroups) out.push(`- ${g.count} × ${g.category} (${g.status}, group \`${g.fingerprint}\`): ${mdText(g.message)}`);
  out.push('');

  out.push('## Resources', '');
  const r = d.resources;
  out.push(`- **CPU peak:** ${r.cpuPeak === null ? 'no samples' : `${r.cpuPeak.toFixed(0)} %`}`);
  out.push(`- **Memory peak:** ${r.memoryPeakPercent === null ? 'no samples' : `${r.memoryPeakPercent.toFixed(0)} %`}`);
  out.push(`- **Load (1 min) peak:** ${r.load1Peak === null ? 'no samples' : r.load1Peak.toFixed(2)}`, '');

  out.push('## Automated response', '');
  if (d.actions.length === 0) out.push('No rule named an action.');
  for (const a of d.actions) {
    const result = a.exitCode !== null ? `, exit ${a.exitCode}` : '';
    out.push(`- ${mdText(a.rule, 100)}: \`${a.display.replace(/`/g, "'")}\`, ${a.status}${result}${a.claimedBy ? `, run from ${mdText(a.claimedBy, 80)}` : ''}`);
  }
  out.push('');

  out.push('## Root cause', '', 'TODO', '');
  out.push('## What went well', '', 'TODO', '');
  out.push('## What went wrong', '', 'TODO', '');
  out.push('## Action items', '', '| action | owner | due |', '| --- | --- | --- |', '| TODO | | |', '');
  return out.join('\n');
}
