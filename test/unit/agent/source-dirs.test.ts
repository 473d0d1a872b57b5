import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { refuseDir } from '../../../agent/api/source-routes';

test('a log directory a window may add: absolute, a directory if it exists, below the home directory, not the root', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-src-'));
  writeFileSync(join(dir, 'f'), '');
  const uid = process.getuid!();
  const home = '/home/me';
  assert.equal(refuseDir(dir, uid, home), null);
  assert.equal(refuseDir(join(dir, 'not-yet'), uid, home), null, 'a directory made later is waited for');
  assert.equal(refuseDir('/home/me/project/.genmon/runs', uid, home), null);
  assert.match(refuseDir('/home/me', uid, home)!, /home directory or above it/);
  assert.match(refuseDir('/home/me/', uid, home)!, /home directory or above it/);
  assert.match(refuseDir('/home', uid, home)!, /home directory or above it/);
  assert.match(refuseDir('/home/me/../me', uid, home)!, /home directory or above it/);
  assert.match(refuseDir('/', uid, home)!, /root of the filesystem/);
  assert.match(refuseDir('runs', uid, home)!, /not an absolute path/);
  assert.match(refuseDir(join(dir, 'f'), uid, home)!, /not a directory/);
  assert.match(refuseDir(dir, uid + 1, home)!, /belongs to another user/);
  assert.match(refuseDir('', uid, home)!, /non-empty string/);
  assert.match(refuseDir(null, uid, home)!, /non-empty string/);
  assert.match(refuseDir(`/x/${'a'.repeat(5000)}`, uid, home)!, /over 4096/);
});
