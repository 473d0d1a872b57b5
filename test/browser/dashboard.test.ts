/// <reference lib="dom" />
/**
 * The built dashboard in real headless Chromium (Debian's, driven by
 * playwright-core) against a real agent holding demo history: every chart
 * draws data, and a log message carrying markup shows as text.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunSummary } from '../../agent/api/types';
import { writeDemoHistory } from '../../agent/demo';
import { startHarness, type Harness } from '../../src/dashboard/harness/server';
import { eventually, line, startAgent, workspace, type AgentProcess, type Workspace } from '../integration/harness';

const XSS = '<img src=x onerror=alert(1)>';
export const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');

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
  // The sampler runs so the resource charts have points.
  agent = await startAgent(ws, ['--sampler', '--interval', '500']);
  await eventually(async () => (await agent.get<RunSummary[]>('/runs?limit=1000')).length >= 301, 'the demo history ingested', 30_000);
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

async function openDashboard(theme: string): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
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
  await page.goto(`${harness.url}?agent=${encodeURIComponent(d.url)}&token=${encodeURIComponent(d.token)}&range=24h&theme=${theme}`);
  return { page, dialogs, errors };
}

test('every chart draws data from the agent', async () => {
  const { page, errors } = await openDashboard('dark');
  const counts = await eventually(async () => {
    const c = await page.evaluate(() => (window as unknown as { __genmonCharts?: Record<string, number> }).__genmonCharts ?? {});
    const ids = Object.keys(c);
    return ids.length >= 8 && ids.every((id) => c[id] > 0) ? c : null;
  }, 'all charts to draw', 30_000);
  for (const [id, n] of Object.entries(counts)) assert.ok(n > 0, `${id} drew ${n} points`);
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], 'no CSP violations');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-dark.png'), fullPage: true });
  await page.close();
});

test('a message holding markup is shown as text, and no script runs', async () => {
  const { page, dialogs } = await openDashboard('light');
  const found = await eventually(async () => {
    // A string, not a function: tsx's name-keeping helpers would not exist in the page.
    return page.evaluate(`(() => {
      const needle = ${JSON.stringify(XSS)};
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot && walk(el.shadowRoot)) return true;
          for (const n of el.childNodes) if (n.nodeType === 3 && (n.textContent || '').includes(needle)) return true;
        }
        return false;
      };
      return walk(document);
    })()`);
  }, 'the payload as text', 30_000);
  assert.equal(found, true);
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"]').length);
  assert.equal(injected, 0, 'no <img> element was created from the message');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(dialogs, [], 'no alert() ran');
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-light.png'), fullPage: true });
  await page.close();
});
