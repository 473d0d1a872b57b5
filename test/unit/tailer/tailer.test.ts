import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Checkpoint, CommitItem } from '../../../agent/store/store';
import { Tailer } from '../../../agent/tailer/tailer';

/** Records what the tailer commits and keeps checkpoints as the store would. */
class RecordingStore {
  items: CommitItem[] = [];
  cps = new Map<string, Checkpoint>();
  async commit(items: CommitItem[]): Promise<void> {
    for (const item of items) {
      this.items.push(item);
      const h = item.header;
      if (h.kind === 'lines' || h.kind === 'skip') this.cps.set(h.src.key, { key: h.src.key, path: h.src.path, fingerprint: h.src.fingerprint, offset: h.end, lines: 0, updatedAt: h.at });
      if (h.kind === 'reset') this.cps.set(h.src.key, { key: h.src.key, path: h.src.path, fingerprint: null, offset: 0, lines: 0, updatedAt: h.at });
    }
  }
  checkpoints(): Map<string, Checkpoint> {
    return new Map(this.cps);
  }
  text(): string {
    return this.items.filter((i) => i.header.kind === 'lines').map((i) => i.body.toString()).join('');
  }
}

async function withTailer(fn: (dir: string, store: RecordingStore, pass: () => Promise<void>) => Promise<void>, opts: { maxLineBytes?: number; chunkBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-tailer-'));
  const store = new RecordingStore();
  let tailer = new Tailer({ dirs: [dir], store, log: () => undefined, scanMs: 0, ...opts });
  await tailer.start();
  const pass = async () => {
    // A fresh tailer on the same store is a restart; scanMs 0 makes every pass a full scan.
    await tailer.stop();
    tailer = new Tailer({ dirs: [dir], store, log: () => undefined, scanMs: 0, ...opts });
    await tailer.start();
  };
  try {
    await fn(dir, store, pass);
  } finally {
    await tailer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('complete lines are committed with their end offset; a partial line waits', () =>
  withTailer(async (dir, store, pass) => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'one\ntwo\nthr');
    await pass();
    assert.equal(store.text(), 'one\ntwo\n');
    const h = store.items.at(-1)!.header;
    assert.ok(h.kind === 'lines' && h.start === 0 && h.end === 8);
    appendFileSync(file, 'ee\n');
    await pass();
    assert.equal(store.text(), 'one\ntwo\nthree\n');
  }));

test('a line over the limit becomes one skip record and the next lines follow', () =>
  withTailer(
    async (dir, store, pass) => {
      const file = join(dir, 'a.jsonl');
      writeFileSync(file, `ok1\n${'x'.repeat(300)}\nok2\n`);
      await pass();
      assert.equal(store.text(), 'ok1\nok2\n');
      const skip = store.items.find((i) => i.header.kind === 'skip')!.header;
      assert.ok(skip.kind === 'skip');
      assert.equal(skip.start, 4);
      assert.equal(skip.end, 305);
      assert.match(skip.excerpt, /^x{1,512}$/);
    },
    { maxLineBytes: 100, chunkBytes: 64 },
  ));

test('a truncated file starts again from 0 after a reset record', () =>
  withTailer(async (dir, store, pass) => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'aaaa\nbbbb\n');
    await pass();
    truncateSync(file, 0);
    appendFileSync(file, 'c\n');
    await pass();
    assert.ok(store.items.some((i) => i.header.kind === 'reset' && i.header.reason === 'truncated'));
    assert.equal(store.text(), 'aaaa\nbbbb\nc\n');
  }));

test('a file rewritten in place to a longer content is detected by its first line', () =>
  withTailer(async (dir, store, pass) => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'first\n');
    await pass();
    writeFileSync(file, 'other\nmore\nlines\n');
    await pass();
    assert.ok(store.items.some((i) => i.header.kind === 'reset' && i.header.reason === 'replaced'));
    assert.equal(store.text(), 'first\nother\nmore\nlines\n');
  }));

test('a file renamed away from the pattern is read to its end; its successor from the start', () =>
  withTailer(async (dir, store, pass) => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'old1\n');
    await pass();
    appendFileSync(file, 'old2\n');
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'new1\n');
    await pass();
    assert.deepEqual(store.text().split('\n').filter(Boolean).sort(), ['new1', 'old1', 'old2']);
  }));

test('copytruncate after lines we had not read yet: the rest is read from the copy, then the emptied file from 0', () =>
  withTailer(async (dir, store, pass) => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'one\ntwo\n');
    await pass();
    appendFileSync(file, 'three\nfour\n');
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    appendFileSync(file, 'five\n');
    await pass();
    assert.equal(store.text(), 'one\ntwo\nthree\nfour\nfive\n');
    // Another restart reads nothing twice: the copy has its own checkpoint now.
    await pass();
    assert.equal(store.text(), 'one\ntwo\nthree\nfour\nfive\n');
  }));

test('copytruncate and the emptied file grown past the old offset: found by the first line, the copy read on', () =>
  withTailer(async (dir, store, pass) => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'one\n');
    await pass();
    appendFileSync(file, 'two\n');
    copyFileSync(file, `${file}.1`);
    writeFileSync(file, 'three-is-longer\nfour\n');
    // An older copy with another first line is not taken for this one.
    writeFileSync(join(dir, 'a.jsonl.0'), 'zero\nzero\nzero\n');
    await pass();
    assert.equal(store.text(), 'one\ntwo\nthree-is-longer\nfour\n');
  }));

test('a rotated-away name holding the inode of a file read before (inode reuse) is not read again from the start', () =>
  withTailer(async (dir, store, pass) => {
    // The checkpoint of a deleted log whose inode the file system gave to a new copy.
    const copy = join(dir, 'a.jsonl.c2');
    writeFileSync(copy, 'copied\nlines\n');
    const key = `${statSync(copy).dev}:${statSync(copy).ino}`;
    for (const [offset, fingerprint] of [[5000, '9:1234abcd'], [4, '9:1234abcd']] as const) {
      store.cps.set(key, { key, path: join(dir, 'a.jsonl.r1'), fingerprint, offset, lines: 10, updatedAt: Date.now() });
      await pass();
      assert.equal(store.text(), '', `offset ${offset}: nothing read`);
    }
  }));

test('copytruncate whose copy got the inode of a deleted log: the copy is still read on from where the log was', () =>
  withTailer(async (dir, store, pass) => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'one\n');
    await pass();
    appendFileSync(file, 'two\n');
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    const key = `${statSync(`${file}.1`).dev}:${statSync(`${file}.1`).ino}`;
    store.cps.set(key, { key, path: join(dir, 'gone.jsonl.r1'), fingerprint: '9:1234abcd', offset: 2, lines: 1, updatedAt: Date.now() });
    await pass();
    assert.equal(store.text(), 'one\ntwo\n');
  }));

test('a symlinked log is followed only when it points inside the log directory; a link loop is named, not fatal', async () => {
  const root = mkdtempSync(join(tmpdir(), 'genmon-links-'));
  const dir = join(root, 'runs');
  const outside = join(root, 'secret.txt');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(outside, 'PRIVATE KEY\n');
  writeFileSync(join(dir, 'sub', 'real.log'), '{"inside":1}\n');
  symlinkSync(outside, join(dir, 'evil.jsonl'));
  symlinkSync(join(dir, 'sub', 'real.log'), join(dir, 'ok.jsonl'));
  symlinkSync('loop.jsonl', join(dir, 'loop.jsonl'));
  const store = new RecordingStore();
  const logged: string[] = [];
  const tailer = new Tailer({ dirs: [dir], store, log: (m) => logged.push(m), scanMs: 0 });
  try {
    await tailer.start();
    assert.equal(store.text(), '{"inside":1}\n');
    assert.ok(logged.some((m) => m.includes('evil.jsonl') && m.includes('outside the log directory')), logged.join('\n'));
    assert.ok(logged.some((m) => m.includes('loop.jsonl') && m.includes('ELOOP')), logged.join('\n'));
  } finally {
    await tailer.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a wall clock set back an hour does not hold back the retry of a failed read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-clock-'));
  writeFileSync(join(dir, 'a.jsonl'), 'one\n');
  let wall = Date.UTC(2026, 10, 25, 12);
  let failures = 1;
  const store = new RecordingStore();
  const commit = store.commit.bind(store);
  store.commit = async (items) => {
    if (failures-- > 0) {
      wall -= 3600_000;
      throw new Error('ENOSPC: no space left on device');
    }
    return commit(items);
  };
  const tailer = new Tailer({ dirs: [dir], store, log: () => undefined, scanMs: 50, now: () => wall });
  try {
    await tailer.start();
    for (let i = 0; i < 200 && store.text() === ''; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(store.text(), 'one\n', 'read again about a second after the failure, not an hour');
  } finally {
    await tailer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
