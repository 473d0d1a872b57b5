/**
 * What the trees show, as plain data built from API answers: no `vscode`
 * import, so every label, icon and grouping is unit-tested directly.
 */
import type { ErrorRecord, RunDetail, RunStatus, RunSummary, Sample, Summary } from '../../agent/api/types';
import { ERROR_CATEGORIES, PHASES } from '../../agent/ingest/events';
import type { ConnectionState } from '../agent/connection';

export interface NodeModel {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, with an optional theme colour id. */
  icon?: { id: string; color?: string };
  /** Tags for `viewItem =~ /tag/` menu conditions. */
  contextValue?: string;
  /** Children known now; `expandable` without them means they are fetched on expand. */
  children?: NodeModel[];
  expandable?: boolean;
  /** Shown expanded the first time (VS Code remembers the user's choice after that). */
  expanded?: boolean;
  /** What selecting the node opens. */
  open?: { kind: 'run'; runId: string } | { kind: 'error'; error: ErrorRecord };
  runId?: string;
  /** An alert's or error group's fingerprint, for the commands on it. */
  fingerprint?: string;
  silenceId?: string;
  incidentId?: number;
}

export function statusIcon(status: RunStatus | 'ok' | 'skipped' | 'running'): { id: string; color?: string } {
  switch (status) {
    case 'success':
    case 'ok':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'partial':
      return { id: 'warning', color: 'list.warningForeground' };
    case 'skipped':
      return { id: 'debug-step-over', color: 'disabledForeground' };
    case 'running':
      return { id: 'sync~spin' };
    case 'abandoned':
      return { id: 'circle-slash', color: 'disabledForeground' };
  }
}

export function severityIcon(severity: string): { id: string; color?: string } {
  if (severity === 'critical' || severity === 'error') return { id: 'error', color: 'problemsErrorIcon.foreground' };
  if (severity === 'warning') return { id: 'warning', color: 'problemsWarningIcon.foreground' };
  return { id: 'info', color: 'problemsInfoIcon.foreground' };
}

export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function bytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function ago(ts: number, now: number): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** One line of log text for a label: no line breaks, bounded length. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The Overview's glance figures over the summary's range (24 h), above the registry's sections. */
export function overviewNodes(s: Summary): NodeModel[] {
  const rate = s.successRate === null ? '–' : `${(s.successRate * 100).toFixed(1)}%`;
  const sample = s.latestSample;
  const disk = s.mounts.reduce((max, m) => Math.max(max, m.size > 0 ? m.used / m.size : 0), 0);
  return [
    { id: 'rate', label: 'Success rate', description: rate, icon: { id: 'graph' }, tooltip: 'Successes over runs that ended, last 24 h' },
    { id: 'attempts', label: 'Attempts', description: String(s.attempts), icon: { id: 'run-all' } },
    { id: 'successes', label: 'Successes', description: String(s.successes), icon: statusIcon('success') },
    { id: 'failures', label: 'Failures', description: String(s.failures), icon: statusIcon('failed') },
    { id: 'partials', label: 'Partial successes', description: String(s.partials), icon: statusIcon('partial') },
    ...(s.abandoned !== undefined ? [{ id: 'abandoned', label: 'Abandoned', description: String(s.abandoned), icon: statusIcon('abandoned'), tooltip: 'Runs that never ended within the run timeout, or that the user gave up' }] : []),
    { id: 'running', label: 'Running', description: String(s.running), icon: { id: 'sync' } },
    {
      id: 'phases',
      label: 'Phase durations',
      description: 'p50 / p95',
      icon: { id: 'watch' },
      children: PHASES.map((p) => ({
        id: `phase-${p}`,
        label: p,
        description: `${duration(s.phases[p].p50)} / ${duration(s.phases[p].p95)}`,
        tooltip: `${s.phases[p].count} ended; p99 ${duration(s.phases[p].p99)}`,
      })),
    },
    {
      id: 'machine',
      label: 'Machine now',
      icon: { id: 'server' },
      description: sample ? `CPU ${sample.cpu.toFixed(0)}% · mem ${bytes(sample.memUsed)} · disk ${(disk * 100).toFixed(0)}%` : 'no sample yet',
    },
    {
      id: 'errors',
      label: 'Errors by category',
      icon: { id: 'bug' },
      description: String(Object.values(s.errorsByCategory).reduce((a, b) => a + b, 0)),
      children: ERROR_CATEGORIES.map((c) => ({ id: `errors-${c}`, label: c, description: String(s.errorsByCategory[c]) })),
    },
  ];
}

/** A run; `pinned` when it is listed only because the user asked for it (it is older than the page). */
export function runNode(r: RunSummary, now: number, pinned = false): NodeModel {
  const tags = ['run', r.status];
  if (r.source) tags.push('hasSource');
  if (pinned) tags.push('pinned');
  return {
    id: `run-${r.runId}`,
    label: oneLine(r.app ?? r.runId, 80),
    description: `${r.status === 'running' ? (r.currentPhase ?? 'starting') : duration(r.durationMs)} · ${ago(r.startedAt, now)}${pinned ? ' · shown on request' : ''}`,
    tooltip: `${r.runId}\n${r.status}${r.projectType ? ` · ${r.projectType}` : ''}${r.template ? ` · ${r.template}` : ''}${r.errorCount ? `\n${r.errorCount} error(s)` : ''}${pinned ? '\nOlder than the newest runs listed above; shown because it was asked for.' : ''}`,
    icon: statusIcon(r.status),
    contextValue: tags.join(' '),
    expandable: true,
    open: { kind: 'run', runId: r.runId },
    runId: r.runId,
  };
}

/** The Runs tree's roots: the newest page, then runs shown on request. */
export function runListNodes(listing: { page: RunSummary[]; pinned: RunSummary[] }, now: number): NodeModel[] {
  return [...listing.page.map((r) => runNode(r, now)), ...listing.pinned.map((r) => runNode(r, now, true))];
}

/** The line a tree view shows above its (older) contents while the agent is away; none when connected. */
export function connectionMessage(state: ConnectionState): string | undefined {
  switch (state.kind) {
    case 'connected':
      return undefined;
    case 'starting':
      return 'Starting the Genmon agent…';
    case 'noAgent':
      return 'No Genmon agent is running; the figures below are from before it stopped.';
    case 'unreachable':
      return `The Genmon agent is not reachable; retrying${` in ${Math.max(1, Math.round(state.retryInMs / 1000))} s`}. The figures below are from before.`;
  }
}

export function runDetailNodes(d: RunDetail): NodeModel[] {
  const id = d.run.runId;
  const nodes: NodeModel[] = d.phases.map((p) => ({
    id: `${id}/phase/${p.phase}/${p.attempt}`,
    label: p.attempt > 1 ? `${p.phase} (attempt ${p.attempt})` : p.phase,
    description: p.status === 'running' ? 'running' : `${duration(p.durationMs)} · ${p.status}`,
    icon: statusIcon(p.status),
  }));
  if (d.inferences.length > 0) {
    nodes.push({
      id: `${id}/inferences`,
      label: 'Model inferences',
      description: String(d.inferences.length),
      icon: { id: 'hubot' },
      children: d.inferences.map((m, i) => ({
        id: `${id}/inference/${i}`,
        label: oneLine(m.model, 60),
        description: `${duration(m.latencyMs)}${m.inputTokens !== null ? ` · ${m.inputTokens}→${m.outputTokens ?? 0} tokens` : ''}`,
      })),
    });
  }
  for (const e of d.errors) nodes.push(errorNode(e));
  return nodes;
}

export function errorNode(e: ErrorRecord): NodeModel {
  return {
    id: `error-${e.id}`,
    label: oneLine(e.message),
    description: `${e.category} · ${e.phase ?? 'no phase'}`,
    tooltip: oneLine(e.message, 500),
    icon: severityIcon(e.severity),
    contextValue: `error ${e.severity}`,
    open: { kind: 'error', error: e },
    runId: e.runId,
  };
}

export function resourceNodes(sample: Sample | null, s: Summary | null): NodeModel[] {
  if (!sample) return [{ id: 'none', label: 'No machine sample yet' }];
  const peak = s?.peaks;
  const mem = sample.memTotal > 0 ? (sample.memUsed / sample.memTotal) * 100 : 0;
  return [
    { id: 'cpu', label: 'CPU', description: `${sample.cpu.toFixed(1)}% · 1 h peak ${peak?.cpu?.toFixed(1) ?? '–'}%`, icon: { id: 'pulse' }, tooltip: `load ${sample.load1.toFixed(2)} ${sample.load5.toFixed(2)} ${sample.load15.toFixed(2)}; ${sample.processes} processes, ${sample.threads} threads` },
    { id: 'memory', label: 'Memory', description: `${bytes(sample.memUsed)} (${mem.toFixed(0)}%) · peak ${bytes(peak?.memUsed ?? null)}`, icon: { id: 'server' } },
    {
      id: 'disk',
      label: 'Disk',
      description: `read ${bytes(sample.diskReadBytes)}/s · write ${bytes(sample.diskWriteBytes)}/s`,
      icon: { id: 'database' },
      children: (s?.mounts ?? []).map((m) => ({ id: `mount-${m.mount}`, label: m.mount, description: `${bytes(m.used)} of ${bytes(m.size)}` })),
    },
    { id: 'network', label: 'Network', description: `in ${bytes(sample.netRxBytes)}/s · out ${bytes(sample.netTxBytes)}/s · peak in ${bytes(peak?.netRxBytes ?? null)}/s`, icon: { id: 'globe' } },
  ];
}

/** A run or error as Markdown for a read-only editor; log text goes into code blocks, never as markup. */
export function runMarkdown(d: RunDetail): string {
  const fence = (text: string) => `\`\`\`text\n${text.replace(/```/g, '`\u200b``')}\n\`\`\``;
  const lines = [`# Run ${d.run.runId}`, '', fence(`app: ${d.run.app ?? '–'}\nstatus: ${d.run.status}\nstarted: ${new Date(d.run.startedAt).toISOString()}\nduration: ${duration(d.run.durationMs)}`), '', '## Phases', ''];
  for (const p of d.phases) lines.push(`- ${p.phase} (attempt ${p.attempt}): ${p.status}, ${duration(p.durationMs)}`);
  lines.push('', '## Errors', '');
  if (d.errors.length === 0) lines.push('None.');
  for (const e of d.errors) lines.push(`### ${e.severity} · ${e.category}`, '', fence(`${e.message}\n\n${e.stack ?? ''}\n\n${e.context ? JSON.stringify(e.context, null, 2) : ''}`), '');
  return lines.join('\n');
}

export function errorMarkdown(e: ErrorRecord): string {
  const fence = (text: string) => `\`\`\`text\n${text.replace(/```/g, '`\u200b``')}\n\`\`\``;
  return [`# ${e.severity} · ${e.category}`, '', `Run \`${e.runId.replace(/`/g, '')}\`, ${new Date(e.ts).toISOString()}`, '', '## Message', '', fence(e.message), '', '## Stack trace', '', fence(e.stack ?? '(none)'), '', '## Context', '', fence(e.context ? JSON.stringify(e.context, null, 2) : '(none)'), ''].join('\n');
}
