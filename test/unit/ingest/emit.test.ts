import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRunLog, openRunLog } from '../../../agent/ingest/emit';
import { parseLine } from '../../../agent/ingest/parse';

const START = Date.parse('2026-11-25T10:00:00Z');

function memoryLog() {
  const lines: string[] = [];
  const clock = { now: START };
  const log = createRunLog((line) => lines.push(line), { clock: () => clock.now });
  const events = () =>
    lines.map((line) => {
      assert.ok(line.endsWith('\n') && line.indexOf('\n') === line.length - 1, 'one line per event');
      const r = parseLine(Buffer.from(line.slice(0, -1)), { now: clock.now });
      assert.ok(r.ok, `${r.ok ? '' : r.message}: ${line}`);
      return r.event as Record<string, unknown>;
    });
  return { log, clock, events };
}

test('a whole run: every line parses, durations come from the clock', () => {
  const { log, clock, events } = memoryLog();
  const run = log.startRun({ runId: 'r1', app: 'shop', projectType: 'spa', template: 'react-vite', features: ['auth'], userId: 'u1', sessionId: 's1' });
  run.phaseStarted('blueprint');
  clock.now += 1200;
  run.inference({ model: 'gpt-4o', latencyMs: 900, queueMs: 40, batchSize: 2, inputTokens: 100, outputTokens: 50, costUsd: 0.002, queueLength: 1 });
  run.phaseEnded('blueprint', 'ok');
  run.phaseStarted('codegen');
  clock.now += 5000;
  run.apiRequest({ route: '/api/templates/:id', method: 'GET', statusCode: 200, durationMs: 12, inFlight: 1 });
  run.dbQuery({ operation: 'insert artifacts', durationMs: 3.5, poolInUse: 2, poolSize: 10, deadlock: false, replicationLagMs: 0 });
  run.phaseEnded('codegen', 'ok', 4321);
  run.quality({ lint: 90, coverage: 70, blueprintAccuracy: 88 });
  run.end('success');
  clock.now += 60_000;
  run.feedback(4, 'nice');
  run.modification({ filesChanged: 2, linesChanged: 10, description: 'tweak' });

  const e = events();
  assert.deepEqual(e.map((x) => x.type), [
    'run.started', 'phase.started', 'model.inference', 'phase.ended', 'phase.started', 'api.request', 'db.query', 'phase.ended',
    'quality', 'run.ended', 'feedback', 'modification',
  ]);
  assert.ok(e.every((x) => x.run_id === 'r1'));
  assert.deepEqual(Object.keys(e[0]).slice(0, 3), ['ts', 'run_id', 'type'], 'the envelope first');
  assert.equal(e[0].ts, '2026-11-25T10:00:00.000Z');
  assert.equal(e[0].project_type, 'spa');
  assert.equal(e[2].phase, 'blueprint', 'inference takes the phase in progress');
  assert.equal(e[2].cost_usd, 0.002);
  assert.equal(e[3].duration_ms, 1200);
  assert.equal(e[7].duration_ms, 4321, 'an explicit duration wins');
  assert.equal(e[8].blueprint_accuracy, 88);
  assert.equal(e[9].duration_ms, 6200);
  assert.equal(e[10].score, 4);
  assert.equal(e[11].files_changed, 2);
});

test('retries carry their attempt; errors take message, stack and category from an Error and the phase', () => {
  const { log, events } = memoryLog();
  const run = log.startRun();
  assert.match(run.runId, /^[0-9a-f-]{36}$/, 'a UUID by default');
  run.phaseStarted('validation');
  run.error(new TypeError('cannot read x'), { context: { file: 'a.ts' } });
  run.phaseEnded('validation', 'failed');
  run.phaseStarted('validation');
  run.error({ category: 'system', severity: 'warning', message: 'disk at 91%' });
  run.phaseEnded('validation', 'ok');
  run.error(new Error('after the phases'));
  const e = events();
  assert.equal(e[1].attempt, undefined, 'a first attempt needs no number');
  assert.equal(e[2].message, 'TypeError: cannot read x');
  assert.match(String(e[2].stack), /^TypeError: cannot read x\n\s+at /);
  assert.equal(e[2].category, 'validation');
  assert.equal(e[2].severity, 'error');
  assert.equal(e[2].phase, 'validation');
  assert.deepEqual(e[2].context, { file: 'a.ts' });
  assert.equal(e[4].attempt, 2);
  assert.equal(e[5].category, 'system');
  assert.equal(e[5].phase, 'validation');
  assert.equal(e[6].attempt, 2);
  assert.equal(e[7].category, 'system', 'outside phases an Error is a system error');
  assert.equal(e[7].message, 'after the phases');
  assert.equal(e[7].phase, undefined);
});

test('timestamps are the ISO strings Date gives, for any clock reading', () => {
  fc.assert(
    fc.property(fc.double({ min: -1e12, max: 7e12, noNaN: true }), (ms) => {
      let line = '';
      createRunLog((l) => (line = l), { clock: () => ms }).emit({ type: 'x', run_id: 'r' });
      assert.equal(JSON.parse(line).ts, new Date(Math.floor(ms)).toISOString());
    }),
    { numRuns: 5000 },
  );
});

test('phaseEnded without a duration or a start is a programming error', () => {
  const { log } = memoryLog();
  const run = log.startRun();
  assert.throws(() => run.phaseEnded('deployment', 'ok'), /phaseStarted\('deployment'\)/);
  run.phaseEnded('deployment', 'skipped', 0);
});

test('emit writes any event with the envelope filled in', () => {
  const { log, events } = memoryLog();
  const run = log.startRun({ runId: 'r2' });
  run.emit({ type: 'acme.cache_lookup', hit: true });
  log.emit({ type: 'acme.other', run_id: 'r3', ts: 1795600800000, n: 1 });
  const e = events();
  assert.deepEqual(e[1], { ts: '2026-11-25T10:00:00.000Z', run_id: 'r2', type: 'acme.cache_lookup', hit: true });
  assert.deepEqual(e[2], { ts: 1795600800000, run_id: 'r3', type: 'acme.other', n: 1 });
});

test('a failing write throws, or goes to onError', () => {
  const failing = () => {
    throw new Error('disk full');
  };
  assert.throws(() => createRunLog(failing).startRun(), /disk full/);
  const seen: Error[] = [];
  createRunLog(failing, { onError: (err) => seen.push(err) }).startRun().end('failed');
  assert.equal(seen.length, 2);
});

test('openRunLog appends to <dir>/runs.jsonl, starts a new file after rotation, recreates a removed directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-emit-'));
  try {
    const log = openRunLog({ dir: join(dir, 'runs') });
    assert.equal(log.file, join(dir, 'runs', 'runs.jsonl'));
    const run = log.startRun({ runId: 'r' });
    run.phaseStarted('blueprint');
    renameSync(log.file, `${log.file}.1`);
    run.phaseEnded('blueprint', 'ok');
    assert.equal(readFileSync(`${log.file}.1`, 'utf8').split('\n').length, 3);
    assert.match(readFileSync(log.file, 'utf8'), /^\{"ts":"[^"]+","run_id":"r","type":"phase.ended".*\n$/);
    rmSync(join(dir, 'runs'), { recursive: true });
    run.end('success');
    assert.match(readFileSync(log.file, 'utf8'), /"type":"run.ended"/);
    assert.equal(openRunLog({ file: join(dir, 'x', 'y.jsonl') }).file, join(dir, 'x', 'y.jsonl'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('processes appending to one file never mix their lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-emit-'));
  const file = join(dir, 'shared.jsonl');
  const emitter = new URL('../../../agent/ingest/emit.ts', import.meta.url).pathname;
  const script = `
    const { openRunLog } = require(${JSON.stringify(emitter)});
    const run = openRunLog({ file: ${JSON.stringify(file)} }).startRun({ runId: process.argv[1] });
    for (let i = 0; i < 200; i++) run.emit({ type: 'acme.blob', i, pad: 'x'.repeat(20000 + i) });`;
  try {
    const writers = ['w1', 'w2', 'w3', 'w4'].map(
      (id) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, id], { stdio: 'inherit' });
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${id} exited ${code}`))));
        }),
    );
    await Promise.all(writers);
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
    assert.equal(lines.length, 4 * 201);
    for (const line of lines) assert.ok(parseLine(Buffer.from(line), { now: Date.now() }).ok);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
