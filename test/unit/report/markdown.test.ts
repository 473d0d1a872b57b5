import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Percentiles, Summary } from '../../../agent/api/types';
import { escapeMarkdown, formatBytes, formatDuration, renderMarkdownReport } from '../../../agent/report/markdown';
import { percentile, percentiles } from '../../../agent/derive/percentile';

const p = (count: number, p50: number | null): Percentiles => ({ count, p50, p95: p50, p99: p50, max: p50 });

function summary(): Summary {
  const phase = { ...p(2, 1500), ok: 2, failed: 0, skipped: 0 };
  return {
    from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2), attempts: 10, successes: 7, failures: 2, partials: 1, running: 0, successRate: 0.7,
    phases: { blueprint: phase, codegen: phase, validation: phase, deployment: phase }, total: p(10, 20_000),
    errorsByCategory: { validation: 1, generation: 2, deployment: 0, system: 0 },
    errorsBySeverity: { critical: 0, error: 3, warning: 0, info: 0 },
    lastRun: null, latestSample: null, mounts: [{ ts: 0, mount: '/', fs: 'ext4', size: 1000, used: 250 }],
    peaks: { from: 0, to: 0, cpu: 42.5, memUsed: 2 * 1024 ** 3, diskReadBytes: 0, diskWriteBytes: 1024, netRxBytes: null, netTxBytes: null, load1: 1.5 },
  };
}

test('percentile interpolates between ranks', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([5], 0.99), 5);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(percentile([0, 10], 0.95), 9.5);
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(percentiles(values), { count: 100, p50: 50.5, p95: 95.05, p99: 99.01, max: 100 });
});

test('the report shows outcomes, phase percentiles, top errors and peaks', () => {
  const md = renderMarkdownReport({
    summary: summary(),
    topErrors: [{ category: 'generation', severity: 'error', message: 'model timeout after 30s', count: 2, lastSeen: Date.UTC(2026, 0, 1, 12), lastRunId: 'r9' }],
    generatedAt: Date.UTC(2026, 0, 2),
  });
  assert.match(md, /\| 70\.0% \| 10 \| 7 \| 2 \| 1 \| 0 \|/);
  assert.match(md, /\| blueprint \| 2 \| 1\.50 s \| 1\.50 s \| 1\.50 s \| 1\.50 s \| 2 \| 0 \| 0 \|/);
  assert.match(md, /\| 2 \| generation \| error \| model timeout after 30s \|/);
  assert.match(md, /\| 42\.5% \| 2\.0 GiB \| 1\.50 \|/);
  assert.match(md, /\| \/ \| 250 B \| 1000 B \| 25\.0% \|/);
});

test('log text cannot inject markup into the report', () => {
  const md = renderMarkdownReport({
    summary: summary(),
    topErrors: [{ category: 'system', severity: 'critical', message: '<img src=x onerror=alert(1)> [click](http://evil) | col\nnext', count: 1, lastSeen: 0, lastRunId: 'r' }],
    generatedAt: 0,
  });
  assert.doesNotMatch(md, /(^|[^\\])<img/);
  assert.ok(md.includes('\\<img src=x onerror=alert\\(1\\)\\>'));
  assert.ok(md.includes('\\[click\\]\\(http://evil\\) \\| col next'));
});

test('formatters', () => {
  assert.equal(formatDuration(null), '–');
  assert.equal(formatDuration(250), '250 ms');
  assert.equal(formatDuration(12_345), '12.3 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatBytes(1536, true), '1.5 KiB/s');
  assert.equal(escapeMarkdown('a'.repeat(200)).length, 160);
});
