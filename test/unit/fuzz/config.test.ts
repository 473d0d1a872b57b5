import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, readConfigFile, resolveConfig } from '../../../agent/config';
import { fuzzRuns } from '../../fuzz-settings';
import { nastyJson, nastyString, prototypeState } from './hostile-values';

const dir = mkdtempSync(join(tmpdir(), 'genmon-fuzz-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'config.json');
const KNOWN = ['dataDir', 'dbPath', 'logDirs', 'intervalMs', 'mountIntervalMs', 'port', 'sampler', 'demo', 'demoRatePerMinute', 'rulesFile', 'webhookUrl'];
const before = prototypeState();

/** A config error names the file and says what is wrong in words, never "[object Object]" or a function's source. */
function checkError(err: unknown): void {
  assert.ok(err instanceof ConfigError, `not a ConfigError: ${(err as Error)?.stack ?? err}`);
  assert.doesNotMatch(err.message, /\[object Object\]|\[native code\]|undefined/, err.message);
}

test('fuzz: a config file of any content is read or refused with a ConfigError naming the problem', () => {
  const content = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    nastyJson.map((v) => JSON.stringify(v) ?? ''),
    fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN, '__proto__', 'constructor', 'toString', 'hasOwnProperty'), nastyString), nastyJson, { maxKeys: 5 })
      .map((o) => `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`),
  );
  fc.assert(
    fc.property(content, (text) => {
      writeFileSync(file, text);
      try {
        const read = readConfigFile(file);
        for (const key of Object.keys(read)) assert.ok(KNOWN.includes(key), key);
      } catch (err) {
        checkError(err);
        assert.ok((err as Error).message.includes(file));
      }
      assert.equal(prototypeState(), before);
    }),
    fuzzRuns(2000),
  );
});

test('fuzz: any environment either resolves to usable settings or is refused with a ConfigError', () => {
  const env = fc.record(
    { GENMON_PORT: nastyString, GENMON_INTERVAL_MS: nastyString, GENMON_LOG_DIRS: nastyString, GENMON_DB: nastyString, GENMON_HOME: nastyString },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(env, (e) => {
      try {
        const c = resolveConfig({}, { ...e, GENMON_HOME: join(dir, 'home'), GENMON_CONFIG: undefined, GENMON_RULES: undefined }, dir);
        assert.ok(Number.isInteger(c.port) && c.port >= 0 && c.port <= 65535, `port ${c.port}`);
        assert.ok(Number.isFinite(c.intervalMs) && c.intervalMs >= 100, `interval ${c.intervalMs}`);
        assert.ok(c.logDirs.every((d) => typeof d === 'string' && d.length > 0));
      } catch (err) {
        checkError(err);
      }
    }),
    fuzzRuns(2000),
  );
});
