/**
 * The shipped corpus of nasty lines (test/fixtures/nasty-lines.jsonl) through
 * the parser and the store in this process, where prototype pollution would
 * show: every line gets the outcome the corpus expects, the good lines are
 * stored, and no prototype changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Queries } from '../../../agent/store/queries';
import { Store } from '../../../agent/store/store';
import { CORPUS, EXPECTED, lineOffsets } from '../../fixtures/nasty-lines';
import { prototypeState } from './hostile-values';

test('the nasty-line corpus: each line gets its expected outcome, nothing is polluted, the good lines are stored', async () => {
  const before = prototypeState();
  const dir = mkdtempSync(join(tmpdir(), 'genmon-corpus-'));
  const store = await Store.open({ dbPath: join(dir, 'genmon.db'), log: () => undefined });
  try {
    assert.equal(lineOffsets(CORPUS).length, EXPECTED.length, 'one expectation per line');
    await store.commit([{ header: { kind: 'lines', at: Date.parse('2026-11-25T12:00:00Z'), src: { key: '1:1', path: '/logs/nasty.jsonl', fingerprint: null }, start: 0, end: CORPUS.length, size: CORPUS.length }, body: CORPUS }]);
    const q = new Queries(store.st);
    const ingest = q.ingest();
    const offsets = lineOffsets(CORPUS);
    for (const [i, e] of EXPECTED.entries()) {
      const example = ingest.examples.find((x) => x.offset === offsets[i]);
      if (e.expect === 'ok' || e.expect === 'blank') assert.equal(example, undefined, `${e.name}: accepted`);
      else {
        assert.equal(example?.reason, e.expect, `${e.name}: ${example?.message}`);
        assert.ok(example!.message.length > 0 && example!.message.length < 400, e.name);
      }
    }
    assert.equal(ingest.eventsStored, EXPECTED.filter((e) => e.expect === 'ok').length);
    // Every query answers, and its answer serialises.
    const all = { from: 0, to: Number.MAX_SAFE_INTEGER };
    const answers = [q.summary(all), q.runs({ limit: 100 }), q.run('proto-run'), q.run('__proto__'), q.run("x'); DROP TABLE runs;--"), q.errors({ ...all, limit: 100 }), q.errorGroups({ ...all, limit: 100 }), q.topErrors({ ...all, limit: 10 })];
    for (const a of answers) assert.doesNotThrow(() => JSON.stringify(a));
    assert.deepEqual(q.runs({ limit: 100 }).map((r) => r.runId).sort(), ['__proto__', 'after-the-nasty-lines', 'bom-run', 'crlf-run', 'dup-run', 'nasty', 'proto-run', "x'); DROP TABLE runs;--", 'xss-run']);
    assert.equal(q.run('xss-run')?.run.app, '<script>alert(1)</script><img src=x onerror=alert(1)>', 'stored as text');
    assert.equal(prototypeState(), before, 'no prototype gained a property');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
