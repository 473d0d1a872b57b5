import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAD_LINE_REASONS } from '../../../agent/api/types';
import { KNOWN_EVENT_TYPES } from '../../../agent/ingest/events';
import { parseLine, type ParseResult } from '../../../agent/ingest/parse';
import { fuzzRuns } from '../../fuzz-settings';
import { nastyJson, nastyString, prototypeState } from './hostile-values';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const before = prototypeState();

function checkAnswer(r: ParseResult): void {
  if (r.ok) {
    assert.equal(typeof r.event.run_id, 'string');
    assert.ok(Number.isFinite(r.ts));
  } else {
    assert.ok((BAD_LINE_REASONS as readonly string[]).includes(r.reason), r.reason);
    assert.ok(r.message.length > 0 && r.message.length < 400, r.message);
  }
  assert.equal(prototypeState(), before, 'no prototype was changed');
}

const validLine = fc.record({
  type: fc.constantFrom(...KNOWN_EVENT_TYPES),
  run_id: fc.string({ minLength: 1, maxLength: 12 }),
}).map((e) => Buffer.from(JSON.stringify({ ts: '2026-11-25T11:00:00.000Z', ...e, phase: 'codegen', status: 'ok', duration_ms: 5, message: 'm', category: 'system', severity: 'error' })));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

function mutate(line: Buffer, steps: { kind: 'flip' | 'insert' | 'cut'; at: number; byte?: number; bytes?: Uint8Array }[]): Buffer {
  let out = Buffer.from(line);
  for (const m of steps) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'flip') out[at] = m.byte!;
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes!), out.subarray(at)]);
    else out = out.subarray(0, at);
  }
  return out;
}

test('fuzz: valid lines with bytes flipped, inserted or cut are answered with a known reason, never a throw', () => {
  fc.assert(
    fc.property(validLine, fc.array(mutation, { minLength: 1, maxLength: 4 }), (line, steps) => checkAnswer(parseLine(mutate(line, steps), { now: NOW }))),
    fuzzRuns(3000),
  );
});

test('fuzz: events carrying hostile values and prototype keys in any field', () => {
  const event = fc.record({
    ts: fc.oneof(fc.constant('2026-11-25T11:00:00Z'), nastyJson),
    run_id: fc.oneof(nastyString, nastyJson),
    type: fc.oneof(fc.constantFrom(...KNOWN_EVENT_TYPES), nastyString),
    fields: fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'phase', 'status', 'message', 'context', 'features', 'duration_ms'), nastyString), nastyJson, { maxKeys: 6 }),
  });
  fc.assert(
    fc.property(event, ({ fields, ...envelope }) => {
      // Written by hand so a "__proto__" key reaches the line as text, as a generator could write it.
      const entries = [...Object.entries(envelope), ...Object.entries(fields)].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`);
      checkAnswer(parseLine(Buffer.from(`{${entries.join(',')}}`), { now: NOW }));
    }),
    fuzzRuns(3000),
  );
});

test('fuzz: nesting of any depth is answered (too_deep past 64 levels), never a stack overflow', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
      const close = open === '[' ? ']' : '}';
      const inner = `${open.repeat(depth)}1${close.repeat(depth)}`;
      const r = parseLine(Buffer.from(`{"ts":"2026-11-25T11:00:00Z","run_id":"r","type":"x.y","deep":${inner}}`), { now: NOW });
      checkAnswer(r);
      assert.equal(r.ok, depth + 1 <= 64, `depth ${depth + 1}`);
    }),
    fuzzRuns(200),
  );
});
