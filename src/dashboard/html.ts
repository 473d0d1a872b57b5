/**
 * The dashboard page, shared by the panel and the test harness so both load
 * exactly the same markup under the same Content Security Policy.
 */
import { randomBytes } from 'node:crypto';

export interface DashboardHtmlOptions {
  /** `webview.cspSource` in VS Code; the harness's own origin outside it. */
  cspSource: string;
  nonce: string;
  /** Script URIs, run in this order, each carrying the nonce. */
  scripts: string[];
  styles: string[];
  /** Only the harness sets this: its fake `acquireVsCodeApi` talks to its server. */
  connectSrc?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(o: Pick<DashboardHtmlOptions, 'cspSource' | 'nonce' | 'connectSrc'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    // The nonce lets the kit's one probe `<style>` (is :focus-visible supported?) in, and nothing else inline.
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    ...(o.connectSrc ? [`connect-src ${o.connectSrc}`] : []),
  ].join('; ');
}

export function dashboardHtml(o: DashboardHtmlOptions): string {
  const styles = o.styles.map((href) => `<link rel="stylesheet" href="${attr(href)}">`).join('\n    ');
  const scripts = o.scripts.map((src) => `<script nonce="${attr(o.nonce)}" src="${attr(src)}"></script>`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o))}">
    <meta property="csp-nonce" content="${attr(o.nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>Genmon Dashboard</title>
  </head>
  <body>
    <main id="app" aria-busy="true"></main>
    ${scripts}
  </body>
</html>`;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
