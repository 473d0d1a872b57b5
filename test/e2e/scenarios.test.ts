/**
 * End-to-end: the packaged VSIX in a real VS Code (code-server 4.100) driven
 * in Debian's headless Chromium, asserting on what a person sees. The
 * scenarios share one workbench and run in order; each saves screenshots to
 * screenshots/ (`npm run test:e2e -- --update-docs` copies the README's from
 * there). A new view or dashboard gets a scenario here with the same helpers:
 * `wb.rows('Alerts')`, `wb.toastActions(...)`, `wb.command('Genmon: ...')`
 * and `charts(wb)` for any webview that publishes `window.__genmonCharts`.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { RunSummary } from '../../agent/api/types';
import { DARK, LIGHT, scenario, Workbench } from './workbench';

const XSS = '<img src=x onerror=alert(1)>';
const HOUR = 3600_000;

let wb: Workbench | undefined;
const w = () => wb;

before(async () => {
  wb = await Workbench.start(DARK);
});

after(async () => {
  await wb?.stop();
});

/**
 * Chart id → points drawn on the tab shown, and how many canvases that tab
 * shows (the other tabs' canvases are in the page but hidden), or null before
 * the dashboard has loaded.
 */
async function charts(w: Workbench): Promise<{ points: Record<string, number>; canvases: number } | null> {
  const frame = await w.webviewFrame('__genmonCharts');
  if (!frame) return null;
  return frame
    .evaluate(`({ points: window.__genmonCharts, canvases: [...document.querySelectorAll('canvas')].filter((c) => c.getClientRects().length > 0).length })`)
    .catch(() => null) as Promise<{
    points: Record<string, number>;
    canvases: number;
  } | null>;
}

const everyChartDrawn = (c: Awaited<ReturnType<typeof charts>>) =>
  c !== null && c.canvases > 0 && Object.keys(c.points).length === c.canvases && Object.values(c.points).every((n) => n > 0);

scenario('the activity-bar icon opens Generator Monitor; it starts the agent and the Runs view shows its welcome while no runs exist', w, async (wb) => {
  await wb.until('the Generator Monitor icon in the activity bar', () => wb.page.$('.activitybar [aria-label="Generator Monitor"]'), 60_000);
  await wb.page.click('.activitybar [aria-label="Generator Monitor"]');
  await wb.until('the Overview tree', async () => (await wb.rows('Overview')).some((r) => r.startsWith('Attempts 0')), 60_000);
  await wb.until('the no-runs welcome in the Runs view', async () => (await wb.page.textContent('.sidebar'))?.includes('No generator runs yet'));
  await wb.shot('e2e-1-empty');
});

scenario('a successful run appears in the Runs tree with its phases, and the Overview changes, without a refresh', w, async (wb) => {
  wb.log.run('a.jsonl', 'ok-1', { app: 'todo-app', status: 'success' });
  await wb.until('the run in the Runs tree', async () => (await wb.rows('Runs')).some((r) => r.startsWith('todo-app')));
  await wb.until('Successes 1 in the Overview', async () => (await wb.rows('Overview')).includes('Successes 1'));
  await wb.page.locator('.pane-body .monaco-list-row', { hasText: 'todo-app' }).locator('.monaco-tl-twistie').click();
  await wb.until('its four phases', async () => {
    const rows = await wb.rows('Runs');
    return ['blueprint', 'codegen', 'validation', 'deployment'].every((p) => rows.includes(`${p} 1.5 s · ok`));
  });
  await wb.shot('e2e-2-run');
});

scenario('a new kind of error fires an alert: a toast with Acknowledge, Silence 1 h and Show; Show selects it in the Alerts tree; a silence typed in the palette mutes the rest', w, async (wb) => {
  wb.log.run('a.jsonl', 'alert-1', { app: 'crm-lite', status: 'failed', error: { category: 'system', message: 'disk quota exceeded while writing the bundle' } });
  const toast = await wb.until('the alert toast', async () => (await wb.toastsWithActions()).find((t) => t.actions.includes('Acknowledge')));
  assert.match(toast.text, /NewErrorGroup|new error group/i);
  assert.match(toast.text, /disk quota exceeded/);
  assert.deepEqual(toast.actions, ['Acknowledge', 'Silence 1 h', 'Show']);
  await wb.clickToast(toast.text, 'Show');
  await wb.until('the alert selected and focused in the Alerts tree', async () => (await wb.focusedRow('Alerts'))?.startsWith('NewErrorGroup'));
  assert.ok((await wb.rows('Alerts')).includes('Firing 1'), `Alerts: ${(await wb.rows('Alerts')).join(' | ')}`);
  await wb.shot('e2e-3-alert');

  // Every error group of the history to come would be new: silence them, as a person would from the palette.
  await wb.command('Genmon: Silence Alerts…');
  await wb.answer('Matchers', 'alertname="NewErrorGroup"');
  await wb.pick('1 hour');
  await wb.answer('Why', 'the e2e suite writes a day of history');
  await wb.until('the silence and the silenced alert in the Alerts tree', async () => {
    const rows = await wb.rows('Alerts');
    return rows.includes('Silences 1') && rows.includes('Silenced 1') && rows.includes('Firing 0');
  });
});

scenario('a failing run: a toast with Show Run, Open Dashboard and Mute for 1 h; Show Run selects it in the Runs tree though it is older than the runs listed', w, async (wb) => {
  // Twenty hours of history, ended before any alert rule's window (and long ago: no run toasts), then a failing run with 110 newer runs started after it.
  await wb.log.history('history.jsonl', 300, Date.now() - 20 * HOUR, Date.now() - 65 * 60_000);
  const t0 = Date.now() - 120_000;
  wb.log.run('b.jsonl', 'old-fail', { app: 'invoice-portal', status: 'failed', endedAt: t0 - 1000, error: { category: 'generation', message: 'model refused the schema' } });
  for (let i = 0; i < 110; i++) wb.log.run('c.jsonl', `newer-${i}`, { app: `landing-${i}`, status: 'success', endedAt: t0 + i * 1000 });
  const expected = wb.log.counts(Date.now() - 24 * HOUR, Date.now());
  await wb.until(`Attempts ${expected.attempts} in the Overview`, async () => (await wb.rows('Overview')).includes(`Attempts ${expected.attempts}`), 60_000);
  // The history's runs that never ended are older than the run timeout: the agent's sweep (once a minute) calls them abandoned.
  await wb.until(`Abandoned ${expected.abandoned} in the Overview`, async () => (await wb.rows('Overview')).includes(`Abandoned ${expected.abandoned}`), 120_000);
  const page = await wb.api<RunSummary[]>('/runs?limit=100');
  assert.ok(!page.some((r) => r.runId === 'old-fail'), 'the failing run is older than the 100 runs the tree lists');

  const toast = await wb.until('the failure toast', async () => (await wb.toasts()).find((t) => t.includes('invoice-portal')));
  assert.equal(toast, 'Generation of invoice-portal failed in codegen');
  assert.deepEqual(await wb.toastActions('invoice-portal'), ['Show Run', 'Open Dashboard', 'Mute for 1 h']);
  await wb.page.locator('.notification-toast', { hasText: 'invoice-portal' }).locator('.monaco-button', { hasText: 'Show Run' }).click();
  await wb.until('the run selected and focused in the Runs tree', async () => (await wb.focusedRow('Runs')) === 'invoice-portal');
  assert.ok((await wb.rows('Runs')).some((r) => r.startsWith('invoice-portal') && r.includes('shown on request')));
  await wb.until('its details in an editor', async () => (await wb.activeTab()).includes('old-fail'));
  await wb.shot('e2e-4-show-run');
});

scenario('"Genmon: Show Dashboard" from the palette: every chart draws inside the webview, in the dark and the light theme, and changes when a run arrives', w, async (wb) => {
  // Earlier toasts would cover the charts in the screenshots.
  await wb.command('Notifications: Clear All Notifications');
  await wb.until('no toasts', async () => (await wb.toasts()).length === 0);
  await wb.command('Genmon: Show Dashboard');
  const drawn = await wb.until('every chart drawn', async () => {
    const c = await charts(wb);
    return everyChartDrawn(c) ? c : null;
  }, 60_000, async () => `charts: ${JSON.stringify(await charts(wb))}`);
  await wb.shot('e2e-5-dashboard-dark');
  await wb.shot('e2e-5-dashboard-dark-editor', '.part.editor');

  await wb.setTheme(LIGHT);
  const frame = (await wb.webviewFrame('__genmonCharts'))!;
  await wb.until('the webview in the light theme', () => frame.evaluate(`document.body.classList.contains('vscode-light')`));
  await wb.until('every chart drawn in the light theme', async () => everyChartDrawn(await charts(wb)));
  await wb.shot('e2e-5-dashboard-light');
  await wb.setTheme(DARK);
  await wb.until('the webview in the dark theme', () => frame.evaluate(`document.body.classList.contains('vscode-dark')`));

  // A run that ends adds one to the newest bucket of Runs by outcome, and to the Attempts tile.
  assert.ok(drawn.points.attempts !== undefined, `charts: ${Object.keys(drawn.points).join(', ')}`);
  const totals = () => frame.evaluate(`window.__genmonChartTotals`) as Promise<Record<string, number>>;
  const before = (await totals()).attempts;
  wb.log.run('a.jsonl', 'live-1', { app: 'live', status: 'success' });
  const attempts = wb.log.counts(Date.now() - 24 * HOUR, Date.now()).attempts;
  await wb.until(`Attempts ${attempts} on the dashboard and one more run on Runs by outcome`, async () => {
    const tile = await frame.evaluate(`document.querySelector('[data-tile="attempts"] .tile-value')?.textContent`);
    return tile === attempts.toLocaleString('en-US') && (await totals()).attempts === before + 1;
  }, 30_000, async () => `tile ${await frame.evaluate(`document.querySelector('[data-tile="attempts"] .tile-value')?.textContent`)}, runs by outcome ${(await totals()).attempts} (before ${before})`);
});

scenario('a run whose app name and error message hold markup: text in the toast, the Runs and Errors trees and the dashboard; no script runs', w, async (wb) => {
  const app = `shop ${XSS}`;
  wb.log.run('d.jsonl', 'xss-1', { app, status: 'failed', error: { category: 'deployment', message: `deploy failed ${XSS}<script>console.log("genmon-pwned")</script>` } });

  await wb.until('the toast, with the markup as text', async () => (await wb.toasts()).includes(`Generation of ${app} failed in codegen`));
  await wb.scrollToTop('Runs');
  await wb.until('the Runs tree row, with the markup as text', async () => (await wb.rows('Runs')).some((r) => r.startsWith(app)));
  await wb.shot('e2e-6-markup-views');

  await wb.scrollToTop('Errors');
  await wb.page.locator('.pane', { has: wb.page.locator('.pane-header .title', { hasText: /^Errors$/ }) }).locator('.monaco-list-row', { hasText: /^deployment/ }).click();
  await wb.until('the Errors tree row, with the markup as text', async () => (await wb.rows('Errors')).some((r) => r.includes(`deploy failed ${XSS}<script>`)));

  const frame = (await wb.webviewFrame('__genmonCharts'))!;
  await wb.until('the dashboard\'s recent runs, with the markup as text', () =>
    frame.evaluate(`(() => {
      const needle = ${JSON.stringify(app)};
      const walk = (root) => [...root.querySelectorAll('*')].some((el) => (el.shadowRoot && walk(el.shadowRoot)) || [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent === needle));
      return walk(document);
    })()`),
  );
  await wb.shot('e2e-6-markup-dashboard');

  assert.equal(await wb.countEverywhere('img[src="x"]'), 0, 'no <img> was made from the markup, in the workbench or any webview');
  assert.equal(await wb.countEverywhere('script', 'genmon-pwned'), 0, 'no <script> was made from the markup');
  assert.deepEqual(wb.events.dialogs, [], 'no alert() ran');
  assert.deepEqual(wb.events.console.filter((m) => /genmon-pwned|inline event handler/i.test(m)), [], 'no script ran and none was blocked');
});

scenario('"Genmon: Show Report" opens a Markdown report whose counts are the runs and errors written', w, async (wb) => {
  await wb.command('Genmon: Show Report');
  await wb.pick('Last 24 hours');
  const want = wb.log.counts(Date.now() - 24 * HOUR, Date.now());
  const lines = await wb.until('the report in an editor', async () => {
    const l = await wb.editorLines();
    return l.some((x) => x.startsWith('# Daily summary')) && l.some((x) => x.startsWith('| Still running')) ? l : null;
  }, 30_000, async () => `editor lines: ${JSON.stringify((await wb.editorLines()).slice(0, 12))}; tab: ${await wb.activeTab()}`);
  // "| Runs started | 414 | 0 | new |": a figure's label and its value in this range (the first table that names it).
  const figures = new Map<string, string>();
  for (const c of lines.map((l) => l.split('|').map((x) => x.trim()))) if (c.length >= 4 && !figures.has(c[1])) figures.set(c[1], c[2]);
  const rate = want.successes / (want.successes + want.failures + want.partials + want.abandoned);
  const count = (n: number) => n.toLocaleString('en-US');
  assert.deepEqual(
    ['Runs started', 'Success rate', 'Failed runs', 'Succeeded', 'Partial', 'Abandoned', 'Still running'].map((f) => [f, figures.get(f)]),
    [
      ['Runs started', count(want.attempts)], ['Success rate', `${(rate * 100).toFixed(1)}%`], ['Failed runs', count(want.failures)],
      ['Succeeded', count(want.successes)], ['Partial', count(want.partials)], ['Abandoned', count(want.abandoned)], ['Still running', count(want.running)],
    ],
  );
  await wb.shot('e2e-7-report');
  // The errors by category are further down, past the top errors and new groups: find them as a person would.
  await wb.page.keyboard.press('Control+f');
  await wb.until('the find widget', () => wb.page.isVisible('.editor-group-container.active .find-widget.visible textarea, .editor-group-container.active .find-widget.visible input'));
  await wb.page.keyboard.type('| Category | Count');
  await wb.page.keyboard.press('Enter');
  await wb.page.keyboard.press('Escape');
  const byCategory = await wb.until('the errors by category', async () => {
    const l = await wb.editorLines();
    const i = l.findIndex((x) => x.startsWith('| Category | Count'));
    return i >= 0 && l.length > i + 5 ? l.slice(i + 2, i + 6) : null;
  }, 30_000, async () => `editor lines: ${JSON.stringify(await wb.editorLines())}`);
  assert.deepEqual(byCategory, Object.entries(want.errorsByCategory).map(([c, n]) => `| ${c} | ${count(n)} |`));
});

scenario('killing the agent: the status bar and the views show it is away, and the extension starts it again', w, async (wb) => {
  await wb.page.evaluate(`(() => {
    window.__genmonSeen = { disconnected: false, messages: [] };
    const look = () => {
      if (document.querySelector('.statusbar-item .codicon-debug-disconnect')) window.__genmonSeen.disconnected = true;
      for (const m of document.querySelectorAll('.pane-body .message:not(.hide)')) if (m.textContent && !window.__genmonSeen.messages.includes(m.textContent)) window.__genmonSeen.messages.push(m.textContent);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  })()`);
  const agent = wb.discovery()!;
  process.kill(agent.pid, 'SIGKILL');
  const seen = await wb.until('the disconnected state in the status bar and the views', async () => {
    const s = (await wb.page.evaluate('window.__genmonSeen')) as { disconnected: boolean; messages: string[] };
    return s.disconnected && s.messages.some((m) => /not reachable|Starting the Genmon agent/.test(m)) ? s : null;
  }, 30_000);
  await wb.shot('e2e-8-agent-away');
  await wb.until('a new agent, connected', async () => {
    const d = wb.discovery();
    return d !== null && d.pid !== agent.pid && !(await wb.page.$('.statusbar-item .codicon-debug-disconnect')) && (await wb.viewMessages()).length === 0;
  }, 60_000);
  wb.log.run('a.jsonl', 'after-restart', { app: 'after-restart', status: 'success' });
  await wb.scrollToTop('Runs');
  await wb.until('a run written after the restart in the Runs tree', async () => (await wb.rows('Runs')).some((r) => r.startsWith('after-restart')));
  assert.ok(seen.messages.length > 0);
});
