/**
 * The Markdown report: generation outcomes, phase timings, top errors and
 * resource peaks of a range. Pure: data in, text out. Strings from logs are
 * escaped so a message cannot inject Markdown (links, HTML) into the report.
 */
import type { Percentiles, Summary, TopError } from '../api/types';
import { PHASES } from '../ingest/events';

export interface ReportInput {
  summary: Summary;
  topErrors: TopError[];
  generatedAt: number;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number | null, perSecond = false): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}${perSecond ? '/s' : ''}`;
}

export function formatPercent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)}%`;
}

/** Escapes text for a Markdown table cell: no HTML, no links, no emphasis, no line breaks. */
export function escapeMarkdown(text: string, max = 160): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim();
  const clipped = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return clipped.replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function percentileRow(name: string, p: Percentiles, extra = ''): string {
  return `| ${name} | ${p.count} | ${formatDuration(p.p50)} | ${formatDuration(p.p95)} | ${formatDuration(p.p99)} | ${formatDuration(p.max)} |${extra}`;
}

export function renderMarkdownReport({ summary: s, topErrors, generatedAt }: ReportInput): string {
  const lines: string[] = [];
  lines.push(`# Genmon report: ${iso(s.from)} to ${iso(s.to)}`, '');
  lines.push(`Generated ${iso(generatedAt)}.`, '');
  lines.push('## Generations', '');
  lines.push('| Success rate | Attempts | Successes | Failures | Partial | Running |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
  lines.push(`| ${formatPercent(s.successRate)} | ${s.attempts} | ${s.successes} | ${s.failures} | ${s.partials} | ${s.running} |`, '');
  lines.push('## Phase durations', '');
  lines.push('| Phase | Count | p50 | p95 | p99 | Max | OK | Failed | Skipped |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const phase of PHASES) {
    const p = s.phases[phase];
    lines.push(percentileRow(phase, p, ` ${p.ok} | ${p.failed} | ${p.skipped} |`));
  }
  lines.push(percentileRow('**total run**', s.total, ' | | |'), '');
  lines.push('## Top errors', '');
  if (topErrors.length === 0) lines.push('No errors in this range.', '');
  else {
    lines.push('| Count | Category | Severity | Message | Last seen | Last run |');
    lines.push('| ---: | --- | --- | --- | --- | --- |');
    for (const e of topErrors) {
      lines.push(`| ${e.count} | ${e.category} | ${e.severity} | ${escapeMarkdown(e.message)} | ${iso(e.lastSeen)} | ${escapeMarkdown(e.lastRunId, 60)} |`);
    }
    lines.push('');
  }
  lines.push('## Errors by category', '');
  lines.push('| Category | Count |', '| --- | ---: |');
  for (const [category, n] of Object.entries(s.errorsByCategory)) lines.push(`| ${category} | ${n} |`);
  lines.push('');
  lines.push('## Resource peaks', '');
  const k = s.peaks;
  lines.push('| CPU | Memory used | Load (1 min) | Disk read | Disk write | Net in | Net out |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  lines.push(
    `| ${k.cpu === null ? '–' : `${k.cpu.toFixed(1)}%`} | ${formatBytes(k.memUsed)} | ${k.load1 === null ? '–' : k.load1.toFixed(2)} | ` +
      `${formatBytes(k.diskReadBytes, true)} | ${formatBytes(k.diskWriteBytes, true)} | ${formatBytes(k.netRxBytes, true)} | ${formatBytes(k.netTxBytes, true)} |`,
  );
  if (s.mounts.length > 0) {
    lines.push('', '| Mount | Used | Size | Use |', '| --- | ---: | ---: | ---: |');
    for (const m of s.mounts) {
      lines.push(`| ${escapeMarkdown(m.mount, 80)} | ${formatBytes(m.used)} | ${formatBytes(m.size)} | ${m.size > 0 ? ((m.used / m.size) * 100).toFixed(1) : '–'}% |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
