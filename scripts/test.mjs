// Runs the unit then the integration tests with node's test runner.
// `node scripts/test.mjs unit` or `... integration` runs one suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(new URL('.', import.meta.url).pathname, '..');
const wanted = process.argv.slice(2);
const suites = wanted.length ? wanted : ['unit', 'integration', 'browser'];

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

let failed = false;
let passed = 0;
let failures = 0;
for (const suite of suites) {
  const files = find(join(root, 'test', suite)).map((f) => relative(root, f));
  if (files.length === 0) continue;
  if (suite === 'browser' && process.platform === 'linux') {
    const ensured = spawnSync('bash', [join(root, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
    if (ensured.status !== 0) {
      failed = true;
      continue;
    }
  }
  console.log(`\n# ${suite}: ${files.length} files`);
  const concurrency = suite === 'unit' ? '2' : '1';
  const tap = join(tmpdir(), `genmon-${suite}-${process.pid}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) failed = true;
  const counts = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  passed += Number(/^# pass (\d+)/m.exec(counts)?.[1] ?? 0);
  failures += Number(/^# fail (\d+)/m.exec(counts)?.[1] ?? (result.status === 0 ? 0 : 1));
  rmSync(tap, { force: true });
}
console.log(`\n${passed} passed, ${failures} failed`);
process.exit(failed ? 1 : 0);
