import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BadLineReason } from '../../../agent/api/types';
import { parseLine, type ParseOptions } from '../../../agent/ingest/parse';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const TS = '2026-11-25T10:00:00.000Z';

const parse = (line: string | Buffer, opts: Partial<ParseOptions> = {}) =>
  parseLine(typeof line === 'string' ? Buffer.from(line) : line, { now: NOW, ...opts });
const json = (event: Record<string, unknown>) => JSON.stringify({ ts: TS, run_id: 'r1', ...event });

function rejects(line: string | Buffer, reason: BadLineReason, message: RegExp, opts: Partial<ParseOptions> = {}): void {
  const r = parse(line, opts);
  assert.equal(r.ok, false, `expected ${reason} for ${String(line).slice(0, 120)}`);
  if (r.ok) return;
  assert.equal(r.reason, reason, r.message);
  assert.match(r.message, message);
  assert.ok(r.message.length < 300, `message is short: ${r.message}`);
}

test('a known event parses, with its timestamp in epoch ms', () => {
  const r = parse(json({ type: 'phase.ended', phase: 'codegen', status: 'ok', duration_ms: 14210 }));
  assert.ok(r.ok);
  assert.equal(r.known, true);
  assert.equal(r.ts, Date.parse(TS));
  assert.equal(r.event.type, 'phase.ended');
  assert.equal(r.event.duration_ms, 14210);
});

test('timestamps: zones, fractions and epoch milliseconds', () => {
  const cases: [unknown, number][] = [
    ['2026-11-25T11:00:00+01:00', Date.parse('2026-11-25T10:00:00Z')],
    ['2026-11-25T04:30:00-05:30', Date.parse('2026-11-25T10:00:00Z')],
    ['2026-11-25T10:00:00.5Z', Date.parse('2026-11-25T10:00:00.500Z')],
    ['2026-11-25T10:00:00.123456789Z', Date.parse('2026-11-25T10:00:00.123Z')],
    [1795600800000, 1795600800000],
    [1795600800000.5, 1795600800000.5],
  ];
  for (const [ts, ms] of cases) {
    const r = parse(JSON.stringify({ ts, run_id: 'r', type: 'x' }));
    assert.ok(r.ok, `${ts} accepted`);
    assert.equal(r.ts, ms, String(ts));
  }
});

test('unknown types and extra fields are accepted and marked unknown', () => {
  const unknown = parse(json({ type: 'acme.cache_lookup', hit: false, nested: { a: [1, 2] } }));
  assert.ok(unknown.ok);
  assert.equal(unknown.known, false);
  assert.equal(unknown.event.hit, false);
  const extra = parse(json({ type: 'run.started', app: 'shop', generator_version: '2.8.1' }));
  assert.ok(extra.ok);
  assert.equal(extra.known, true);
  assert.equal(extra.event.generator_version, '2.8.1');
});

test('a trailing CR (CRLF logs) and a leading byte order mark are ignored', () => {
  assert.ok(parse(`${json({ type: 'run.started' })}\r`).ok);
  assert.ok(parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json({ type: 'run.started' }))])).ok);
});

test('each bad line gets its reason and a message naming the problem', () => {
  rejects(Buffer.alloc(2000, 0x20), 'oversized', /2000 bytes .* 1000-byte limit/, { maxBytes: 1000 });
  const badUtf8 = Buffer.concat([Buffer.from('{"ts":"x","app":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  rejects(badUtf8, 'invalid_utf8', /UTF-8 \(byte 0xc3 at offset 17\)/);
  rejects('{not json', 'malformed_json', /not valid JSON/);
  rejects('', 'malformed_json', /empty line/);
  rejects('  \t ', 'malformed_json', /empty line/);
  rejects('[1,2,3]', 'not_an_object', /array/);
  rejects('42', 'not_an_object', /number/);
  rejects('null', 'not_an_object', /null/);
  rejects('"text"', 'not_an_object', /string/);
  rejects(JSON.stringify({ run_id: 'r', type: 'x' }), 'missing_field', /no ts/);
  rejects(JSON.stringify({ ts: TS, type: 'x' }), 'missing_field', /no run_id/);
  rejects(JSON.stringify({ ts: TS, run_id: 'r' }), 'missing_field', /no type/);
  rejects(json({ type: 'phase.ended', phase: 'codegen', status: 'ok' }), 'missing_field', /phase\.ended event has no duration_ms \(expected a number >= 0\)/);
  rejects(json({ type: 'error', category: 'system', severity: 'error' }), 'missing_field', /error event has no message/);
  rejects(JSON.stringify({ ts: true, run_id: 'r', type: 'x' }), 'wrong_type', /^ts must be .*got true/);
  rejects(JSON.stringify({ ts: TS, run_id: 7, type: 'x' }), 'wrong_type', /^run_id must be a non-empty string/);
  rejects(JSON.stringify({ ts: TS, run_id: '', type: 'x' }), 'wrong_type', /^run_id must be/);
  rejects(JSON.stringify({ ts: TS, run_id: 'r'.repeat(201), type: 'x' }), 'wrong_type', /at most 200 characters/);
  rejects(JSON.stringify({ ts: TS, run_id: 'r', type: ['x'] }), 'wrong_type', /^type must be .*got an array/);
  rejects(json({ type: 'x', v: 2 }), 'wrong_type', /^v must be 1/);
  rejects(json({ type: 'phase.ended', phase: 'codegen', status: 'ok', duration_ms: 'abc' }), 'wrong_type', /^phase\.ended\.duration_ms must be a number >= 0, got "abc"$/);
  rejects(json({ type: 'phase.ended', phase: 'codegen', status: 'ok', duration_ms: -5 }), 'wrong_type', /duration_ms must be a number >= 0, got -5/);
  rejects(json({ type: 'phase.ended', phase: 'codegen', status: 'done', duration_ms: 1 }), 'wrong_type', /status must be one of ok, failed, skipped, got "done"/);
  rejects(json({ type: 'phase.started', phase: 'testing' }), 'wrong_type', /phase\.started\.phase must be one of blueprint, codegen, validation, deployment/);
  rejects(json({ type: 'model.inference', model: 'gpt-4o', latency_ms: 1, input_tokens: 1.5 }), 'wrong_type', /input_tokens must be an integer >= 0, got 1\.5/);
  rejects(json({ type: 'quality', coverage: 101 }), 'wrong_type', /quality\.coverage must be a number from 0 to 100, got 101/);
  rejects(json({ type: 'feedback', score: 0 }), 'wrong_type', /feedback\.score must be a number from 1 to 5/);
  rejects(json({ type: 'run.started', features: ['auth', 3] }), 'wrong_type', /run\.started\.features\[1\] must be a string, got 3/);
  rejects(json({ type: 'error', category: 'system', severity: 'error', message: 'm', context: 'x' }), 'wrong_type', /error\.context must be an object/);
  rejects(json({ type: 'db.query', operation: 'q', duration_ms: 1, deadlock: 'no' }), 'wrong_type', /deadlock must be true or false/);
  rejects(json({ type: 'run.ended', status: 'success', duration_ms: null }), 'wrong_type', /duration_ms must be a number >= 0, got null/);
  rejects(JSON.stringify({ ts: 'yesterday', run_id: 'r', type: 'x' }), 'bad_timestamp', /ts "yesterday" is not an ISO 8601 date-time/);
  rejects(JSON.stringify({ ts: '2026-11-25T10:00:00', run_id: 'r', type: 'x' }), 'bad_timestamp', /with a zone/);
  rejects(JSON.stringify({ ts: '2026-11-25 10:00:00Z', run_id: 'r', type: 'x' }), 'bad_timestamp', /ISO 8601/);
  rejects(JSON.stringify({ ts: '2026-13-01T00:00:00Z', run_id: 'r', type: 'x' }), 'bad_timestamp', /ISO 8601/);
  rejects(JSON.stringify({ ts: 1795600800, run_id: 'r', type: 'x' }), 'bad_timestamp', /epoch seconds\?/);
  rejects(JSON.stringify({ ts: -1, run_id: 'r', type: 'x' }), 'bad_timestamp', /epoch milliseconds/);
  rejects(JSON.stringify({ ts: '2026-11-25T12:06:00Z', run_id: 'r', type: 'x' }), 'future_timestamp', /6 min ahead .* 5 min allowed/);
  rejects(JSON.stringify({ ts: NOW + 2000, run_id: 'r', type: 'x' }), 'future_timestamp', /2 s ahead/, { maxFutureMs: 1000 });
});

test('a timestamp just inside the future limit is accepted', () => {
  assert.ok(parse(JSON.stringify({ ts: NOW + 5 * 60_000, run_id: 'r', type: 'x' })).ok);
});

test('echoed values are clipped, so a message stays short', () => {
  const r = parse(json({ type: 'phase.started', phase: 'p'.repeat(10_000) }));
  assert.ok(!r.ok);
  assert.ok(r.message.length < 250, r.message);
  assert.match(r.message, /…"$/);
  const big = parse(json({ type: 'error', category: 'system', severity: 'error', message: { huge: 'x'.repeat(100_000) } }));
  assert.ok(!big.ok);
  assert.match(big.message, /error\.message must be a string, got an object$/);
});

test('__proto__ and constructor keys stay plain fields and alter no prototype', () => {
  const line = '{"ts":"2026-11-25T10:00:00Z","run_id":"r","type":"run.started","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
  const r = parse(line);
  assert.ok(r.ok);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(r.event), Object.prototype);
  assert.ok(Object.hasOwn(r.event, '__proto__'));
  assert.equal((r.event as Record<string, unknown>).polluted, undefined);
  const asType = parse(JSON.stringify({ ts: TS, run_id: 'r', type: '__proto__' }));
  assert.ok(asType.ok);
  assert.equal(asType.known, false);
});
