import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile, percentiles } from '../../../agent/derive/percentile';
import { csvCell, escapeHtml, escapeMarkdown } from '../../../agent/report/escape';
import { formatBytes, formatChange, formatDuration, formatTime, formatUsd, formatValue, isTimeZone } from '../../../agent/report/format';

test('percentile interpolates between ranks', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([5], 0.99), 5);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(percentiles(values), { count: 100, p50: 50.5, p95: 95.05, p99: 99.01, max: 100 });
});

test('durations, bytes, money, values by unit', () => {
  assert.equal(formatDuration(null), '–');
  assert.equal(formatDuration(250), '250 ms');
  assert.equal(formatDuration(12_345), '12.3 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(2 * 3600_000 + 30 * 60_000), '2 h 30 min');
  assert.equal(formatBytes(1536, true), '1.5 KiB/s');
  assert.equal(formatUsd(12.5), '$12.50');
  assert.equal(formatUsd(0.0421), '$0.042');
  assert.equal(formatUsd(0.00042), '$0.0004');
  assert.equal(formatValue(0.5, 'ratio'), '50.0%');
  assert.equal(formatValue(42.5, 'percent'), '42.5%');
  assert.equal(formatValue(2.3456, 'count'), '2.35');
  assert.equal(formatValue(41_636_048, 'count'), '41,636,048');
  assert.equal(formatValue('text', 'text'), 'text');
  assert.equal(formatValue(null, 'usd'), '–');
});

test('times in a zone, across daylight saving', () => {
  const summer = Date.UTC(2026, 6, 1, 5, 30);
  assert.equal(formatTime(summer, 'UTC'), '2026-07-01 05:30');
  assert.equal(formatTime(summer, 'Europe/Berlin'), '2026-07-01 07:30');
  assert.equal(formatTime(Date.UTC(2026, 0, 1, 5, 30), 'Europe/Berlin'), '2026-01-01 06:30');
  assert.equal(formatTime(summer, 'America/New_York', 'date'), '2026-07-01');
  assert.equal(formatTime(Date.UTC(2026, 0, 1, 0, 0), 'UTC', 'time'), '00:00', 'midnight is 00, not 24');
  assert.ok(isTimeZone('Asia/Kolkata'));
  assert.ok(!isTimeZone('Mars/Olympus'));
});

test('changes: relative for amounts, points for shares', () => {
  assert.equal(formatChange(120, 100, 'count'), '+20%');
  assert.equal(formatChange(95, 100, 'count'), '-5.0%');
  assert.equal(formatChange(0.9, 0.95, 'ratio'), '-5.0 pt');
  assert.equal(formatChange(3, 0, 'count'), 'new');
  assert.equal(formatChange(0, 0, 'count'), '±0');
  assert.equal(formatChange(3, null, 'count'), '');
  assert.equal(formatChange(3, undefined, 'count'), '');
});

test('escaping: Markdown, HTML, CSV', () => {
  assert.equal(escapeMarkdown('a'.repeat(200)).length, 160);
  assert.equal(escapeMarkdown('<b>*x*</b> | [l](u)\nnext'), '\\<b\\>\\*x\\*\\</b\\> \\| \\[l\\]\\(u\\) next');
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell(-2), '-2', 'a number stays a number');
  assert.equal(csvCell('a,"b"'), '"a,""b"""');
  assert.equal(csvCell('\t=cmd'), "'\t=cmd");
  assert.equal(csvCell(null), '');
});
