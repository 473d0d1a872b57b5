import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from '../../../agent/config';

test('defaults, then config file, then environment, then flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-config-'));
  try {
    const base = resolveConfig({}, { GENMON_HOME: dir }, '/work');
    assert.equal(base.dataDir, dir);
    assert.equal(base.dbPath, join(dir, 'genmon.db'));
    assert.deepEqual(base.logDirs, ['/work/.genmon/runs']);
    assert.equal(base.intervalMs, 1000);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ intervalMs: 2000, logDirs: ['logs'], port: 7000 }));
    const file = resolveConfig({}, { GENMON_HOME: dir }, '/work');
    assert.equal(file.intervalMs, 2000);
    assert.deepEqual(file.logDirs, ['/work/logs']);
    const env = resolveConfig({}, { GENMON_HOME: dir, GENMON_INTERVAL_MS: '500', GENMON_LOG_DIRS: 'a:b' }, '/work');
    assert.equal(env.intervalMs, 500);
    assert.deepEqual(env.logDirs, ['/work/a', '/work/b']);
    const flags = resolveConfig({ intervalMs: 250, port: 0 }, { GENMON_HOME: dir, GENMON_INTERVAL_MS: '500' }, '/work');
    assert.equal(flags.intervalMs, 250);
    assert.equal(flags.port, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad settings are refused with the key named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-config-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ intervalMS: 5 }));
    assert.throws(() => resolveConfig({}, { GENMON_HOME: dir }), (e: Error) => e instanceof ConfigError && /unknown key "intervalMS"/.test(e.message));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ logDirs: 'runs' }));
    assert.throws(() => resolveConfig({}, { GENMON_HOME: dir }), /"logDirs" must be an array of strings/);
    writeFileSync(join(dir, 'config.json'), '{oops');
    assert.throws(() => resolveConfig({}, { GENMON_HOME: dir }), /config file .*config\.json/);
    rmSync(join(dir, 'config.json'));
    assert.throws(() => resolveConfig({ intervalMs: 5 }, { GENMON_HOME: dir }), /interval must be a number >= 100/);
    assert.throws(() => resolveConfig({ port: 70000 }, { GENMON_HOME: dir }), /port must be 0\.\.65535/);
    assert.throws(() => resolveConfig({ config: join(dir, 'missing.json') }, { GENMON_HOME: dir }), /does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
