// `npm run test:e2e [-- --update-docs]`: installs what the end-to-end tests
// need (test/e2e/setup.sh, cached outside the repository), packages the VSIX,
// and runs test/e2e/*.test.ts in a real VS Code. Screenshots go to
// screenshots/ (not committed); with --update-docs, and only when every
// scenario passed, the README's screenshots in docs/images/ are replaced by
// the ones this run took.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(new URL('.', import.meta.url).pathname, '..');
const shots = join(root, 'screenshots');
const args = process.argv.slice(2);
const updateDocs = args.includes('--update-docs');
const unknown = args.filter((a) => a !== '--update-docs');
if (unknown.length) {
  console.error(`test:e2e: unknown argument ${unknown.join(' ')} (known: --update-docs)`);
  process.exit(2);
}

/** docs/images/<name> ← screenshots/<source>: what the README shows, from this run. */
const DOCS = {
  'vscode-views.png': 'e2e-6-markup-views.png',
  'vscode-dashboard.png': 'e2e-5-dashboard-light.png',
  'dashboard-dark.png': 'e2e-5-dashboard-dark-editor.png',
};

function run(what, cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`test:e2e: ${what} failed`);
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}

run('setup', 'bash', [join(root, 'test', 'e2e', 'setup.sh')]);
run('packaging the VSIX', 'npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] });

// This run's screenshots only: old ones would pass for new.
if (existsSync(shots)) for (const f of readdirSync(shots)) if (/^(e2e|failed)-.*\.png$/.test(f)) rmSync(join(shots, f));

const files = readdirSync(join(root, 'test', 'e2e')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join('test', 'e2e', f));
const tap = join(tmpdir(), `genmon-e2e-${process.pid}.tap`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, GENMON_E2E_VSIX: join(root, 'genmon.vsix') } },
);
const counts = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
rmSync(tap, { force: true });
const passed = Number(/^# pass (\d+)/m.exec(counts)?.[1] ?? 0);
const failed = Number(/^# fail (\d+)/m.exec(counts)?.[1] ?? (result.status === 0 ? 0 : 1));
console.log(`\nscreenshots: ${shots}`);

if (updateDocs) {
  if (result.status !== 0) console.error('test:e2e: not updating docs/images: a scenario failed');
  else {
    for (const [doc, source] of Object.entries(DOCS)) {
      const from = join(shots, source);
      if (!existsSync(from)) {
        console.error(`test:e2e: ${source} was not taken; docs/images/${doc} left as it was`);
        process.exitCode = 1;
        continue;
      }
      copyFileSync(from, join(root, 'docs', 'images', doc));
      console.log(`docs/images/${doc} ← screenshots/${source}`);
    }
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
if (result.status !== 0) process.exitCode = 1;
