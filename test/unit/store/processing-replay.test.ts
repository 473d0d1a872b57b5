/**
 * Processing rules in the store: each line meets the rules and enrichment
 * values journaled before it, on replay too, whatever came later.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { processingState } from '../../../agent/ingest/processing/pipeline';
import type { ProcessingConfig } from '../../../agent/ingest/processing/rules';
import { Queries } from '../../../agent/store/queries';
import { Store } from '../../../agent/store/store';

const T0 = Date.UTC(2026, 10, 25, 10);

function snapshotOfRows(store: Store) {
  const q = new Queries(store.st);
  return {
    runs: store.st.all('SELECT run_id, status FROM runs ORDER BY run_id'),
    errors: store.st.all('SELECT run_id, message, context FROM errors ORDER BY id'),
    attributes: ['g-1', 'g-2', 'kept'].map((r) => q.run(r)?.attributes ?? null),
    bad: store.st.all('SELECT reason, count FROM bad_line_counts ORDER BY reason'),
    counts: store.processing().counts,
  };
}

test('rules and enrichment values journaled with the lines give the same rows after a crash, whatever the config says later', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-processing-'));
  const dbPath = join(dir, 'genmon.db');
  let offset = 0;
  const store = await Store.open({ dbPath, log: () => undefined });
  const commit = async (events: Record<string, unknown>[], path = '/logs/acme/gen.jsonl') => {
    const body = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await store.commit([{ header: { kind: 'lines', at: T0 + 60_000, src: { key: '1:1', path, fingerprint: null }, start: offset, end: offset + body.length, size: offset + body.length }, body }]);
    offset += body.length;
  };
  const setRules = (config: ProcessingConfig, facts: Record<string, string>) =>
    store.commit([{ header: { kind: 'processing', at: T0 }, body: Buffer.from(JSON.stringify(processingState(config, facts))) }]);
  try {
    await setRules({
      transform: [{ source: '*/acme/*', map: { event: 'type', id: 'run_id' }, values: { type: { begin: 'run.started', oops: 'error' } } }],
      filter: [{ when: { type: 'run.started', app: 'test-*' }, action: 'drop' }],
      enrich: { fields: ['git_commit'] },
    }, { git_commit: 'c1' });
    await commit([
      { ts: T0, event: 'begin', id: 'g-1', app: 'shop' },
      { ts: T0 + 1, event: 'oops', id: 'g-1', category: 'system', severity: 'error', message: 'first' },
      { ts: T0 + 2, event: 'begin', id: 'dropped', app: 'test-smoke' },
      { ts: T0 + 3, event: 'oops', id: 'dropped', category: 'system', severity: 'error', message: 'of a dropped run' },
    ]);
    // A commit on the workspace: new lines get the new value, earlier ones keep theirs.
    await setRules({ transform: [{ source: '*/acme/*', map: { event: 'type', id: 'run_id' }, values: { type: { begin: 'run.started', oops: 'error' } } }], enrich: { fields: ['git_commit'] } }, { git_commit: 'c2' });
    await commit([
      { ts: T0 + 4, event: 'begin', id: 'g-2', app: 'test-later' },
      { ts: T0 + 5, event: 'oops', id: 'g-2', category: 'system', severity: 'error', message: 'second' },
    ]);
    const before = snapshotOfRows(store);
    assert.deepEqual(before.runs.map((r) => r.run_id), ['g-1', 'g-2'], 'the test-* run was dropped while that rule was in force');
    assert.deepEqual(before.errors.map((e) => [e.message, JSON.parse(String(e.context)).git_commit]), [['first', 'c1'], ['second', 'c2']]);
    assert.deepEqual(before.attributes, [{ git_commit: 'c1' }, { git_commit: 'c2' }, null]);
    assert.deepEqual(before.bad, [], 'events of the dropped run are dropped, not set aside as of an unknown run');
    assert.deepEqual(before.counts, { dropped: 2, sampledOut: 0, transformed: 6, enriched: 4 });

    // kill -9: no snapshot, the journal alone. The copy is opened as a fresh agent would.
    const crashed = join(dir, 'crashed');
    cpSync(`${dbPath}.journal`, `${join(crashed, 'genmon.db')}.journal`, { recursive: true });
    const replayed = await Store.open({ dbPath: join(crashed, 'genmon.db'), log: () => undefined });
    try {
      assert.deepEqual(snapshotOfRows(replayed), before);
      assert.deepEqual(replayed.processing().state.facts, { git_commit: 'c2' }, 'the rules in force come back too');
    } finally {
      await replayed.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
