/**
 * End-to-end: the packaged VSIX in a real VS Code (code-server 4.100) driven
 * in Debian's headless Chromium. `npm run test:e2e` builds the VSIX, runs
 * setup.sh (cached), and these scenarios, saving screenshots to screenshots/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'screenshots');
const CS = join(process.env.GENMON_E2E_CACHE ?? join(homedir(), '.cache', 'genmon-e2e'), 'code-server', 'node_modules', '.bin', 'code-server');
const PORT = 8700 + Math.floor(Math.random() * 200);

let dir: string;
let server: ChildProcess;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

function runLine(event: Record<string, unknown>): string {
  return `${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`;
}

async function shot(name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Texts of every visible notification toast, for failure messages. */
async function toasts(): Promise<string[]> {
  return page.$$eval('.notification-toast .notification-list-item-message', (els) => els.map((e) => e.textContent ?? ''));
}

async function rows(): Promise<string[]> {
  return page.$$eval('.pane-body .monaco-list-row', (els) => els.map((e) => e.textContent ?? ''));
}

async function until<T>(what: string, check: () => Promise<T | null | false | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) {
      const path = await shot(`failed-${what.replace(/\W+/g, '-')}`);
      throw new Error(`${what}: not seen within ${timeoutMs} ms. Screenshot ${path}; toasts: ${JSON.stringify(await toasts())}; rows: ${JSON.stringify((await rows()).slice(0, 20))}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  const setup = spawnSync('bash', [join(__dirname, 'setup.sh')], { stdio: 'inherit' });
  assert.equal(setup.status, 0, 'e2e setup');
  const pkg = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(pkg.status, 0, 'VSIX packaged');
  dir = mkdtempSync(join(tmpdir(), 'genmon-e2e-'));
  for (const d of ['ud/User', 'ext', 'ws/.genmon/runs', 'data']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, 'ud/User/settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'workbench.colorTheme': 'Default Dark Modern', 'genmon.dataDirectory': join(dir, 'data') }),
  );
  const install = spawnSync(CS, ['--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'ext'), '--install-extension', join(ROOT, 'genmon.vsix')], { encoding: 'utf8' });
  assert.match(install.stdout, /successfully installed/);
  server = spawn(CS, ['--auth', 'none', '--bind-addr', `127.0.0.1:${PORT}`, '--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'ext'), '--disable-telemetry', '--disable-update-check', join(dir, 'ws')], { stdio: 'ignore', detached: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await until('the workbench', async () => {
    try {
      await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(join(dir, 'ws'))}`, { timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  }, 60_000);
});

after(async () => {
  await browser?.close();
  try {
    const agent = JSON.parse(readFileSync(join(dir, 'data', 'agent.json'), 'utf8')) as { pid: number };
    process.kill(agent.pid, 'SIGTERM');
  } catch {
    // no agent left
  }
  // Its own process group: code-server's children (language servers, file watcher) go with it.
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the activity-bar icon opens Generator Monitor, which starts the agent and shows the runs view empty', async () => {
  await until('the activity-bar icon', () => page.$('[aria-label="Generator Monitor"]'), 60_000);
  await page.click('[aria-label="Generator Monitor"]');
  await until('the Overview tree', async () => (await rows()).some((r) => r.startsWith('Success rate')));
  await until('the no-runs welcome', async () => (await page.textContent('body'))?.includes('No generator runs yet'));
  await shot('e2e-empty');
});

test('a successful run appears in the Runs tree with its phases, and the Overview changes, without a refresh', async () => {
  const f = join(dir, 'ws/.genmon/runs/a.jsonl');
  appendFileSync(f, runLine({ run_id: 'ok-1', type: 'run.started', app: 'todo-app' }));
  for (const phase of ['blueprint', 'codegen', 'validation', 'deployment']) appendFileSync(f, runLine({ run_id: 'ok-1', type: 'phase.ended', phase, status: 'ok', duration_ms: 1500 }));
  appendFileSync(f, runLine({ run_id: 'ok-1', type: 'run.ended', status: 'success', duration_ms: 6000 }));
  await until('the run in the Runs tree', async () => (await rows()).some((r) => r.startsWith('todo-app')));
  await until('one run ended and a success rate of 100 % in the Overview', async () => {
    const r = await rows();
    return r.includes('Runs1') && r.includes('Success rate100.0 %');
  });
  await page.locator('.monaco-list-row', { hasText: 'todo-app' }).locator('.monaco-tl-twistie').click();
  await until('its phases', async () => (await rows()).some((r) => r.startsWith('codegen1.5 s · ok')));
  await shot('e2e-run');
});

test('a failing run with markup in its message: a toast with actions, shown as text, no script runs', async () => {
  const f = join(dir, 'ws/.genmon/runs/a.jsonl');
  const payload = '<img src=x onerror=alert(1)>';
  appendFileSync(f, runLine({ run_id: 'bad-1', type: 'run.started', app: `shop ${payload}` }));
  appendFileSync(f, runLine({ run_id: 'bad-1', type: 'error', category: 'generation', severity: 'error', message: `codegen failed ${payload}` }));
  appendFileSync(f, runLine({ run_id: 'bad-1', type: 'run.ended', status: 'failed', duration_ms: 2000 }));
  const text = await until('the failure toast', async () => (await toasts()).find((t) => t.includes('failed')));
  assert.ok(text.includes(payload), 'the payload is shown as text');
  const actions = await page.$$eval('.notification-toast .monaco-button', (els) => els.map((e) => e.textContent));
  assert.ok(['Show Run', 'Open Dashboard', 'Mute for 1 h'].every((a) => actions.includes(a)), `actions: ${actions.join(', ')}`);
  assert.equal(await page.$$eval('img[src="x"]', (els) => els.length), 0);
  await shot('e2e-toast');
  await page.click('.notification-toast .monaco-button:has-text("Show Run")');
  await until('the run document', async () => (await page.textContent('.tabs-container'))?.includes('bad-1'));
  assert.deepEqual(dialogs, []);
});

test('killing the agent shows the disconnected state, and it comes back by itself', async () => {
  const agent = JSON.parse(readFileSync(join(dir, 'data', 'agent.json'), 'utf8')) as { pid: number };
  process.kill(agent.pid, 'SIGKILL');
  await until('the disconnected status bar', async () => (await page.$('.statusbar-item [aria-label*="Genmon"] .codicon-debug-disconnect, .statusbar-item .codicon-debug-disconnect')) !== null, 20_000);
  await shot('e2e-disconnected');
  await until('reconnected', async () => {
    const d = JSON.parse(readFileSync(join(dir, 'data', 'agent.json'), 'utf8')) as { pid: number };
    return d.pid !== agent.pid && (await page.$('.statusbar-item .codicon-debug-disconnect')) === null;
  }, 60_000);
});

test('"Genmon: Show Dashboard" from the command palette draws every chart inside the webview, and a new run changes them', async () => {
  await page.keyboard.press('F1');
  await page.keyboard.type('Genmon: Show Dashboard');
  await until('the palette entry', () => page.$('.quick-input-list .monaco-list-row'));
  await page.keyboard.press('Enter');
  // The webview is an iframe inside an iframe; find the frame that has the charts.
  const counts = async () => {
    for (const frame of page.frames()) {
      const c = await frame.evaluate('window.__genmonCharts').catch(() => undefined);
      if (c && typeof c === 'object') return c as Record<string, number>;
    }
    return null;
  };
  const drawn = await until('every chart drawn', async () => {
    const c = await counts();
    return c && Object.keys(c).length >= 8 && Object.values(c).every((n) => n > 0) ? c : null;
  }, 60_000);
  await shot('e2e-dashboard');
  // What a chart draws (the sum of its values) rather than how many bars: a new run may land in a bar that exists.
  const totals = async () => {
    for (const frame of page.frames()) {
      const t = await frame.evaluate('window.__genmonChartTotals').catch(() => undefined);
      if (t && typeof t === 'object') return t as Record<string, number>;
    }
    return null;
  };
  const before = (await totals())?.['duration-histogram'];
  assert.ok(drawn['duration-histogram'] > 0 && before !== undefined);
  const f = join(dir, 'ws/.genmon/runs/a.jsonl');
  appendFileSync(f, runLine({ run_id: 'live-1', type: 'run.started', app: 'live' }) + runLine({ run_id: 'live-1', type: 'run.ended', status: 'success', duration_ms: 12_000 }));
  await until('the charts to change live', async () => {
    const t = await totals();
    return t && t['duration-histogram'] !== before;
  }, 30_000);
});
