/**
 * The extension as it ships: `npm run package` (the production build and the
 * VSIX), then the sizes of the bundles and the VSIX, and the time to load and
 * activate dist/extension.js, each run in a fresh Node process with the
 * recording `vscode` stub (bench/vscode-stub.ts). Beside it, the same harness
 * loading a one-command extension: what any extension costs here, the floor.
 *
 * The stub answers at once, where a real VS Code does work behind each call
 * (creating views, the status bar item); this measures the extension's own
 * share, which is what its code controls. Settings: agent mode `external`
 * and an empty data directory, so activation looks for an agent, finds none,
 * and starts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivationReport } from './activation-child';
import { bundleScript, percentileOf, ROOT, type Bench, type Row } from './lib';

const KB = 1000;

function sizeKb(path: string): number {
  return statSync(path).size / KB;
}

function activateOnce(child: string, modules: string, bundle: string, settings: Record<string, unknown>): ActivationReport {
  const declarations = require.resolve('@types/vscode/index.d.ts', { paths: [ROOT] });
  const result = spawnSync(process.execPath, [child, bundle, JSON.stringify(settings), ROOT, declarations], {
    env: { ...process.env, NODE_PATH: modules },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ActivationReport;
  } catch {
    return { requireMs: NaN, activateMs: NaN, commands: [], calls: 0, error: `no report (exit ${result.status}): ${result.stderr.slice(-300)}` };
  }
}

function contributedCommands(): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes?: { commands?: { command: string }[] } };
  return (manifest.contributes?.commands ?? []).map((c) => c.command);
}

export const extensionBench: Bench = {
  id: 'extension',
  title: 'Extension: activation time, bundle and VSIX sizes',
  async run(ctx) {
    ctx.log('npm run package (production build and VSIX)');
    const packaged = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8' });
    if (packaged.status !== 0) {
      const why = `npm run package failed: ${(packaged.stderr || packaged.stdout).trim().split('\n').slice(-3).join(' / ')}`;
      return [{ id: 'extension.vsix', figure: 'VSIX size', value: null, unit: 'kB', why }];
    }
    const dist = join(ROOT, 'dist');
    const rows: Row[] = [
      { id: 'extension.bundle', figure: 'extension bundle, dist/extension.js (production)', value: sizeKb(join(dist, 'extension.js')), unit: 'kB', target: { op: '<', value: 1000 } },
      { id: 'extension.agent-bundle', figure: 'agent bundle, dist/agent.js, without the wasm', value: sizeKb(join(dist, 'agent.js')), unit: 'kB', target: { op: '<', value: 1000 } },
      { id: 'extension.webview-bundle', figure: 'dashboard webview bundle, dist/dashboard.js', value: sizeKb(join(dist, 'dashboard.js')), unit: 'kB' },
      { id: 'extension.vsix', figure: 'VSIX (npm run package)', value: sizeKb(join(ROOT, 'genmon.vsix')), unit: 'kB', note: `sql.js wasm inside: ${sizeKb(join(dist, 'sql-wasm.wasm')).toFixed(0)} kB` },
    ];

    const dir = mkdtempSync(join(tmpdir(), 'genmon-bench-activation-'));
    try {
      const modules = join(dir, 'modules');
      mkdirSync(join(modules, 'vscode'), { recursive: true });
      writeFileSync(join(modules, 'vscode', 'index.js'), 'module.exports = globalThis.genmonVscodeStub;\n');
      const floor = join(dir, 'one-command-extension.js');
      writeFileSync(floor, "const vscode = require('vscode');\nexports.activate = (context) => { context.subscriptions.push(vscode.commands.registerCommand('floor.hello', () => undefined)); };\n");
      const child = bundleScript(join(__dirname, 'activation-child.ts'), dir);
      const settings = { 'genmon.agent.mode': 'external', 'genmon.dataDirectory': join(dir, 'data') };
      const runs = ctx.quick ? 10 : 30;
      const genmon: ActivationReport[] = [];
      const bound: ActivationReport[] = [];
      // Interleaved, so that both meet the same moments of a shared machine.
      for (let i = 0; i < runs; i++) {
        genmon.push(activateOnce(child, modules, join(dist, 'extension.js'), settings));
        bound.push(activateOnce(child, modules, floor, {}));
      }
      const failure = genmon.find((r) => r.error) ?? bound.find((r) => r.error);
      if (failure) {
        rows.unshift({ id: 'extension.activation', figure: 'activation, require + activate()', value: null, unit: 'ms', why: `activation failed: ${failure.error}` });
        return rows;
      }
      const total = (r: ActivationReport) => r.requireMs + r.activateMs;
      const registered = new Set(genmon[0].commands);
      const contributed = contributedCommands();
      const missing = contributed.filter((c) => !registered.has(c));
      rows.unshift({
        id: 'extension.activation',
        figure: `activation, require + activate(), p50 of ${runs} fresh processes`,
        value: percentileOf(genmon.map(total), 0.5),
        unit: 'ms',
        target: { op: '<', value: 50 },
        peers: [{ name: 'a one-command extension, same harness (floor)', value: percentileOf(bound.map(total), 0.5) }],
        note:
          `require ${percentileOf(genmon.map((r) => r.requireMs), 0.5).toFixed(1)} ms + activate ${percentileOf(genmon.map((r) => r.activateMs), 0.5).toFixed(1)} ms; ` +
          `${genmon[0].calls} vscode API calls; ${missing.length ? `contributed commands NOT registered: ${missing.join(', ')}` : `all ${contributed.length} contributed commands registered`}`,
      });
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
