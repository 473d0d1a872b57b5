/**
 * A stand-in for the `vscode` module, to time the bundled extension's
 * activation in plain Node (bench/activation-child.ts). Every property is a
 * recording Proxy that can be read, called, constructed and extended, and
 * each call is counted by its path (`window.createTreeView`), so the bench
 * can show that activation really ran (which commands it registered).
 * Settings come from a map, `Uri` builds file URIs, and nothing is thenable,
 * so awaiting a stub value resolves at once.
 *
 * Written by hand: no library stubs the VS Code API outside a VS Code host
 * (the test runners for extensions start a real VS Code).
 */
import { join } from 'node:path';

export interface VscodeStub {
  api: unknown;
  /** Calls made through the stub, by path. */
  calls: Map<string, number>;
  /** Ids passed to `commands.registerCommand`, in order. */
  commands: string[];
  /** A fake ExtensionContext for an extension installed at `root`. */
  context(root: string): { subscriptions: { dispose(): unknown }[] };
}

interface StubUri {
  scheme: 'file';
  fsPath: string;
  path: string;
  toString(): string;
  with(change: { path?: string }): StubUri;
}

function fileUri(path: string): StubUri {
  return { scheme: 'file', fsPath: path, path, toString: () => `file://${path}`, with: (c) => fileUri(c.path ?? path) };
}

const memento = { get: (_key: string, fallback?: unknown) => fallback, update: () => Promise.resolve(), keys: () => [] };

/**
 * The module's top-level values (namespaces, classes, enums, consts) from
 * @types/vscode: a bundle copies the module's own keys when it imports it
 * (`import * as vscode`), so the stub must list the real ones.
 */
export function apiNames(declarations: string): string[] {
  return [...declarations.matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm)].map((m) => m[1]);
}

export function createVscodeStub(options: { settings: Record<string, unknown>; names: string[] }): VscodeStub {
  const calls = new Map<string, number>();
  const commands: string[] = [];
  const record = (path: string) => calls.set(path, (calls.get(path) ?? 0) + 1);

  const overrides = new Map<string, unknown>([
    ['workspace.workspaceFolders', undefined],
    [
      'workspace.getConfiguration',
      (section = '') => {
        record('workspace.getConfiguration');
        const key = (k: string) => (section ? `${section}.${k}` : k);
        return {
          get: (k: string, fallback?: unknown) => options.settings[key(k)] ?? fallback,
          has: (k: string) => key(k) in options.settings,
          inspect: () => undefined,
          update: () => Promise.resolve(),
        };
      },
    ],
    ['Uri.file', (path: string) => fileUri(path)],
    ['Uri.parse', (text: string) => fileUri(text.replace(/^file:\/\//, ''))],
    ['Uri.joinPath', (base: StubUri, ...parts: string[]) => fileUri(join(base.fsPath, ...parts))],
  ]);
  const cache = new Map<string, unknown>();

  function node(path: string): unknown {
    const target = function stub() {} as unknown as Record<string | symbol, unknown>;
    const proxy: unknown = new Proxy(target, {
      get(t, prop) {
        if (prop === 'prototype' || Object.prototype.hasOwnProperty.call(t, prop)) return t[prop];
        if (prop === 'then') return undefined;
        if (prop === Symbol.toPrimitive) return () => `[vscode ${path}]`;
        if (prop === Symbol.iterator) return function* () {};
        if (typeof prop === 'symbol') return undefined;
        const child = `${path}.${prop}`;
        if (overrides.has(child)) return overrides.get(child);
        if (!cache.has(child)) cache.set(child, node(child));
        return cache.get(child);
      },
      // Defined rather than assigned: a function's own `name` and `length` are read-only.
      set: (t, prop, value) => Reflect.defineProperty(t, prop, { value, writable: true, enumerable: true, configurable: true }),
      apply(_t, _this, args: unknown[]) {
        record(path);
        if (path === 'commands.registerCommand' && typeof args[0] === 'string') commands.push(args[0]);
        return node(`${path}()`);
      },
      construct(t, args, newTarget) {
        record(`new ${path}`);
        // `class Item extends vscode.TreeItem`: a plain object of the subclass.
        if (newTarget !== proxy) return Reflect.construct(t as unknown as new () => object, args, newTarget) as object;
        return node(`new ${path}`) as object;
      },
    });
    return proxy;
  }

  return {
    // A plain object, as the real module is: a bundle copies its keys on
    // each import, and copying through a Proxy would be charged to the extension.
    api: Object.fromEntries(options.names.map((name) => [name, node(name)])),
    calls,
    commands,
    context(root) {
      const real: Record<string, unknown> = {
        subscriptions: [],
        extensionUri: fileUri(root),
        extensionPath: root,
        asAbsolutePath: (p: string) => join(root, p),
        globalState: { ...memento, setKeysForSync: () => undefined },
        workspaceState: memento,
        storageUri: undefined,
        globalStorageUri: fileUri(join(root, '.stub-global-storage')),
        logUri: fileUri(join(root, '.stub-log')),
        extensionMode: 1,
      };
      return new Proxy(real, {
        get: (t, prop) => (typeof prop === 'string' && !(prop in t) ? (node(`context.${prop}`) as unknown) : t[prop as string]),
      }) as { subscriptions: { dispose(): unknown }[] };
    },
  };
}
