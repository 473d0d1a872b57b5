import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { acquireLock, type LockResult } from '../../../agent/lock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'genmon-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DEAD = 4_000_000;
const live = new Set([1001, 1002, 1003]);
const isAlive = (pid: number) => live.has(pid);
const lockFile = () => join(dir, 'agent.lock');

test('the first agent takes the lock with its pid inside; a second is told who holds it; release frees it', () => {
  const first = acquireLock(dir, { pid: 1001, isAlive });
  assert.equal(first.acquired, true);
  assert.equal(readFileSync(lockFile(), 'utf8'), '1001');
  assert.deepEqual(acquireLock(dir, { pid: 1002, isAlive }), { acquired: false, pid: 1001 });
  if (first.acquired) first.release();
  assert.equal(acquireLock(dir, { pid: 1002, isAlive }).acquired, true);
  assert.deepEqual(readdirSync(dir).sort(), ['agent.lock'], 'no temp files are left behind');
});

test('a lock whose owner is dead, or that holds no pid, is taken over', () => {
  for (const stale of [String(DEAD), '', 'garbage', '0']) {
    writeFileSync(lockFile(), stale);
    const r = acquireLock(dir, { pid: 1001, isAlive });
    assert.equal(r.acquired, true, JSON.stringify(stale));
    assert.equal(readFileSync(lockFile(), 'utf8'), '1001');
    if (r.acquired) r.release();
  }
});

test('two agents meeting the same stale lock: the rival acting mid-takeover does not win too', () => {
  writeFileSync(lockFile(), String(DEAD));
  let rival: LockResult | null = null;
  const first = acquireLock(dir, {
    pid: 1001,
    isAlive,
    beforeRemoveStale: () => {
      rival ??= acquireLock(dir, { pid: 1002, isAlive, takeoverWaitMs: 0 });
    },
  });
  assert.ok(rival, 'the rival ran in the middle of the takeover');
  const winners = [first, rival as LockResult].filter((r) => r.acquired);
  assert.equal(winners.length, 1, 'exactly one agent holds the lock');
  assert.equal(readFileSync(lockFile(), 'utf8'), first.acquired ? '1001' : '1002');
});

test('a rival arriving after a takeover finished sees the new owner', () => {
  writeFileSync(lockFile(), String(DEAD));
  const first = acquireLock(dir, { pid: 1001, isAlive });
  assert.equal(first.acquired, true);
  assert.deepEqual(acquireLock(dir, { pid: 1002, isAlive }), { acquired: false, pid: 1001 });
});

test('a takeover file left by an agent that died holding it is cleared', () => {
  writeFileSync(lockFile(), String(DEAD));
  writeFileSync(`${lockFile()}.takeover`, String(DEAD + 1));
  const r = acquireLock(dir, { pid: 1003, isAlive });
  assert.equal(r.acquired, true);
  assert.deepEqual(readdirSync(dir), ['agent.lock']);
});

test('a live takeover holder is named when it does not finish in time', () => {
  writeFileSync(lockFile(), String(DEAD));
  writeFileSync(`${lockFile()}.takeover`, '1002');
  assert.deepEqual(acquireLock(dir, { pid: 1001, isAlive, takeoverWaitMs: 0 }), { acquired: false, pid: 1002 });
});
