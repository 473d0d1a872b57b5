/// <reference lib="dom" />
/**
 * The built dashboard in real headless Chromium (Debian's, driven by
 * playwright-core) against a real agent holding demo history: every chart on
 * each of the four tabs draws data, the filters change what is drawn, the
 * view survives a reload, new runs show up live, no CSP violation, and a log
 * message carrying markup shows as text on the Errors dashboard.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HistogramResult, RunSummary } from '../../agent/api/types';
import { writeDemoHistory } from '../../agent/demo';
import { startHarness, type Harness } from '../../src/dashboard/harness/server';
import { eventually, line, startAgent, workspace, type AgentProcess, type Workspace } from '../integration/harness';

const XSS = '<img src=x onerror=alert(1)>';
export const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');
const TABS = ['overview', 'performance', 'errors', 'usage'] as const;
type Tab = (typeof TABS)[number];
/** Charts each tab must draw, at the least (a tab may grow more; every one it has must draw). */
const CHARTS: Record<Tab, string[]> = {
  overview: ['success-rate', 'attempts', 'funnel', 'phase-percentiles', 'duration-histogram', 'overview-errors', 'overview-cpu', 'overview-memory'],
  performance: [
    'phase-p95', 'phase-histogram-blueprint', 'phase-histogram-codegen', 'phase-histogram-validation', 'phase-histogram-deployment',
    'inference-histogram', 'batch-histogram', 'queue-length', 'utilization', 'api-histogram', 'request-rate', 'api-error-rate',
    'api-saturation', 'db-histogram', 'db-pool', 'cpu', 'memory', 'disk', 'network', 'processes', 'disk-usage',
  ],
  errors: ['errors-by-category', 'errors-by-severity', 'errors-by-phase', 'group-states', 'group-trends', 'group-frequency', 'group-correlations'],
  usage: [
    'usage-funnel', 'step-time', 'session-histogram', 'features-per-run', 'feature-popularity', 'cost-per-day', 'waste-per-day',
    'waste-by-kind', 'cost-by-project-type', 'tokens-by-model',
  ],
};

let ws: Workspace;
let agent: AgentProcess;
let harness: Harness;
let browser: Browser;

before(async () => {
  ws = workspace();
  const now = Date.now();
  await writeDemoHistory({ file: join(ws.logDir, 'history.jsonl'), runs: 300, from: now - 20 * 3600_000, to: now - 60_000, seed: 7 });
  appendFileSync(
    join(ws.logDir, 'xss.jsonl'),
    line({ run_id: 'xss-run', type: 'run.started', app: XSS }) +
      line({ run_id: 'xss-run', type: 'error', category: 'system', severity: 'critical', message: XSS, stack: `Error: ${XSS}\n    at x (a.js:1:1)` }) +
      line({ run_id: 'xss-run', type: 'run.ended', status: 'failed', duration_ms: 10 }),
  );
  // The sampler runs so the machine charts have points.
  agent = await startAgent(ws, ['--sampler', '--interval', '500']);
  await eventually(async () => (await agent.get<RunSummary[]>('/runs?limit=1000')).length >= 301, 'the demo history ingested', 30_000);
  // Sessions end when the agent's minute tick finds them idle past the session timeout; the first tick may come before the history is read.
  const sessionsClosed = async () => {
    await new Promise((r) => setTimeout(r, 500));
    const h = await agent.get<HistogramResult>(`/histogram?metric=genmon_session_duration_seconds&from=${now - 24 * 3600_000}&to=${Date.now()}`);
    return h.series.some((x) => x.count > 0);
  };
  await eventually(sessionsClosed, 'the demo sessions closed by the agent', 90_000);
  harness = await startHarness();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await harness?.close();
  await agent?.stop();
  ws?.dispose();
});

interface Opened {
  page: Page;
  dialogs: string[];
  errors: string[];
}

async function openDashboard(theme: string, range = '24h'): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const d = agent.discovery!;
  await page.goto(`${harness.url}?agent=${encodeURIComponent(d.url)}&token=${encodeURIComponent(d.token)}&range=${range}&theme=${theme}`);
  return { page, dialogs, errors };
}

type Counts = Record<string, number>;
const charts = (page: Page) => page.evaluate(() => (window as unknown as { __genmonCharts?: Counts }).__genmonCharts ?? {});
const totals = (page: Page) => page.evaluate(() => (window as unknown as { __genmonChartTotals?: Counts }).__genmonChartTotals ?? {});
const view = (page: Page) => page.evaluate(() => (window as unknown as { __genmonView?: { tab: string; range: string; filters: Record<string, string> } }).__genmonView);

/** Switches tab like a user and waits until every chart of it has drawn points. */
async function showTab(page: Page, tab: Tab): Promise<Counts> {
  await page.click(`#tab-${tab}`);
  return eventually(async () => {
    const c = await charts(page);
    const ids = Object.keys(c);
    return (await view(page))?.tab === tab && CHARTS[tab].every((id) => ids.includes(id)) && ids.every((id) => c[id] > 0) ? c : null;
  }, `every chart of the ${tab} tab to draw`, 30_000).catch(async (err: Error) => {
    const c = await charts(page);
    throw new Error(`${err.message}; drawn: ${JSON.stringify(c)}; notes: ${await notes(page)}`);
  });
}

/** Why panels have nothing, as the page says it. */
const notes = (page: Page) =>
  page.evaluate(`Array.from(document.querySelectorAll('.note'), (n) => n.textContent || '').filter((t) => t.startsWith('not available')).join(' | ')`);

const cspViolations = (errors: string[]) => errors.filter((e) => /Content Security Policy|Refused/.test(e));

for (const theme of ['dark', 'light'] as const) {
  test(`every chart of every dashboard draws data from the agent (${theme} theme), with no CSP violation`, async () => {
    const { page, errors } = await openDashboard(theme);
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const tab of TABS) {
      const counts = await showTab(page, tab);
      for (const [id, n] of Object.entries(counts)) assert.ok(n > 0, `${tab}: ${id} drew ${n} points`);
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${tab}-${theme}.png`), fullPage: true });
    }
    assert.deepEqual(cspViolations(errors), [], 'no CSP violations');
    await page.close();
  });
}

/** Picks `value` (the first real one when absent) in the filter dropdown like a user; returns it. */
async function pickFilter(page: Page, key: string, value?: string): Promise<string> {
  const dropdown = `vscode-dropdown[data-filter="${key}"]`;
  const values = await eventually(async () => {
    const v = await page.$$eval(`${dropdown} vscode-option`, (options) => options.map((o) => o.getAttribute('value') ?? ''));
    return v.length > 2 ? v : null;
  }, `${key} values in the filter`, 20_000);
  const chosen = value ?? values.find((v) => v !== '')!;
  await page.click(dropdown);
  await page.click(`${dropdown} vscode-option[value="${chosen}"]`);
  await eventually(async () => ((await view(page))?.filters[key] ?? '') === chosen, `the ${key} filter applied`, 10_000);
  return chosen;
}

/** Waits until `pick(totals)` is above 0 and below `before`. */
const narrowed = (page: Page, pick: (t: Counts) => number, before: number, what: string) =>
  eventually(async () => {
    const t = await totals(page);
    return pick(t) > 0 && pick(t) < before ? t : null;
  }, what, 20_000);

test('the filters, filled from the agent, narrow what is drawn, and "All" brings everything back', async () => {
  const { page } = await openDashboard('dark');
  await showTab(page, 'overview');
  const before = await totals(page);
  for (const key of ['project_type', 'model', 'user']) {
    const value = await pickFilter(page, key);
    const t = await narrowed(page, (x) => x.attempts, before.attempts, `fewer runs by outcome for ${key} ${value}`);
    assert.ok(t['duration-histogram'] < before['duration-histogram'], `${key}: the duration histogram counts fewer runs`);
    assert.ok(t.funnel < before.funnel, `${key}: the funnel holds fewer runs`);
    await pickFilter(page, key, '');
    await eventually(async () => (await totals(page)).attempts === before.attempts, `the unfiltered figures again after ${key}`, 20_000);
  }

  await showTab(page, 'usage');
  const cost = await totals(page);
  await pickFilter(page, 'model');
  await narrowed(page, (x) => x['cost-per-day'], cost['cost-per-day'], 'less cost per day under one model');
  await page.close();
});

test('tab, range and filters survive a reload of the webview', async () => {
  const { page } = await openDashboard('dark');
  await showTab(page, 'errors');
  await page.click('vscode-dropdown[aria-label="Time range"]');
  await page.click('vscode-dropdown[aria-label="Time range"] vscode-option[value="7d"]');
  await eventually(async () => (await view(page))?.range === '7d', 'the range applied', 10_000);
  const ranges = await page.$$eval('vscode-dropdown[aria-label="Time range"] vscode-option', (options) => options.map((o) => o.getAttribute('value')));
  assert.deepEqual(ranges, ['15m', '1h', '24h', '7d', '30d', '90d', '1y'], 'the agent keeps years of daily rollups, so the picker reaches a year');
  const saved = await view(page);
  await page.reload();
  await eventually(async () => {
    const v = await view(page);
    return v?.tab === 'errors' && v.range === '7d' ? v : null;
  }, 'the restored view', 20_000);
  assert.deepEqual(await view(page), saved);
  const active = await page.evaluate(() => document.querySelector('vscode-panels')?.getAttribute('activeid'));
  assert.equal(active, 'tab-errors');
  await page.close();
});

test('new runs show up live, without a reload', async () => {
  const { page } = await openDashboard('dark', '1h');
  await showTab(page, 'overview');
  const before = (await totals(page)).attempts;
  // Ended a moment ago, so the runs are inside the range the dashboard asks for.
  const ts = Date.now() - 10_000;
  let lines = '';
  for (let i = 0; i < 3; i++) {
    lines += line({ run_id: `live-${i}`, type: 'run.started', app: 'live', ts }) + line({ run_id: `live-${i}`, type: 'run.ended', status: 'success', duration_ms: 9000, ts: ts + 9000 });
  }
  appendFileSync(join(ws.logDir, 'live.jsonl'), lines);
  await eventually(async () => (await totals(page)).attempts >= before + 3, 'the new runs in the outcome chart', 30_000);
  await page.close();
});

test('an error message holding markup is shown as text on the Errors dashboard, and no script runs', async () => {
  const { page, dialogs, errors } = await openDashboard('light');
  await showTab(page, 'errors');
  const found = await eventually(async () => {
    // A string, not a function: tsx's name-keeping helpers would not exist in the page.
    return page.evaluate(`(() => {
      const needle = ${JSON.stringify(XSS)};
      const table = document.querySelector('[data-table="error-groups"]');
      if (!table) return false;
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot && walk(el.shadowRoot)) return true;
          for (const n of el.childNodes) if (n.nodeType === 3 && (n.textContent || '').includes(needle)) return true;
        }
        return false;
      };
      return walk(table);
    })()`);
  }, 'the payload as text in the error groups', 30_000);
  assert.equal(found, true);
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"]').length);
  assert.equal(injected, 0, 'no <img> element was created from the message');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(dialogs, [], 'no alert() ran');
  assert.deepEqual(cspViolations(errors), [], 'no CSP violations');
  await page.close();
});
