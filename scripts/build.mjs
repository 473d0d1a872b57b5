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

// The OTLP protobuf module is a quarter of the agent and only a generator sending
// protobuf needs it: it is a file of its own, required on first use.
const protoApart = {
  name: 'otlp-proto-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/proto$/ }, (args) =>
      args.importer.endsWith('proto-loader.ts') ? { path: './otlp-proto.js', external: true } : undefined,
    );
  },
};

// systeminformation (300 kB, a quarter of the agent) is only the sampler's fallback where there is
// no Linux /proc: a file of its own too, required on first use, so the Linux agent never parses it.
const systeminformationApart = {
  name: 'systeminformation-apart',
  setup(b) {
    b.onResolve({ filter: /^systeminformation$/ }, (args) =>
      args.importer.endsWith('fallback.ts') ? { path: './systeminformation.js', external: true } : undefined,
    );
  },
};

const builds = [
  build({
    ...common,
    entryPoints: { agent: join(root, 'agent/cli/agent-main.ts'), genmon: join(root, 'agent/cli/genmon-main.ts') },
    outdir: dist,
    banner: { js: '#!/usr/bin/env node' },
    plugins: [protoApart, systeminformationApart],
  }),
  build({ ...common, entryPoints: { 'otlp-proto': join(root, 'agent/otlp/proto.ts') }, outdir: dist }),
  build({ ...common, entryPoints: { systeminformation: require.resolve('systeminformation') }, outdir: dist }),
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
