import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Summary, TopError } from '../../../agent/api/types';
import { csvCell, reportCsv, reportHtml } from '../../../src/report-render';

const p = { count: 2, p50: 1000, p95: 2000, p99: 2500, max: 2600, ok: 2, failed: 0, skipped: 0 };
const summary: Summary = {
  from: 0, to: 3600_000, attempts: 3, successes: 2, failures: 1, partials: 0, running: 0, successRate: 2 / 3,
  phases: { blueprint: p, codegen: p, validation: p, deployment: p }, total: p,
  errorsByCategory: { validation: 0, generation: 1, deployment: 0, system: 0 }, errorsBySeverity: { critical: 0, error: 1, warning: 0, info: 0 },
  lastRun: null, latestSample: null, mounts: [], peaks: { from: 0, to: 0, cpu: null, memUsed: null, diskReadBytes: null, diskWriteBytes: null, netRxBytes: null, netTxBytes: null, load1: null },
};
const hostile: TopError[] = [{ category: 'generation', severity: 'error', message: '<img src=x onerror=alert(1)> "quoted", =HYPERLINK("http://e")', count: 1, lastSeen: 0, lastRunId: 'r' }];

test('HTML escapes every string from a log', () => {
  const html = reportHtml(summary, hostile);
  assert.ok(!html.includes('<img'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;, =HYPERLINK(&quot;http://e&quot;)'));
  assert.match(html, /<td>66\.7%<\/td><td>3<\/td>/);
});

test('CSV quotes and neutralises formulas', () => {
  assert.equal(csvCell('=SUM(A1)'), "'=SUM(A1)");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell(-2), '-2', 'numbers stay numbers');
  assert.equal(csvCell('a,"b"'), '"a,""b"""');
  const csv = reportCsv(summary, [{ ...hostile[0], message: '=cmd|calc' }]);
  assert.ok(csv.includes('error,generation/error: =cmd|calc,1'), 'a formula inside a cell does not lead it');
  assert.ok(csv.includes('phase,codegen,2,,1000,2000,2500\r\n'));
  assert.ok(csv.startsWith('section,name,count,value,p50_ms,p95_ms,p99_ms\r\n'));
});
