/**
 * Keeps docs/log-format.md, the JSON Schema, events.ts and the parser from
 * drifting apart: the docs' example lines must parse, and pass the schema as a
 * generic validator reads it.
 */
import Ajv from 'ajv';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import schema from '../../../schema/log-event.v1.schema.json';
import { BAD_LINE_REASONS } from '../../../agent/api/types';
import { ERROR_CATEGORIES, KNOWN_EVENT_TYPES, PHASE_STATUSES, PHASES, RUN_OUTCOMES, SEVERITIES } from '../../../agent/ingest/events';
import { parseLine } from '../../../agent/ingest/parse';

const docs = readFileSync(new URL('../../../docs/log-format.md', import.meta.url), 'utf8');
const validateSchema = new Ajv({ allowUnionTypes: true }).compile(schema);
const LATER = Date.parse('2100-01-01T00:00:00Z');

function exampleLines(): string[] {
  const lines: string[] = [];
  for (const block of docs.matchAll(/```jsonl\n([\s\S]*?)```/g)) {
    lines.push(...block[1].split('\n').filter((l) => l.trim() !== ''));
  }
  return lines;
}

test('every example line in the docs parses and passes the schema', () => {
  const lines = exampleLines();
  assert.ok(lines.length >= 20, `found ${lines.length} example lines`);
  for (const line of lines) {
    const r = parseLine(Buffer.from(line), { now: LATER });
    assert.ok(r.ok, `${r.ok ? '' : r.message}: ${line}`);
    assert.ok(validateSchema(JSON.parse(line)), `schema: ${JSON.stringify(validateSchema.errors)}: ${line}`);
  }
});

test('the docs show an example and a section for every known type', () => {
  const shown = new Set(exampleLines().map((l) => (JSON.parse(l) as { type: string }).type));
  for (const type of KNOWN_EVENT_TYPES) {
    assert.ok(shown.has(type), `an example of ${type}`);
    assert.ok(docs.includes(`### \`${type}\``), `a section for ${type}`);
  }
});

test('the docs explain every bad-line reason', () => {
  for (const reason of BAD_LINE_REASONS) assert.match(docs, new RegExp(`^\\| \`${reason}\` \\|`, 'm'), reason);
});

test('the schema and events.ts agree on types and enums', () => {
  const defs = schema.definitions as Record<string, { properties?: Record<string, { enum?: string[] }> }>;
  for (const type of KNOWN_EVENT_TYPES) assert.ok(defs[type], `schema definition for ${type}`);
  const conditional = schema.allOf.map((c) => c.if.properties.type.const);
  assert.deepEqual([...conditional].sort(), [...KNOWN_EVENT_TYPES].sort());
  assert.deepEqual(schema.definitions.phase.enum, [...PHASES]);
  assert.deepEqual(defs['phase.ended'].properties?.status.enum, [...PHASE_STATUSES]);
  assert.deepEqual(defs['run.ended'].properties?.status.enum, [...RUN_OUTCOMES]);
  assert.deepEqual(defs.error.properties?.category.enum, [...ERROR_CATEGORIES]);
  assert.deepEqual(defs.error.properties?.severity.enum, [...SEVERITIES]);
});

test('the parser and the schema agree on hand-picked edge cases', () => {
  const base = { ts: '2026-11-25T10:00:00Z', run_id: 'r', type: 'x' };
  const cases: Record<string, unknown>[] = [
    base,
    { ...base, ts: 1795600800000 },
    { ...base, ts: 99_999_999_999 },
    { ...base, ts: '2026-11-25T10:00:00' },
    { ...base, ts: '2026-11-25T10:00:00.1234567890Z' },
    { ...base, ts: '2026-11-25T24:00:00Z' },
    { ...base, ts: '2026-02-31T10:00:00+14:00' },
    { ...base, ts: '0050-01-01T00:00:00Z' },
    { ...base, run_id: '😀'.repeat(150) },
    { ...base, run_id: '😀'.repeat(201) },
    { ...base, type: '' },
    { ...base, v: 1 },
    { ...base, v: '1' },
    { ...base, type: 'run.started', regenerates: null },
    { ...base, type: 'feedback', score: 4.5 },
    { ...base, type: 'api.request', route: '/x', duration_ms: 0, status_code: 599 },
    { ...base, type: 'api.request', route: '', duration_ms: 0 },
  ];
  for (const event of cases) {
    const parsed = parseLine(Buffer.from(JSON.stringify(event)), { now: LATER });
    assert.equal(parsed.ok, validateSchema(event), `${JSON.stringify(event).slice(0, 100)}: ${parsed.ok ? 'parser accepts' : parsed.message}`);
  }
});
