import Ajv from 'ajv';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import schema from '../../../schema/log-event.v1.schema.json';
import { KNOWN_EVENT_TYPES } from '../../../agent/ingest/events';
import { parseLine } from '../../../agent/ingest/parse';

const NOW = Date.parse('2026-11-25T12:00:00Z');
/** No timestamp is in the future of this "now": clock skew is not something the schema can say. */
const LATER = Number.POSITIVE_INFINITY;
const validateSchema = new Ajv({ allowUnionTypes: true }).compile(schema);

test('parseLine never throws on arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const r = parseLine(Buffer.from(bytes), { now: NOW });
      assert.equal(typeof r.ok, 'boolean');
    }),
    { numRuns: 2000 },
  );
});

test('parseLine never throws on arbitrary JSON, and answers every object line', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const r = parseLine(Buffer.from(JSON.stringify(value) ?? ''), { now: NOW });
      if (!r.ok) assert.ok(r.message.length > 0 && r.message.length < 400, r.message);
    }),
    { numRuns: 2000 },
  );
});

const fieldNames = [
  ...new Set(Object.values(schema.definitions).flatMap((d) => Object.keys((d as { properties?: object }).properties ?? {}))),
  'v',
  'extra',
];
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('codegen', 'ok', 'failed', 'success', 'system', 'error', 'gpt-4o', '', 0, -1, 1, 1.5, 3, 5, 100, 101, 599, true, null, [], ['a'], {}),
);
const timestamp = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true, min: new Date('1973-01-01'), max: new Date('2200-01-01') }).map((d) => d.getTime()),
  fc.constantFrom('2026-11-25T10:00:00Z', '2026-11-25T10:00:00+05:30', '2026-11-25 10:00:00Z', 1795600800, 'now'),
  fc.jsonValue({ maxDepth: 1 }),
);
const eventLike = fc
  .record(
    {
      ts: timestamp,
      run_id: fc.oneof(fc.string({ maxLength: 210 }), fc.jsonValue({ maxDepth: 1 })),
      type: fc.oneof(fc.constantFrom(...KNOWN_EVENT_TYPES), fc.string({ maxLength: 20 })),
      fields: fc.dictionary(fc.constantFrom(...fieldNames), fieldValue, { maxKeys: 6 }),
    },
    { requiredKeys: ['fields'] },
  )
  .map(({ fields, ...envelope }) => ({ ...fields, ...envelope }));

test('the parser accepts exactly what the schema accepts (clock skew aside)', () => {
  fc.assert(
    fc.property(eventLike, (event) => {
      const parsed = parseLine(Buffer.from(JSON.stringify(event)), { now: LATER });
      assert.equal(parsed.ok, validateSchema(event), parsed.ok ? 'parser accepts, schema rejects' : parsed.message);
    }),
    { numRuns: 5000 },
  );
});

test('ISO timestamps read by hand equal Date.parse', () => {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const iso = fc
    .record({
      date: fc.date({ noInvalidDate: true, min: new Date('1000-01-01'), max: new Date('9999-12-31') }),
      fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,9}$/)),
      zone: fc.oneof(
        fc.constant('Z'),
        fc.record({ sign: fc.constantFrom('+', '-'), h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }) }).map((z) => `${z.sign}${pad(z.h, 2)}:${pad(z.m, 2)}`),
      ),
    })
    .map(({ date, fraction, zone }) => `${date.toISOString().slice(0, 19)}${fraction}${zone}`);
  fc.assert(
    fc.property(iso, (ts) => {
      const r = parseLine(Buffer.from(JSON.stringify({ ts, run_id: 'r', type: 'x' })), { now: LATER });
      assert.ok(r.ok, ts);
      assert.equal(r.ts, Date.parse(ts), ts);
    }),
    { numRuns: 3000 },
  );
});
