/**
 * Which snapshot generation a store starts from after a kill, built from the
 * files a real store wrote: the database, `.prev`, the temp file and the
 * journal, rearranged as a kill at each point of a snapshot leaves them.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Queries } from '../../../agent/store/queries';
import { Store } from '../../../agent/store/store';

const T0 = Date.UTC(2026, 10, 25, 10);

/** Commits a run.started line of `id`, as the tailer would, at byte `offset` of one log; returns the offset after it. */
async function commitRun(store: Store, id: string, offset: number): Promise<number> {
  const body = Buffer.from(`${JSON.stringify({ ts: T0 + offset, run_id: id, type: 'run.started' })}\n`);
  await store.commit([{ header: { kind: 'lines', at: T0, src: { key: '1:1', path: '/logs/a.jsonl', fingerprint: null }, start: offset, end: offset + body.length, size: offset + body.length }, body }]);
  return offset + body.length;
}

interface Fixture {
  db: (dir?: string) => string;
  store: Store;
  addRun: (id: string) => Promise<void>;
  /** A copy of the data directory as a kill at this moment leaves it. */
  crashImage: () => string;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'genmon-generations-'));
  const dir = join(root, 'data');
  const db = (d = dir) => join(d, 'genmon.db');
  const store = await Store.open({ dbPath: db(), log: () => undefined });
  let offset = 0;
  let images = 0;
  const f: Fixture = {
    db,
    store,
    addRun: async (id) => {
      offset = await commitRun(store, id, offset);
    },
    crashImage: () => {
      const copy = join(root, `image-${images++}`);
      cpSync(dir, copy, { recursive: true });
      return copy;
    },
  };
  try {
    await fn(f);
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function runsAfterRestart(dbPath: string, log: string[] = []): Promise<string[]> {
  const store = await Store.open({ dbPath, log: (m) => log.push(m) });
  try {
    const q = new Queries(store.st);
    return ['a', 'b', 'c', 'd'].filter((id) => q.run(id));
  } finally {
    await store.close();
  }
}

test('a temp file killed before its first byte is not a generation: the store starts from .prev and the journal', () =>
  withFixture(async (f) => {
    await f.addRun('a');
    await f.store.snapshot(); // S1
    await f.addRun('b');
    await f.store.snapshot(); // S2; .prev is S1, the journal reaches back to S1
    await f.addRun('c');
    const image = f.crashImage();
    // Killed between its renames (the database already .prev), and again at the next
    // snapshot's open of the temp file, before it wrote a byte.
    renameSync(f.db(image), `${f.db(image)}.prev`);
    writeFileSync(`${f.db(image)}.tmp`, Buffer.alloc(0));
    const log: string[] = [];
    assert.deepEqual(await runsAfterRestart(f.db(image), log), ['a', 'b', 'c']);
    assert.ok(log.some((m) => /using .*genmon\.db\.prev/.test(m)), log.join('\n'));
  }));

test('a complete temp file newer than the database is promoted to it, so the next snapshot prunes the journal no further than .prev reaches', () =>
  withFixture(async (f) => {
    await f.addRun('a');
    await f.store.snapshot(); // S1
    await f.addRun('b');
    await f.store.snapshot(); // S2
    const s2 = readFileSync(f.db());
    const s1 = readFileSync(`${f.db()}.prev`);
    await f.addRun('c');
    await f.store.snapshot(); // S3
    // Killed after the temp file (S3) was written, before the database (S2) became .prev.
    const image = f.crashImage();
    renameSync(f.db(image), `${f.db(image)}.tmp`);
    writeFileSync(f.db(image), s2);
    writeFileSync(`${f.db(image)}.prev`, s1);

    const restarted = await Store.open({ dbPath: f.db(image), log: () => undefined });
    try {
      assert.equal(existsSync(`${f.db(image)}.tmp`), false, 'the temp file took the database name');
      assert.deepEqual(readFileSync(`${f.db(image)}.prev`), s2, 'the database became .prev');
      await commitRun(restarted, 'd', 10_000);
      await restarted.snapshot(); // S4; .prev is now S3 and the journal may drop what S3 covers
    } finally {
      await restarted.close();
    }
    // The newest generation lost: .prev and the journal still hold every run.
    writeFileSync(f.db(image), Buffer.from('garbage '.repeat(1000)));
    assert.deepEqual(await runsAfterRestart(f.db(image)), ['a', 'b', 'c', 'd']);
  }));
