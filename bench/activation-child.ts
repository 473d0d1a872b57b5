/**
 * Child of bench/extension.ts: loads one extension bundle with the recording
 * `vscode` stub and activates it with a fake context, in a fresh process, and
 * reports the times and what activation registered. The parent runs it with
 * NODE_PATH pointing at a directory whose `vscode` module hands over the
 * stub, so the bundle's `require('vscode')` is served as in a real host.
 *
 *   node activation-child.js <extension.js> <settings JSON> <extension root> <@types/vscode index.d.ts>
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { apiNames, createVscodeStub } from './vscode-stub';

export interface ActivationReport {
  requireMs: number;
  activateMs: number;
  commands: string[];
  calls: number;
  error?: string;
}

async function main(): Promise<void> {
  const [bundle, settings, root, declarations] = process.argv.slice(2);
  const names = apiNames(readFileSync(declarations, 'utf8'));
  const stub = createVscodeStub({ settings: JSON.parse(settings) as Record<string, unknown>, names });
  (globalThis as { genmonVscodeStub?: unknown }).genmonVscodeStub = stub.api;
  const context = stub.context(root);
  // VS Code's extension host has these loaded before any extension starts
  // (it patches http and https for proxies, talks over net, spawns, hashes):
  // loading them is not the extension's cost.
  for (const builtin of ['node:child_process', 'node:crypto', 'node:fs', 'node:http', 'node:https', 'node:net', 'node:os', 'node:path']) require(builtin);
  const t0 = performance.now();
  const extension = createRequire(__filename)(bundle) as { activate(context: unknown): unknown };
  const t1 = performance.now();
  await extension.activate(context);
  const t2 = performance.now();
  const report: ActivationReport = {
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    commands: stub.commands,
    calls: [...stub.calls.values()].reduce((a, b) => a + b, 0),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  // Activation leaves timers and handles behind (reconnect backoff, watchers); the measure is taken.
  () => process.exit(0),
  (err: Error) => {
    process.stdout.write(`${JSON.stringify({ requireMs: NaN, activateMs: NaN, commands: [], calls: 0, error: err.stack ?? err.message })}\n`);
    process.exit(1);
  },
);
