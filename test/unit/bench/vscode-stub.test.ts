import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiNames, createVscodeStub } from '../../../bench/vscode-stub';

type Api = Record<string, any>;

function stub() {
  const s = createVscodeStub({ settings: { 'genmon.agent.mode': 'external' }, names: ['window', 'workspace', 'commands', 'TreeItem', 'Uri'] });
  return { ...s, vscode: s.api as Api };
}

test('apiNames lists the top-level namespaces, classes, enums and consts of the declarations', () => {
  const dts = "declare module 'vscode' {\n\texport const version: string;\n\texport class Range {\n\t\texport class Nested {}\n\t}\n\texport interface Memento {}\n\texport enum ViewColumn {}\n\texport namespace window {\n\t}\n}\n";
  assert.deepEqual(apiNames(dts), ['version', 'Range', 'ViewColumn', 'window']);
});

test('the module lists its names as own keys, so a bundle copying them (import * as vscode) finds them', () => {
  const { vscode } = stub();
  const copy: Api = {};
  for (const key of Object.getOwnPropertyNames(vscode)) copy[key] = vscode[key];
  assert.equal(typeof copy.TreeItem, 'function');
  assert.equal(typeof copy.window.createTreeView, 'function');
});

test('calls are counted by path and registered command ids are kept', () => {
  const { vscode, calls, commands } = stub();
  vscode.commands.registerCommand('genmon.refresh', () => undefined);
  vscode.commands.registerCommand('genmon.open', () => undefined);
  vscode.window.createStatusBarItem().show();
  assert.deepEqual(commands, ['genmon.refresh', 'genmon.open']);
  assert.equal(calls.get('commands.registerCommand'), 2);
  assert.equal(calls.get('window.createStatusBarItem().show'), 1);
});

test('classes can be extended and constructed, and values set on stub objects read back', () => {
  const { vscode } = stub();
  class RunItem extends vscode.TreeItem {
    constructor(readonly runId: string) {
      super(runId);
    }
  }
  const item = new RunItem('r1');
  assert.ok(item instanceof RunItem);
  assert.equal(item.runId, 'r1');
  const bar = vscode.window.createStatusBarItem();
  bar.name = 'Genmon';
  bar.text = '$(pulse) 3 runs';
  assert.equal(bar.name, 'Genmon');
  assert.equal(bar.text, '$(pulse) 3 runs');
});

test('settings come from the map with the caller default otherwise; Uri builds file paths; nothing is thenable', async () => {
  const { vscode, context } = stub();
  const config = vscode.workspace.getConfiguration('genmon');
  assert.equal(config.get('agent.mode'), 'external');
  assert.equal(config.get('samplingIntervalMs', 1000), 1000);
  assert.equal(vscode.workspace.workspaceFolders, undefined);
  assert.equal(vscode.Uri.joinPath(vscode.Uri.file('/ext'), 'dist', 'agent.js').fsPath, '/ext/dist/agent.js');
  const result = vscode.commands.executeCommand('setContext', 'genmon.state', 'noAgent');
  assert.equal(await result, result);
  const ctx = context('/ext') as Api;
  assert.deepEqual(ctx.subscriptions, []);
  assert.equal(ctx.extensionUri.fsPath, '/ext');
  assert.equal(ctx.globalState.get('missing', 7), 7);
});
