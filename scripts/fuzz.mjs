// `npm run test:fuzz [-- --runs N --seed S]`: the fuzz tests with N runs per
// property (default 100,000) from seed S (default: a new one, printed), for
// a long search; `npm test` runs the same tests with a fixed seed and few runs.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(new URL('.', import.meta.url).pathname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' } } });
const seed = values.seed ?? String(Date.now() % 2 ** 31);
const files = [
  ...readdirSync(join(root, 'test/unit/fuzz')).filter((f) => f.endsWith('.test.ts')).map((f) => `test/unit/fuzz/${f}`),
  'test/integration/api-fuzz.test.ts',
];
console.log(`fuzz: ${values.runs} runs per property, seed ${seed} (repeat with --seed ${seed})`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=0', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GENMON_FUZZ_RUNS: values.runs, GENMON_FUZZ_SEED: seed },
});
process.exit(result.status ?? 1);
