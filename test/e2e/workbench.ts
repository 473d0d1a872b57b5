/// <reference lib="dom" />
/**
 * A real VS Code for the end-to-end scenarios: code-server 4.100 (cached by
 * setup.sh) with the packaged VSIX installed into fresh user-data and
 * extension directories, on a free port, opened in Debian's headless
 * Chromium. It reads what a person sees (tree rows per view, toasts, the
 * status bar, editors, webview frames) and, when a scenario fails, says what
 * was on screen.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { discoveryPath } from '../../agent/api/discovery';
import type { DiscoveryFile } from '../../agent/api/types';
import { apiGet } from '../../agent/cli/client';
import { RunLog } from './run-log';

export const ROOT = join(__dirname, '..', '..');
export const SHOTS = join(ROOT, 'screenshots');
const CACHE = process.env.GENMON_E2E_CACHE ?? join(homedir(), '.cache', 'genmon-e2e');
const CODE_SERVER = join(CACHE, 'code-server', 'node_modules', '.bin', 'code-server');
const VSIX = process.env.GENMON_E2E_VSIX ?? join(ROOT, 'genmon.vsix');

export const DARK = 'Default Dark Modern';
export const LIGHT = 'Default Light Modern';

/** Everything the page said that a person would not want: dialogs, page errors, console errors and warnings. */
export interface PageEvents {
  dialogs: string[];
  pageErrors: string[];
  console: string[];
}

export class Workbench {
  readonly events: PageEvents = { dialogs: [], pageErrors: [], console: [] };
  readonly log: RunLog;

  private constructor(
    readonly dir: string,
    private readonly server: ChildProcess,
    private readonly browser: Browser,
    readonly page: Page,
    readonly url: string,
  ) {
    this.log = new RunLog(this.logDir);
    page.on('dialog', (d) => {
      this.events.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => this.events.pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning' || m.type() === 'log') this.events.console.push(`${m.type()}: ${m.text()}`);
    });
  }

  get workspace(): string {
    return join(this.dir, 'ws');
  }

  get logDir(): string {
    return join(this.dir, 'ws', '.genmon', 'runs');
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Starts code-server with the VSIX installed and opens the workspace in Chromium. */
  static async start(theme = DARK): Promise<Workbench> {
    const dir = mkdtempSync(join(tmpdir(), 'genmon-e2e-'));
    for (const d of ['ud/User', 'ext', 'ws/.genmon/runs', 'data']) mkdirSync(join(dir, d), { recursive: true });
    writeSettings(dir, theme);
    const install = spawnSync(CODE_SERVER, [...dirs(dir), '--install-extension', VSIX], { encoding: 'utf8' });
    if (!/successfully installed/.test(install.stdout)) throw new Error(`the VSIX did not install: ${install.stdout}${install.stderr}`);
    // Port 0: the server picks a free port and prints it. Its own process group, so stopping it takes its children.
    const server = spawn(
      CODE_SERVER,
      ['--auth', 'none', '--bind-addr', '127.0.0.1:0', '--config', join(dir, 'config.yaml'), ...dirs(dir), '--disable-telemetry', '--disable-update-check', join(dir, 'ws')],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${out}`)), 60_000);
      const read = (c: Buffer) => {
        out += c.toString();
        const m = /HTTP server listening on (http:\/\/[^\s/]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      server.stdout!.on('data', read);
      server.stderr!.on('data', read);
      server.on('exit', (code) => reject(new Error(`code-server exited with ${code}:\n${out}`)));
    });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const url = `${base}/?folder=${encodeURIComponent(join(dir, 'ws'))}`;
    const wb = new Workbench(dir, server, browser, page, url);
    await page.goto(url, { timeout: 60_000 });
    await wb.until('the workbench', () => page.$('.monaco-workbench .part.activitybar'), 60_000);
    return wb;
  }

  /** Stops the browser, the agent the extension started and code-server (by the ids started here), and removes the temporary directory. */
  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    const agent = this.discovery();
    if (agent) killQuietly(agent.pid, 'SIGTERM');
    if (this.server.pid) killQuietly(-this.server.pid, 'SIGTERM');
    // The agent writes its last snapshot on SIGTERM: let it finish before its directory goes.
    const deadline = Date.now() + 15_000;
    while (agent && alive(agent.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5 });
  }

  /** The agent the extension started (or restarted), from its discovery file. */
  discovery(): DiscoveryFile | null {
    try {
      return JSON.parse(readFileSync(discoveryPath(this.dataDir), 'utf8')) as DiscoveryFile;
    } catch {
      return null;
    }
  }

  api<T>(path: string): Promise<T> {
    const d = this.discovery();
    if (!d) throw new Error('no agent discovery file');
    return apiGet<T>(d, path);
  }

  /**
   * Polls `check` until it gives a value; on time-out the scenario's failure
   * report says what was on screen, and `seen` (when given) what the check
   * last looked at.
   */
  async until<T>(what: string, check: () => Promise<T | null | false | undefined>, timeoutMs = 30_000, seen?: () => Promise<string>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > deadline) {
        const last = seen ? await seen().catch((e: Error) => `(could not tell: ${e.message})`) : '';
        throw new Error(`${what}: not seen within ${timeoutMs / 1000} s${last ? `; last seen: ${last}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async shot(name: string, selector?: string): Promise<string> {
    mkdirSync(SHOTS, { recursive: true });
    const path = join(SHOTS, `${name}.png`);
    if (selector) await this.page.locator(selector).first().screenshot({ path });
    else await this.page.screenshot({ path });
    return path;
  }

  /** Texts of the visible notification toasts. */
  toasts(): Promise<string[]> {
    return this.page.$$eval('.notification-toast .notification-list-item-message', (els) => els.map((e) => e.textContent ?? ''));
  }

  /** Each visible toast's text and buttons. */
  toastsWithActions(): Promise<{ text: string; actions: string[] }[]> {
    return this.page.$$eval('.notification-toast', (els) =>
      els.map((e) => ({
        text: e.querySelector('.notification-list-item-message')?.textContent ?? '',
        actions: Array.from(e.querySelectorAll('.monaco-button')).map((b) => b.textContent ?? ''),
      })),
    );
  }

  /** Clicks the button `action` of the toast whose text holds `text`. */
  async clickToast(text: string, action: string): Promise<void> {
    await this.page.locator('.notification-toast', { hasText: text }).locator('.monaco-button', { hasText: action }).click();
  }

  /** Answers the open input box whose prompt holds `prompt`. */
  async answer(prompt: string, text: string): Promise<void> {
    await this.until(`the input box "${prompt}"`, async () => ((await this.page.textContent('.quick-input-widget').catch(() => '')) ?? '').includes(prompt));
    await this.page.fill('.quick-input-widget input', text);
    await this.page.keyboard.press('Enter');
  }

  /** The buttons of the toast whose text holds `text`. */
  toastActions(text: string): Promise<string[]> {
    return this.page.$$eval(
      '.notification-toast',
      (els, t) => els.filter((e) => (e.textContent ?? '').includes(t)).flatMap((e) => Array.from(e.querySelectorAll('.monaco-button')).map((b) => b.textContent ?? '')),
      text,
    );
  }

  /** Rows of one view of the sidebar ("Overview", "Runs", …) as "label description", top to bottom; [] when collapsed. */
  rows(view: string): Promise<string[]> {
    return this.page.$$eval(
      '.pane',
      (panes, name) => {
        const pane = panes.find((p) => p.querySelector('.pane-header .title')?.textContent?.trim().toLowerCase() === name.toLowerCase());
        if (!pane) return [];
        const rows = Array.from(pane.querySelectorAll('.pane-body .monaco-list-row')).sort((a, b) => parseFloat((a as HTMLElement).style.top) - parseFloat((b as HTMLElement).style.top));
        return rows.map((r) => [r.querySelector('.label-name')?.textContent, r.querySelector('.label-description')?.textContent].filter(Boolean).join(' '));
      },
      view,
    );
  }

  /** The row of a view that is selected and focused while its list has the keyboard focus, or null. */
  focusedRow(view: string): Promise<string | null> {
    return this.page.$$eval(
      '.pane',
      (panes, name) => {
        const pane = panes.find((p) => p.querySelector('.pane-header .title')?.textContent?.trim().toLowerCase() === name.toLowerCase());
        const row = pane?.querySelector('.monaco-list-row.selected.focused');
        if (!row || !pane!.querySelector('.monaco-list')?.contains(document.activeElement)) return null;
        return row.querySelector('.label-name')?.textContent ?? '';
      },
      view,
    );
  }

  /** The tree view's message line (shown above stale figures while the agent is away). */
  viewMessages(): Promise<string[]> {
    return this.page.$$eval('.pane-body .message:not(.hide)', (els) => els.map((e) => e.textContent ?? '').filter(Boolean));
  }

  /** Every view's rows, for failure reports. */
  async allRows(): Promise<Record<string, string[]>> {
    const names = await this.page.$$eval('.pane .pane-header .title', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    const out: Record<string, string[]> = {};
    for (const n of names) out[n] = (await this.rows(n)).slice(0, 15);
    return out;
  }

  /** Runs a command from the palette (F1), as a person types it. */
  async command(title: string): Promise<void> {
    await this.until(`the command palette`, async () => {
      if (!(await this.page.isVisible('.quick-input-widget'))) await this.page.keyboard.press('F1');
      return this.page.isVisible('.quick-input-widget input');
    }, 15_000);
    await this.page.fill('.quick-input-widget input', `>${title}`);
    await this.pick(title);
  }

  /** Chooses the entry labelled exactly `label` in the open quick pick (a click, as a person would). */
  async pick(label: string): Promise<void> {
    const row = this.page.locator('.quick-input-widget .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
    await this.until(`"${label}" in the quick pick`, async () => (await row.count()) > 0);
    await row.first().click();
  }

  /** The text lines of the active editor that are drawn (Monaco draws what is in view). */
  editorLines(): Promise<string[]> {
    return this.page.$$eval('.editor-group-container.active .monaco-editor .view-lines .view-line', (els) =>
      els
        .sort((a, b) => parseFloat((a as HTMLElement).style.top) - parseFloat((b as HTMLElement).style.top))
        .map((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ')),
    );
  }

  activeTab(): Promise<string> {
    return this.page.$eval('.editor-group-container.active .tab.active', (e) => e.textContent ?? '').catch(() => '');
  }

  /** The frame of the webview whose page defines `global` (a webview is an iframe inside an iframe). */
  async webviewFrame(global: string): Promise<Frame | null> {
    for (const frame of this.page.frames()) {
      if (await frame.evaluate(`typeof window.${global} === 'object'`).catch(() => false)) return frame;
    }
    return null;
  }

  /** Switches the colour theme as a person does (Preferences: Color Theme), and waits for the workbench to follow. */
  async setTheme(theme: string): Promise<void> {
    await this.command('Preferences: Color Theme');
    await this.until('the theme picker', async () => (await this.page.inputValue('.quick-input-widget input')) === '');
    // The picker lists "Light Modern"; settings name it "Default Light Modern".
    const label = theme.replace(/^Default /, '');
    await this.page.fill('.quick-input-widget input', label);
    await this.pick(label);
    const cls = theme === LIGHT ? 'vs' : 'vs-dark';
    await this.until(`the ${theme} theme`, () => this.page.$(`.monaco-workbench.${cls}`), 30_000);
  }

  /** Brings a view's first row into sight (rows scrolled out of view are not in the page), as a person would: focus the view, press Home. */
  async scrollToTop(view: string): Promise<void> {
    await this.command(`Generator Monitor: Focus on ${view} View`);
    await this.until(`the ${view} view focused`, () =>
      this.page.$$eval('.pane', (panes, name) => panes.some((p) => p.querySelector('.pane-header .title')?.textContent?.trim().toLowerCase() === name.toLowerCase() && p.contains(document.activeElement)), view),
    );
    await this.page.keyboard.press('Home');
  }

  /** How many elements in the page and every frame (shadow roots included) match `selector` and hold `text`. */
  async countEverywhere(selector: string, text = ''): Promise<number> {
    let n = 0;
    for (const frame of this.page.frames()) {
      n += await frame
        .evaluate(
          `(() => { let n = 0; const walk = (root) => { n += [...root.querySelectorAll(${JSON.stringify(selector)})].filter((e) => (e.textContent || '').includes(${JSON.stringify(text)})).length; for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot); }; walk(document); return n; })()`,
        )
        .then(Number)
        .catch(() => 0);
    }
    return n;
  }

  /** What a failure report shows: the screenshot, toasts, tree rows, page errors. */
  async describe(name: string): Promise<string> {
    const path = await this.shot(`failed-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch((e: Error) => `(no screenshot: ${e.message})`);
    return [
      `screenshot: ${path}`,
      `toasts: ${JSON.stringify(await this.toasts().catch(() => []))}`,
      `notifications bell: ${await this.page.$eval('.statusbar-item[id*="notifications"] a, .statusbar-item[id*="notifications"]', (e) => e.getAttribute('aria-label') ?? '').catch(() => '?')}`,
      `views: ${JSON.stringify(await this.allRows().catch(() => ({})))}`,
      `dialogs: ${JSON.stringify(this.events.dialogs)}`,
      `page errors: ${JSON.stringify(this.events.pageErrors.slice(-5))}`,
    ].join('\n  ');
  }
}

/** A scenario: a node test whose failure message carries what the workbench showed. */
export function scenario(name: string, wb: () => Workbench | undefined, body: (wb: Workbench) => Promise<void>): void {
  test(name, async () => {
    const w = wb();
    if (!w) throw new Error('the workbench did not start');
    try {
      await body(w);
    } catch (err) {
      // A new error: an AssertionError has already fixed its stack text, so a longer message would not be printed.
      const e = err instanceof Error ? err : new Error(String(err));
      const report = new Error(`${e.message}\n  ${await w.describe(name)}`, { cause: e });
      report.stack = `${report.message}\n${(e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}`;
      throw report;
    }
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function dirs(dir: string): string[] {
  return ['--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'ext')];
}

function writeSettings(dir: string, theme: string): void {
  writeFileSync(
    join(dir, 'ud', 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.colorTheme': theme,
      'workbench.tips.enabled': false,
      // The agent's port would raise code-server's "application running on port" toast.
      'remote.autoForwardPorts': false,
      'genmon.dataDirectory': join(dir, 'data'),
    }),
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
