import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDemoGenerator, writeDemoHistory } from '../../../agent/demo';
import { Rng } from '../../../agent/demo/prng';
import { KNOWN_EVENT_TYPES, PHASES } from '../../../agent/ingest/events';
import { parseLine } from '../../../agent/ingest/parse';

type Event = Record<string, unknown> & { type: string; run_id: string };

const TO = Date.parse('2026-11-25T00:00:00Z');
const FROM = TO - 24 * 3600_000;
const dir = mkdtempSync(join(tmpdir(), 'genmon-demo-'));
let events: Event[] = [];
let raw = '';

before(async () => {
  const file = join(dir, 'history.jsonl');
  const { lines } = await writeDemoHistory({ file, runs: 600, from: FROM, to: TO, seed: 7 });
  raw = readFileSync(file, 'utf8');
  const texts = raw.split('\n').slice(0, -1);
  assert.equal(texts.length, lines);
  events = texts.map((text) => {
    const r = parseLine(Buffer.from(text), { now: TO });
    assert.ok(r.ok, `${r.ok ? '' : r.message}: ${text}`);
    assert.ok(r.ts >= FROM && r.ts < TO, `ts in range: ${text}`);
    return r.event as Event;
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const byRun = () => {
  const runs = new Map<string, Event[]>();
  for (const e of events) runs.set(e.run_id, [...(runs.get(e.run_id) ?? []), e]);
  return runs;
};

test('history: every event type, and every run begins with run.started', () => {
  const types = new Set(events.map((e) => e.type));
  for (const type of KNOWN_EVENT_TYPES) assert.ok(types.has(type), `some ${type}`);
  for (const [runId, list] of byRun()) assert.equal(list[0].type, 'run.started', `run ${runId} starts first`);
});

test('history: every outcome, abandoned runs included', () => {
  const ended = new Map<string, string>();
  for (const e of events) if (e.type === 'run.ended') ended.set(e.run_id, e.status as string);
  const statuses = new Set(ended.values());
  for (const status of ['success', 'failed', 'partial']) assert.ok(statuses.has(status), `some ${status}`);
  const started = events.filter((e) => e.type === 'run.started').length;
  assert.equal(started, 600);
  assert.ok(started - ended.size > 0, 'some runs never end');
  const successes = [...ended.values()].filter((s) => s === 'success').length;
  assert.ok(successes > ended.size / 2, `mostly successes (${successes} of ${ended.size})`);
});

test('history: failures in each phase, each with an error event in that phase and a multi-line stack', () => {
  for (const phase of PHASES) {
    const failed = events.filter((e) => e.type === 'phase.ended' && e.phase === phase && e.status === 'failed');
    assert.ok(failed.length > 0, `a failure in ${phase}`);
    const run = failed[0].run_id;
    const error = events.find((e) => e.type === 'error' && e.run_id === run && e.phase === phase);
    assert.ok(error, `an error event for the ${phase} failure`);
    assert.match(String(error.stack), /\n {4}at .+:\d+:\d+\)/);
    assert.equal(typeof error.context, 'object');
  }
});

test('history: partial successes, slow phases, retries, regenerations, several users', () => {
  assert.ok(events.some((e) => e.type === 'phase.ended' && e.phase === 'deployment' && e.status === 'skipped'), 'a skipped deployment');
  assert.ok(events.some((e) => e.type === 'error' && e.severity === 'warning' && e.phase === 'validation'), 'validation warnings');
  assert.ok(events.some((e) => e.type === 'phase.ended' && e.phase === 'codegen' && (e.duration_ms as number) > 30_000), 'a slow codegen');
  assert.ok(events.some((e) => e.type === 'phase.ended' && e.phase === 'blueprint' && (e.duration_ms as number) > 5000), 'a slow blueprint');
  assert.ok(events.some((e) => e.type === 'phase.started' && e.attempt === 2), 'a retried phase');
  const starts = events.filter((e) => e.type === 'run.started');
  const seen = new Set<string>();
  let regenerations = 0;
  for (const s of starts) {
    if (typeof s.regenerates === 'string') {
      assert.ok(seen.has(s.regenerates), 'regenerates an earlier run');
      regenerations++;
    }
    seen.add(s.run_id);
  }
  assert.ok(regenerations > 0);
  const users = new Set(starts.map((s) => s.user_id));
  const sessions = new Set(starts.map((s) => s.session_id));
  assert.ok(users.size >= 5 && sessions.size > users.size, `${users.size} users, ${sessions.size} sessions`);
  assert.ok(new Set(starts.map((s) => s.project_type)).size >= 4, 'several project types');
  assert.ok(new Set(events.filter((e) => e.type === 'model.inference').map((e) => e.model)).size >= 3, 'several models');
});

test('history: a run is consistent (phases in order, the run lasts at least its phases)', () => {
  for (const [runId, list] of byRun()) {
    const ends = list.filter((e) => e.type === 'phase.ended');
    const order = ends.map((e) => PHASES.indexOf(e.phase as (typeof PHASES)[number]));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `phases in order in ${runId}`);
    const end = list.find((e) => e.type === 'run.ended');
    if (!end) continue;
    const phases = ends.reduce((sum, e) => sum + (e.duration_ms as number), 0);
    assert.ok((end.duration_ms as number) >= phases, `run ${runId} lasts ${end.duration_ms} >= ${phases}`);
  }
});

test('history: the same seed writes the same bytes, another seed other ones', async () => {
  const again = join(dir, 'again.jsonl');
  const other = join(dir, 'other.jsonl');
  await writeDemoHistory({ file: again, runs: 600, from: FROM, to: TO, seed: 7 });
  await writeDemoHistory({ file: other, runs: 600, from: FROM, to: TO, seed: 8 });
  assert.equal(readFileSync(again, 'utf8'), raw);
  assert.notEqual(readFileSync(other, 'utf8'), raw);
});

test('rng: seeded, in range, UUIDs of version 4', () => {
  const a = new Rng(1);
  const b = new Rng(1);
  for (let i = 0; i < 100; i++) assert.equal(a.float(), b.float());
  const r = new Rng(2);
  for (let i = 0; i < 1000; i++) {
    const n = r.int(3, 5);
    assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    assert.match(r.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});

test('live: writes runs that parse, with the injected clock, until aborted', async () => {
  const live = join(dir, 'live');
  const base = Date.parse('2026-11-20T23:59:59.500Z');
  const t0 = Date.now();
  const controller = new AbortController();
  const done = startDemoGenerator({ dir: live, ratePerMinute: 600, speed: 2000, seed: 3, now: () => base + (Date.now() - t0), signal: controller.signal });
  await new Promise((r) => setTimeout(r, 1500));
  controller.abort();
  await done;
  const files = readdirSync(live).sort();
  assert.ok(files.includes('demo-2026-11-20.jsonl'), `files by the day a run starts: ${files.join(', ')}`);
  const lines = files.flatMap((f) => readFileSync(join(live, f), 'utf8').split('\n').slice(0, -1));
  const parsed = lines.map((l) => parseLine(Buffer.from(l), { now: base + (Date.now() - t0) }));
  assert.ok(parsed.every((p) => p.ok));
  const started = parsed.filter((p) => p.ok && p.event.type === 'run.started').length;
  assert.ok(started >= 3, `${started} runs started`);
  assert.ok(parsed.some((p) => p.ok && p.event.type === 'run.ended'), 'a run finished');
});

test('live: stops at once when already aborted, and fails when it cannot write', async () => {
  await startDemoGenerator({ dir: join(dir, 'never'), signal: AbortSignal.abort() });
  assert.throws(() => readdirSync(join(dir, 'never')));
  const blocker = join(dir, 'blocker');
  writeFileSync(blocker, '');
  const controller = new AbortController();
  await assert.rejects(startDemoGenerator({ dir: join(blocker, 'runs'), signal: controller.signal }), /ENOTDIR|EEXIST/);
  controller.abort();
});
