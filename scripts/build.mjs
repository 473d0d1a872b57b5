// Bundles the agent, the CLI and the extension to single files in dist/, and
// copies sql.js's wasm beside them so dist/ runs with no node_modules.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const dist = join(root, 'dist');
const production = process.argv.includes('--production');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
};

const builds = [
  build({
    ...common,
    entryPoints: { agent: join(root, 'agent/cli/agent-main.ts'), genmon: join(root, 'agent/cli/genmon-main.ts') },
    outdir: dist,
    banner: { js: '#!/usr/bin/env node' },
  }),
];
if (existsSync(join(root, 'src/extension.ts'))) {
  builds.push(
    build({ ...common, entryPoints: { extension: join(root, 'src/extension.ts') }, outdir: dist, external: ['vscode'] }),
  );
}
if (existsSync(join(root, 'webview/main.ts'))) {
  builds.push(
    build({
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      entryPoints: { dashboard: join(root, 'webview/main.ts') },
      outdir: dist,
    }),
  );
}
await Promise.all(builds);
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(dist, 'sql-wasm.wasm'));
