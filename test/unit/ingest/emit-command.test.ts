import { Command } from 'commander';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emitEvent, EXIT_INVALID_EVENT, registerEmit, type EmitOptions } from '../../../agent/cli/emit-command';
import { parseLine } from '../../../agent/ingest/parse';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'genmon-emit-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function emit(type: string, o: Partial<EmitOptions>) {
  const out: string[] = [];
  const err: string[] = [];
  const file = o.file ?? join(o.dir ?? join(root, `d${++n}`), 'runs.jsonl');
  const code = emitEvent(type, { ...(o.dir || o.file ? {} : { file }), ...o }, { now: () => NOW, out: (t) => out.push(t), err: (t) => err.push(t) });
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : [];
  return { code, out: out.join(''), err: err.join(''), lines, events: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('run.started without --run-id gets a new UUID, printed on stdout', () => {
  const r = emit('run.started', { field: ['app=shop', 'features=["auth","search"]'] });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^[0-9a-f-]{36}\n$/);
  assert.equal(r.events[0].run_id, r.out.trim());
  assert.equal(r.events[0].ts, '2026-11-25T10:00:00.000Z');
  assert.deepEqual(r.events[0].features, ['auth', 'search']);
  assert.ok(parseLine(Buffer.from(r.lines[0]), { now: NOW }).ok);
});

test('field values are read as JSON when they are JSON, as text otherwise', () => {
  const r = emit('db.query', {
    runId: 'r',
    field: ['operation=select templates', 'duration_ms=12.5', 'deadlock=false', 'pool_size=10', 'note="123"', 'empty=', 'eq=a=b'],
  });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.events[0], {
    ts: '2026-11-25T10:00:00.000Z', run_id: 'r', type: 'db.query', operation: 'select templates', duration_ms: 12.5, deadlock: false, pool_size: 10,
    note: '123', empty: '', eq: 'a=b',
  });
});

test('--field wins over --json, --run-id over both; ts may be given', () => {
  const r = emit('phase.ended', {
    runId: 'flag',
    json: '{"run_id":"json","phase":"codegen","status":"failed","duration_ms":5}',
    field: ['status=ok', 'ts=1795600000000'],
  });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.events[0], { ts: 1795600000000, run_id: 'flag', type: 'phase.ended', phase: 'codegen', status: 'ok', duration_ms: 5 });
});

test('an invalid event exits 2, says why, and writes nothing', () => {
  const cases: [string, Partial<EmitOptions>, RegExp][] = [
    ['phase.ended', { runId: 'r', field: ['phase=codegen', 'status=ok', 'duration_ms=abc'] }, /phase\.ended\.duration_ms must be a number >= 0, got "abc" \(wrong_type\)/],
    ['phase.ended', { runId: 'r', field: ['phase=codegen', 'status=ok'] }, /no duration_ms .*missing_field/],
    ['phase.started', { field: ['phase=codegen'] }, /phase\.started needs --run-id/],
    ['run.started', { field: ['ts=1795600'] }, /bad_timestamp/],
    ['run.started', { field: ['nokey'] }, /--field needs key=value, got "nokey"/],
    ['run.started', { field: ['=x'] }, /--field needs key=value/],
    ['run.started', { json: '[1]' }, /--json must be a JSON object/],
    ['run.started', { json: '{oops' }, /--json is not valid JSON/],
    ['run.started', { json: '{"type":"run.ended"}' }, /type is "run.started" but the fields say "run.ended"/],
    ['run.started', { file: join(root, 'a.jsonl'), dir: root }, /--file or --dir, not both/],
  ];
  for (const [type, o, message] of cases) {
    const r = emit(type, o);
    assert.equal(r.code, EXIT_INVALID_EVENT, `${type} ${JSON.stringify(o)}`);
    assert.match(r.err, message);
    assert.match(r.err, /^genmon emit: nothing written: /);
    assert.equal(r.lines.length, 0);
  }
});

test('an unknown type is written with a note', () => {
  const r = emit('phase.start', { runId: 'r', field: ['phase=codegen'] });
  assert.equal(r.code, 0);
  assert.match(r.err, /phase\.start is not a known type/);
  assert.equal(r.lines.length, 1);
});

test('a __proto__ field stays a plain field', () => {
  const r = emit('acme.x', { runId: 'r', field: ['__proto__={"polluted":true}'], json: '{"__proto__":{"polluted":true}}' });
  assert.equal(r.code, 0);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.match(r.lines[0], /"__proto__":\{"polluted":true\}/);
});

test('registerEmit wires the options through commander, appending to <dir>/runs.jsonl', async () => {
  const dir = join(root, 'cli');
  const program = new Command('genmon').exitOverride();
  registerEmit(program);
  const before = process.exitCode;
  try {
    await program.parseAsync(['emit', 'run.ended', '--dir', dir, '--run-id', 'r9', '--field', 'status=success', '--field', 'duration_ms=31200'], { from: 'user' });
    assert.equal(process.exitCode, 0);
  } finally {
    process.exitCode = before;
  }
  const event = JSON.parse(readFileSync(join(dir, 'runs.jsonl'), 'utf8')) as Record<string, unknown>;
  assert.equal(event.run_id, 'r9');
  assert.equal(event.duration_ms, 31200);
});
