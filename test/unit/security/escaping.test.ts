/**
 * Log strings on their way to people: notifications, reports, documents and
 * the dashboard page. Each is checked with hostile strings (fast-check), so
 * the escaping holds for any text, not just the examples.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReportDocument, RunSummary } from '../../../agent/api/types';
import type { AlertNotification } from '../../../agent/api/alert-types';
import { escapeMarkdown } from '../../../agent/report/escape';
import { renderBody } from '../../../agent/report/render';
import { alertToast } from '../../../src/alerts/model';
import { contentSecurityPolicy, createNonce, dashboardHtml } from '../../../src/dashboard/html';
import { RunEndGrouper } from '../../../src/notify-group';
import { toastSafe } from '../../../src/toast-text';
import { errorMarkdown, errorNode, runNode } from '../../../src/views/model';
import { webhookPayload } from '../../../agent/alerts/webhook';
import { fuzzRuns } from '../../fuzz-settings';
import { nastyString } from '../fuzz/hostile-values';

/** VS Code's own pattern for links in notification messages (vs/base/common/linkedText.ts). */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;
const LINKY = fc.oneof(nastyString, fc.tuple(nastyString, fc.constantFrom('command:workbench.action.terminal.new', 'https://evil.example', 'file:///etc/passwd')).map(([label, target]) => `[${label || 'x'}](${target})`));

test('notifications: a run or alert text holding a markdown link never becomes a clickable command link', () => {
  fc.assert(
    fc.property(LINKY, nastyString, (app, body) => {
      assert.doesNotMatch(toastSafe(app), NOTIFICATION_LINK);
      const grouper = new RunEndGrouper(0);
      grouper.add({ runId: 'r', app, status: 'failed', currentPhase: 'codegen' } as RunSummary, 'failuresAndPartials', 0, 0);
      assert.doesNotMatch(grouper.take(1)!.message, NOTIFICATION_LINK);
      const n = { channels: ['vscode'], firing: [{ fingerprint: 'f' }], severity: 'error', reason: 'new', title: app, body: `${body}${app}` } as unknown as AlertNotification;
      assert.doesNotMatch(alertToast(n, 'warning')!.message, NOTIFICATION_LINK);
    }),
    fuzzRuns(2000),
  );
  assert.equal(toastSafe('Generation of [Fix](command:x) failed'), 'Generation of [Fix]\u200b(command:x) failed', 'the text stays readable');
});

/** A report whose section title, paragraph and table cells all hold `s`, as log strings do. */
function reportWith(s: string): ReportDocument {
  return {
    v: 1, template: 'daily', title: 'Daily', from: 0, to: 3600_000, generatedAt: 3600_000, timezone: 'UTC',
    figures: [{ id: 'runs', label: 'Runs', value: 1, unit: 'count', previous: null }],
    sections: [{
      id: 'errors', title: `Errors ${s}`,
      blocks: [
        { type: 'text', text: s },
        { type: 'table', id: 'top', title: 'Top errors', columns: [{ key: 'n', label: 'Count', unit: 'count' }, { key: 'm', label: 'Message', unit: 'text' }], rows: [[1, s], [2, `${s}\n${s}`]] },
      ],
    }],
  } as unknown as ReportDocument;
}

/** The cells of a CSV text (RFC 4180 quoting), unquoted. */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === '\n') (cells.push(cell.replace(/\r$/, '')), (cell = ''));
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

test('reports: log text is escaped in the HTML, Markdown and CSV reports', () => {
  const tags = (html: string) => (html.match(/</g) ?? []).length;
  const baseline = tags(renderBody(reportWith('plain'), 'html'));
  fc.assert(
    fc.property(fc.oneof(nastyString, fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '</td></tr></table><script>', '=HYPERLINK("http://e")')), (s) => {
      const doc = reportWith(s);
      assert.equal(tags(renderBody(doc, 'html')), baseline, 'no tag comes from the log');
      const md = escapeMarkdown(s, 10_000);
      assert.doesNotMatch(md.replace(/\\./g, ''), /[`*_{}[\]()<>#+!|~&]/, 'every Markdown-active character is escaped');
      assert.doesNotMatch(renderBody(doc, 'md'), /(^|[^\\])</m, 'no raw < reaches the Markdown');
      for (const cell of csvCells(renderBody(doc, 'csv'))) if (cell.includes(s.trim()) && s.trim()) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, cell);
    }),
    fuzzRuns(1000),
  );
});

test('documents: an error shown in a read-only editor keeps log text inside its code blocks', () => {
  fc.assert(
    fc.property(fc.oneof(nastyString, fc.constantFrom('```\n# Heading\n```', '````', '~~~\n[x](command:y)')), (s) => {
      const doc = errorMarkdown({ id: 1, ts: 0, runId: s, category: 'system', severity: 'error', message: s, stack: s, context: { s }, phase: null });
      const fences = doc.split('\n').filter((line) => /^ {0,3}```/.test(line));
      assert.equal(fences.length, 6, 'three blocks open and close, none more');
    }),
    fuzzRuns(2000),
  );
});

test('the dashboard webview: CSP with default-src none and nonce scripts, no unsafe-inline or unsafe-eval for scripts', () => {
  const nonce = createNonce();
  const html = dashboardHtml({ cspSource: 'vscode-resource:', nonce, scripts: ['a.js', 'b.js'], styles: ['s.css'] });
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(meta, 'the page carries a CSP');
  const directives = new Map(meta[1].replace(/&#39;|&apos;/g, "'").split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  const scripts = directives.get('script-src') ?? directives.get('default-src')!;
  assert.deepEqual(scripts, [`'nonce-${nonce}'`]);
  for (const [name, values] of directives) assert.ok(!values.includes("'unsafe-eval'"), `${name} allows eval`);
  assert.ok(!(directives.get('style-src') ?? []).includes("'unsafe-inline'"));
  assert.equal(contentSecurityPolicy({ cspSource: 'vscode-resource:', nonce }), meta[1].replace(/&#39;|&apos;/g, "'"));
  // Every script tag carries the nonce; none is inline.
  for (const tag of html.match(/<script[^>]*>/g) ?? []) assert.match(tag, new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}" src=`));
  // Nonces come from crypto: 18 random bytes, never repeated.
  const nonces = new Set(Array.from({ length: 1000 }, createNonce));
  assert.equal(nonces.size, 1000);
  assert.ok([...nonces].every((n) => /^[A-Za-z0-9+/]{24}$/.test(n)));
});

test('trees: log text becomes plain labels and string tooltips; the only MarkdownString in the extension holds no log text', () => {
  fc.assert(
    fc.property(nastyString, nastyString, (app, message) => {
      const run = runNode({ runId: app || 'r', app, status: 'failed', startedAt: 0, endedAt: null, durationMs: null, errorCount: 1, currentPhase: null } as unknown as RunSummary, 0);
      assert.equal(typeof run.label, 'string');
      assert.ok(run.tooltip === undefined || typeof run.tooltip === 'string');
      const error = errorNode({ id: 1, ts: 0, runId: 'r', category: 'system', severity: 'error', message, stack: null, context: null, phase: null });
      assert.ok(error.tooltip === undefined || typeof error.tooltip === 'string');
    }),
    fuzzRuns(500),
  );
  const src = join(__dirname, '..', '..', '..', 'src');
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
  const withMarkdown = files(src).filter((f) => /new vscode\.MarkdownString\(/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(withMarkdown.map((f) => f.slice(src.length + 1)), ['status.ts']);
  assert.match(readFileSync(join(src, 'status.ts'), 'utf8'), /tooltip\.isTrusted = false/);
});

test('webhooks: Slack mrkdwn from a log (<!channel>, <url|label>) stays text', () => {
  fc.assert(
    fc.property(fc.oneof(nastyString, fc.constantFrom('<!channel>', '<https://evil.example|click>', '<@U123>')), (s) => {
      const payload = webhookPayload({ groupKey: 'g', groupLabels: {}, firing: [], resolved: [], reason: 'new', at: 0 }, s, s);
      assert.doesNotMatch(String(payload.text), /[<>]/);
    }),
    fuzzRuns(500),
  );
});
