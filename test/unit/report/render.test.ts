import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReportDocument } from '../../../agent/api/types';
import { REPORT_CSP } from '../../../agent/report/render/html';
import { renderReport, reportStem } from '../../../agent/report/render';
import { sparkline } from '../../../agent/report/render/markdown';

const XSS = '<img src=x onerror=alert(1)>';
const FORMULA = '=HYPERLINK("http://evil.example","click")';
const T0 = Date.UTC(2026, 0, 1, 7);
const H = 3600_000;

function doc(): ReportDocument {
  return {
    v: 1,
    template: 'daily',
    title: 'Daily summary',
    from: T0,
    to: T0 + 24 * H,
    generatedAt: T0 + 24 * H + 5000,
    timezone: 'UTC',
    figures: [
      { id: 'runs', label: 'Runs started', value: 120, unit: 'count', previous: 100 },
      { id: 'rate', label: 'Success rate', value: 0.9, unit: 'ratio', previous: 0.95, better: 'up' },
      { id: 'cost', label: 'Model cost', value: 1.2345, unit: 'usd', previous: null, better: 'down' },
    ],
    sections: [
      {
        id: 'errors',
        title: `Errors ${XSS}`,
        blocks: [
          { type: 'text', text: `A message with ${XSS} and [a link](http://evil.example) | pipe` },
          {
            type: 'table',
            id: 'top',
            title: 'Top errors',
            columns: [
              { key: 'n', label: 'Count', unit: 'count' },
              { key: 'message', label: 'Message', unit: 'text' },
              { key: 'last', label: 'Last seen', unit: 'time' },
              { key: 'p95', label: 'p95', unit: 'ms' },
            ],
            rows: [
              [3, XSS, T0 + H, 1500],
              [2, FORMULA, T0 + 2 * H, null],
              [1, '+cmd|" /C calc"!A0\nsecond line', T0 + 3 * H, 70_000],
            ],
          },
          { type: 'table', id: 'none', title: 'New error groups', columns: [{ key: 'm', label: 'Message', unit: 'text' }], rows: [], empty: 'No new error groups.' },
          {
            type: 'chart',
            id: 'outcomes',
            title: 'Runs ended per hour',
            kind: 'bar',
            axis: 'time',
            stacked: true,
            x: [T0, T0 + H, T0 + 2 * H],
            bucketMs: H,
            unit: 'count',
            series: [
              { name: 'Succeeded', values: [4, 0, 6], tone: 'good' },
              { name: `Failed ${XSS}`, values: [1, null, 2], tone: 'bad' },
            ],
          },
          { type: 'chart', id: 'by_model', title: 'Cost by model', kind: 'bar', axis: 'category', x: [XSS, 'gpt-4o'], unit: 'usd', series: [{ name: 'Cost', values: [0.5, 1.25] }] },
        ],
      },
    ],
  };
}

test('Markdown: figures with comparison, tables, charts as sparklines, every log string escaped', () => {
  const md = renderReport(doc(), 'md').body;
  assert.match(md, /^# Daily summary\n\n2026-01-01 07:00 to 2026-01-02 07:00 \(UTC\)\./);
  assert.match(md, /\| Runs started \| 120 \| 100 \| \\\+20% \|/);
  assert.match(md, /\| Success rate \| 90\.0% \| 95\.0% \| -5\.0 pt \|/);
  assert.match(md, /\| Model cost \| \$1\.23 \| – \|  \|/);
  assert.match(md, /\| 3 \| \\<img src=x onerror=alert\\\(1\\\)\\> \| 2026-01-01 08:00 \| 1\.50 s \|/);
  assert.match(md, /\| 1 \| \\\+cmd\\\|" \/C calc"\\!A0 second line \| 2026-01-01 10:00 \| 1 min 10 s \|/, 'newlines flattened, pipes escaped');
  assert.match(md, /No new error groups\./);
  assert.match(md, /\| Succeeded \| `▆▁█` \| 0 \| 6 \| 10 \|/);
  assert.match(md, /\| \\<img src=x onerror=alert\\\(1\\\)\\> \| \$0\.500 \|/);
  assert.doesNotMatch(md, /(^|[^\\])<img/m);
  assert.doesNotMatch(md, /(^|[^\\])\[a link\]/m);
});

test('HTML: self-contained with a strict CSP, inline SVG charts, no script, every string escaped', () => {
  const html = renderReport(doc(), 'html').body;
  assert.ok(html.startsWith('<!doctype html>'));
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`));
  assert.match(REPORT_CSP, /default-src 'none'/);
  assert.doesNotMatch(REPORT_CSP, /script-src/);
  assert.doesNotMatch(html, /<script|<img|<iframe|javascript:|<[^>]*\son[a-z]+=/i, 'no executable markup anywhere');
  assert.doesNotMatch(html, /(src|href)="http/i, 'nothing fetched');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)'));
  assert.equal((html.match(/<svg /g) ?? []).length, 2, 'one inline SVG per chart');
  assert.match(html, /<div class="label">Success rate<\/div><div class="value">90\.0%<\/div><div class="change bad">-5\.0 pt/);
  assert.match(html, /<td class="n">1\.50 s<\/td>/);
  assert.match(html, /<p class="empty">No new error groups\.<\/p>/);
});

test('CSV: sectioned tables with raw values, ISO times, quoting, and formulas neutralised', () => {
  const csv = renderReport(doc(), 'csv').body;
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'Daily summary: 2026-01-01T07:00:00.000Z to 2026-01-02T07:00:00.000Z');
  assert.equal(lines[1], 'figure,value,unit,previous');
  assert.equal(lines[2], 'Runs started,120,count,100');
  assert.equal(lines[4], 'Model cost,1.2345,usd,');
  assert.ok(lines.includes('Count,Message,Last seen,p95 (ms)'));
  assert.ok(lines.includes('3,<img src=x onerror=alert(1)>,2026-01-01T08:00:00.000Z,1500'));
  assert.ok(lines.includes(`2,"'=HYPERLINK(""http://evil.example"",""click"")",2026-01-01T09:00:00.000Z,`), 'formula cell starts with a quote mark');
  assert.ok(csv.includes(`1,"'+cmd|"" /C calc""!A0\nsecond line"`), 'a + cell is neutralised and the newline kept inside quotes');
  assert.ok(lines.includes('Errors <img src=x onerror=alert(1)>: Runs ended per hour'));
  assert.ok(lines.includes('bucket_start,Succeeded,Failed <img src=x onerror=alert(1)>'));
  assert.ok(lines.includes('2026-01-01T08:00:00.000Z,0,'), 'null stays empty');
  assert.ok(lines.includes('name,Cost (usd)'));
  for (const line of lines) assert.doesNotMatch(line, /(^|,)[=+@-]/, `no cell starts a formula: ${line}`);
});

test('JSON is the document model itself; names and media types per format', () => {
  const d = doc();
  const json = renderReport(d, 'json');
  assert.deepEqual(JSON.parse(json.body), d);
  assert.equal(json.mediaType, 'application/json; charset=utf-8');
  assert.equal(json.fileName, 'daily-2026-01-02T070000Z.json');
  assert.equal(renderReport(d, 'md').markdown, renderReport(d, 'md').body, 'first-version clients read `markdown`');
  assert.equal(renderReport(d, 'html').markdown, undefined);
  assert.equal(renderReport(d, 'csv').mediaType, 'text/csv; charset=utf-8');
  assert.equal(reportStem({ template: 'we/ird', to: Date.UTC(2026, 4, 3, 23, 59, 59) }), 'we_ird-2026-05-03T235959Z');
});

test('sparkline scales between min and max and leaves gaps', () => {
  assert.equal(sparkline([0, 7, null, 14]), '▁▅ █');
  assert.equal(sparkline([5, 5]), '▄▄');
  assert.equal(sparkline([null]), '');
});
