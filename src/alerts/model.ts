/**
 * What the Alerts and Incidents trees, the alert toasts and the alert status
 * bar item show, as plain data built from API answers: no `vscode` import,
 * so every label, grouping and tag is unit-tested directly.
 */
import type { AlertNotification, AlertView, ErrorGroup, IncidentDetail, SilenceView, TimelineEntry } from '../../agent/api/types';
import { ERROR_CATEGORIES } from '../../agent/ingest/events';
import { ago, oneLine, severityIcon, type NodeModel } from '../views/model';
import { toastSafe } from '../toast-text';

/** Alerts whose notifications are held back, and why, in words. */
export function muteText(a: AlertView): string | null {
  if (a.silencedBy) return 'silenced';
  if (a.inhibitedBy) return `inhibited by ${a.inhibitedBy.match(/alertname=([^,]*)/)?.[1] ?? 'another alert'}`;
  if (a.mutedBy) return `muted: ${a.mutedBy}`;
  return null;
}

/** Labels that tell instances of one rule apart (not the rule's name or severity). */
function distinguishing(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity' && k !== 'group')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function alertNode(a: AlertView, now: number): NodeModel {
  const mute = muteText(a);
  const tags = ['alert', a.state, a.acknowledgedAt ? 'acked' : 'unacked'];
  // "audible" and "muted" alerts can be silenced; "silenced" ones already are.
  tags.push(mute ? (a.silencedBy ? 'silenced' : 'muted') : 'audible');
  const since = a.state === 'firing' ? a.firedAt : a.activeAt;
  const detail = a.annotations.message ?? distinguishing(a.labels);
  const parts = [a.severity, since !== null ? `${a.state} ${ago(since, now).replace(' ago', '')}` : a.state];
  if (a.acknowledgedBy) parts.push(`acked by ${a.acknowledgedBy}`);
  if (a.escalations > 0) parts.push('escalated');
  if (mute) parts.push(mute);
  const tooltip = [
    `${a.rule} (${a.severity}, ${a.state})`,
    a.annotations.summary ?? '',
    a.annotations.message ? oneLine(a.annotations.message, 500) : '',
    Object.entries(a.labels).map(([k, v]) => `${k}="${oneLine(v, 200)}"`).join(', '),
    a.incidentId !== null ? `incident #${a.incidentId}` : '',
  ].filter(Boolean);
  return {
    id: `alert-${a.fingerprint}`,
    label: detail ? `${a.rule}: ${oneLine(detail, 80)}` : a.rule,
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: a.state === 'pending' ? { id: 'watch' } : mute ? { id: 'bell-slash' } : severityIcon(a.severity),
    contextValue: tags.join(' '),
    fingerprint: a.fingerprint,
  };
}

export function silenceNode(s: SilenceView, now: number): NodeModel {
  const until = s.state === 'pending' ? `from ${new Date(s.startsAt).toLocaleString()}` : `${Math.max(1, Math.round((s.endsAt - now) / 60_000))} min left`;
  return {
    id: `silence-${s.id}`,
    label: s.matchers.join(', '),
    description: [until, s.comment ? oneLine(s.comment, 60) : ''].filter(Boolean).join(' · '),
    tooltip: `Silence by ${s.createdBy}, ${new Date(s.startsAt).toLocaleString()} to ${new Date(s.endsAt).toLocaleString()}${s.comment ? `\n${oneLine(s.comment, 500)}` : ''}`,
    icon: { id: 'mute' },
    contextValue: `silence ${s.state}`,
    silenceId: s.id,
  };
}

const bySeverity = (a: AlertView, b: AlertView) => ['critical', 'error', 'warning', 'info'].indexOf(a.severity) - ['critical', 'error', 'warning', 'info'].indexOf(b.severity);

/** Firing, pending and silenced alerts, then the silences in force, each section with its count. */
export function alertTree(alerts: readonly AlertView[], silences: readonly SilenceView[], now: number): NodeModel[] {
  const firing = alerts.filter((a) => a.state === 'firing' && !muteText(a)).sort(bySeverity);
  const pending = alerts.filter((a) => a.state === 'pending');
  const muted = alerts.filter((a) => a.state === 'firing' && muteText(a));
  const live = silences.filter((s) => s.state !== 'expired');
  const section = (id: string, label: string, icon: string, children: NodeModel[]): NodeModel => ({
    id: `alerts/${id}`,
    label,
    description: String(children.length),
    icon: { id: icon },
    contextValue: `section ${id}`,
    children,
  });
  if (alerts.length === 0 && live.length === 0) return [];
  return [
    section('firing', 'Firing', 'bell-dot', firing.map((a) => alertNode(a, now))),
    section('pending', 'Pending', 'watch', pending.map((a) => alertNode(a, now))),
    section('silenced', 'Silenced', 'bell-slash', muted.map((a) => alertNode(a, now))),
    section('silences', 'Silences', 'mute', live.map((s) => silenceNode(s, now))),
  ];
}

const TIMELINE_ICONS: Record<TimelineEntry['kind'], string> = {
  opened: 'flame',
  alert_firing: 'bell-dot',
  alert_resolved: 'bell',
  escalated: 'arrow-up',
  acknowledged: 'eye',
  note: 'note',
  action: 'run',
  resolved: 'pass',
  run_failed: 'error',
  error_group: 'bug',
  resource_peak: 'pulse',
};

export function timelineNode(incidentId: number, e: TimelineEntry, i: number): NodeModel {
  const time = new Date(e.ts).toLocaleTimeString();
  return {
    id: `incident-${incidentId}/${i}`,
    label: oneLine(e.text, 120),
    description: e.by ? `${time} · ${e.by}` : time,
    tooltip: `${new Date(e.ts).toLocaleString()}\n${oneLine(e.text, 1000)}`,
    icon: { id: TIMELINE_ICONS[e.kind] },
    contextValue: `timeline ${e.kind}${e.runId ? ' run' : ''}`,
    open: e.runId ? { kind: 'run', runId: e.runId } : undefined,
    runId: e.runId,
  };
}

export function incidentNode(d: IncidentDetail, now: number): NodeModel {
  const i = d.incident;
  const open = i.status === 'open';
  const span = open ? `open ${ago(i.openedAt, now).replace(' ago', '')}` : `resolved ${ago(i.resolvedAt ?? now, now)}`;
  const parts = [i.severity, span];
  if (open && i.acknowledgedAt) parts.push(`acked by ${i.acknowledgedBy ?? '?'}`);
  const firing = i.alerts.filter((a) => a.firing).length;
  return {
    id: `incident-${i.id}`,
    label: `#${i.id} ${oneLine(i.title, 100)}`,
    description: parts.join(' · '),
    tooltip: `Incident #${i.id} (${i.severity}, ${i.status})\n${firing} of ${i.alerts.length} alerts firing\n${d.impact.runsFailed} generations failed, ${d.impact.usersAffected} users affected`,
    icon: open ? severityIcon(i.severity) : { id: 'pass', color: 'testing.iconPassed' },
    contextValue: `incident ${i.status}`,
    incidentId: i.id,
    children: d.timeline.map((e, n) => timelineNode(i.id, e, n)),
  };
}

/** Open incidents, then resolved ones, newest first in each. */
export function incidentTree(details: readonly IncidentDetail[], now: number): NodeModel[] {
  if (details.length === 0) return [];
  const sorted = [...details].sort((a, b) => b.incident.openedAt - a.incident.openedAt);
  const of = (status: 'open' | 'resolved') => sorted.filter((d) => d.incident.status === status).map((d) => incidentNode(d, now));
  return [
    { id: 'incidents/open', label: 'Open', description: String(of('open').length), icon: { id: 'flame' }, contextValue: 'section open', children: of('open') },
    { id: 'incidents/resolved', label: 'Resolved', description: String(of('resolved').length), icon: { id: 'pass' }, contextValue: 'section resolved', children: of('resolved') },
  ];
}

/** The status bar item for alerts: hidden when nothing fires unmuted. */
export function alertStatus(alerts: readonly AlertView[]): { visible: boolean; text: string; tooltip: string; level: 'error' | 'warning' } {
  const firing = alerts.filter((a) => a.state === 'firing' && !muteText(a));
  const pending = alerts.filter((a) => a.state === 'pending').length;
  const serious = firing.some((a) => a.severity === 'critical' || a.severity === 'error');
  const unacked = firing.filter((a) => !a.acknowledgedAt).length;
  const lines = firing.slice(0, 10).map((a) => `${a.severity}: ${a.rule}${a.acknowledgedAt ? ' (acknowledged)' : ''}`);
  if (firing.length > 10) lines.push(`and ${firing.length - 10} more`);
  if (pending) lines.push(`${pending} pending`);
  return {
    visible: firing.length > 0,
    // A dot while something fires that nobody has acknowledged yet.
    text: `$(${unacked > 0 ? 'bell-dot' : 'bell'}) ${firing.length}${unacked > 0 && unacked < firing.length ? ` (${unacked} new)` : ''}`,
    tooltip: [`${firing.length} alert${firing.length === 1 ? '' : 's'} firing`, ...lines].join('\n'),
    level: serious ? 'error' : 'warning',
  };
}

export type ToastLevel = 'info' | 'warning' | 'error' | 'critical' | 'off';

/** A toast for a notification, or null when VS Code is not among its channels or it is below the level. */
export function alertToast(n: AlertNotification, level: ToastLevel): { severity: 'error' | 'warning' | 'info'; message: string; fingerprints: string[] } | null {
  if (!n.channels.includes('vscode') || level === 'off') return null;
  const order = ['info', 'warning', 'error', 'critical'];
  if (n.firing.length > 0 && order.indexOf(n.severity) < order.indexOf(level)) return null;
  // Resolutions are shown quietly, as information.
  const severity = n.firing.length === 0 ? 'info' : n.severity === 'critical' || n.severity === 'error' ? 'error' : n.severity === 'warning' ? 'warning' : 'info';
  const prefix = n.reason === 'escalated' ? 'Escalated: ' : n.reason === 'repeat' ? 'Still firing: ' : '';
  const body = n.body ? `: ${oneLine(n.body.split('\n')[0], 200)}` : '';
  return { severity, message: toastSafe(`${prefix}${oneLine(n.title, 120)}${body}`), fingerprints: n.firing.map((a) => a.fingerprint) };
}

/** Matchers that silence a notification's whole group. */
export function groupMatchers(labels: Record<string, string>): string[] {
  return Object.entries(labels)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

const STATUS_ICONS: Record<ErrorGroup['status'], { id: string; color?: string }> = {
  new: { id: 'circle-filled', color: 'problemsErrorIcon.foreground' },
  ongoing: { id: 'circle-outline', color: 'problemsWarningIcon.foreground' },
  regressed: { id: 'history', color: 'problemsErrorIcon.foreground' },
  resolved: { id: 'pass', color: 'testing.iconPassed' },
  ignored: { id: 'circle-slash', color: 'disabledForeground' },
};

export function errorGroupNode(g: ErrorGroup, now: number): NodeModel {
  return {
    id: `group-${g.fingerprint}`,
    label: oneLine(g.message, 100),
    description: `×${g.countInRange} · ${g.status} · ${ago(g.lastSeen, now)}`,
    tooltip: [
      `${g.category}, ${g.severity}: ${g.status}${g.reopenCount ? ` (reopened ${g.reopenCount}×)` : ''}`,
      `${g.count} errors in all, ${g.countInRange} in the last 24 h; ${g.runsAffected} runs, ${g.usersAffected} users`,
      `first seen ${new Date(g.firstSeen).toLocaleString()}, last ${new Date(g.lastSeen).toLocaleString()}`,
      g.phases.length ? `phases: ${g.phases.join(', ')}` : '',
      g.models.length ? `models: ${g.models.map((m) => oneLine(m, 40)).join(', ')}` : '',
      g.templates.length ? `templates: ${g.templates.map((t) => oneLine(t, 40)).join(', ')}` : '',
    ].filter(Boolean).join('\n'),
    icon: STATUS_ICONS[g.status],
    contextValue: `errorGroup status-${g.status}`,
    expandable: true,
    fingerprint: g.fingerprint,
  };
}

/** Error groups by category, the groups that need attention first. */
export function errorGroupTree(groups: readonly ErrorGroup[], now: number): NodeModel[] {
  const rank = { regressed: 0, new: 1, ongoing: 2, resolved: 3, ignored: 4 } as const;
  const out: NodeModel[] = [];
  for (const category of ERROR_CATEGORIES) {
    const list = groups.filter((g) => g.category === category).sort((a, b) => rank[a.status] - rank[b.status] || b.lastSeen - a.lastSeen);
    if (list.length === 0) continue;
    const open = list.filter((g) => g.status !== 'resolved' && g.status !== 'ignored').length;
    out.push({
      id: `errors/${category}`,
      label: category,
      description: `${list.reduce((n, g) => n + g.countInRange, 0)} errors · ${list.length} group${list.length === 1 ? '' : 's'}${open < list.length ? `, ${open} open` : ''}`,
      icon: { id: 'folder' },
      children: list.map((g) => errorGroupNode(g, now)),
    });
  }
  return out;
}
