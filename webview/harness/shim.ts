/**
 * Stands in for VS Code inside the harness page: `acquireVsCodeApi` posts to
 * the harness server, which runs the same controller as the panel, and
 * messages come back over Server-Sent Events as `message` events on
 * `window`. Also applies a theme the way VS Code does. Loaded before the
 * dashboard script, with the same nonce.
 */
import type { DashboardState, HostMessage, WebviewMessage } from '../../src/dashboard/protocol';
import { THEMES, type ThemeKind } from './themes';

declare global {
  interface Window {
    acquireVsCodeApi(): { postMessage(message: WebviewMessage): void; getState(): unknown; setState(state: DashboardState): void };
    /** For tests: switch the theme like VS Code would, or read what the host sent. */
    __genmonHarness: { setTheme(kind: ThemeKind): void; received: HostMessage['type'][] };
  }
}

const script = document.currentScript as HTMLScriptElement;
const session = new URL(script.src).searchParams.get('session') ?? '';
const page = new URLSearchParams(location.search);
const base = `/session/${encodeURIComponent(session)}`;
const stateKey = `genmon-dashboard-state:${location.search}`;

function setTheme(kind: ThemeKind): void {
  const theme = THEMES[kind] ?? THEMES.dark;
  const root = document.documentElement.style;
  for (const [name, value] of Object.entries(theme.vars)) root.setProperty(`--vscode-${name}`, value);
  const apply = () => {
    document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
    document.body.classList.add(theme.bodyClass);
    document.body.dataset.vscodeThemeKind = theme.bodyClass;
  };
  if (document.body) apply();
  else document.addEventListener('DOMContentLoaded', apply, { once: true });
}

const received: HostMessage['type'][] = [];
window.__genmonHarness = { setTheme, received };
setTheme((page.get('theme') as ThemeKind | null) ?? 'dark');

let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi can only be called once');
  acquired = true;
  const events = new EventSource(`${base}/events`);
  events.onmessage = (event: MessageEvent<string>) => {
    const message = JSON.parse(event.data) as HostMessage;
    received.push(message.type);
    window.dispatchEvent(new MessageEvent('message', { data: message }));
  };
  const initialRange = page.get('range');
  return {
    postMessage: (message) => {
      void fetch(`${base}/message`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(message) });
    },
    getState: () => {
      const stored = sessionStorage.getItem(stateKey);
      return stored ? JSON.parse(stored) : initialRange ? { range: initialRange } : undefined;
    },
    setState: (state) => sessionStorage.setItem(stateKey, JSON.stringify(state)),
  };
};
