/**
 * Turns one line of a generator run log into an event, or says in plain words
 * why the line is set aside. Pure apart from the schema compiled at load: the
 * caller passes "now", so replaying a journal gives the same answers.
 *
 * The envelope (ts, run_id, type, v) is checked by hand, because each of its
 * faults has its own reason and this path runs for every line; the fields of
 * known types are checked by Ajv against `schema/log-event.v1.schema.json`.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isUtf8 } from 'node:buffer';
import schema from '../../schema/log-event.v1.schema.json';
import type { BadLineReason } from '../api/types';
import { KNOWN_EVENT_TYPES, type EventBase } from './events';

export const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/**
 * Deepest nesting of arrays and objects accepted. JSON.parse copes with any
 * depth, but JSON.stringify and every recursive walk after it do not: a line
 * nested 50,000 deep would throw when its row is written.
 */
export const MAX_DEPTH = 64;

export interface ParseOptions {
  /** Epoch ms the timestamp is compared with. */
  now: number;
  /** How far ahead of `now` a timestamp may be (clock skew between machines). */
  maxFutureMs?: number;
  maxBytes?: number;
  /** Processing rules' transformation, applied to the object before it is checked. */
  transform?: (value: Record<string, unknown>) => Record<string, unknown>;
}

export type ParseResult =
  | { ok: true; event: EventBase; ts: number; known: boolean }
  | { ok: false; reason: BadLineReason; message: string };

type Schema = Record<string, unknown>;

const ajv = new Ajv({ allErrors: false, verbose: true, allowUnionTypes: true });
ajv.addSchema(schema);

/** One validator per known type, so a line pays for its own type's checks only. */
const validators = new Map<string, ValidateFunction>();
for (const type of KNOWN_EVENT_TYPES) {
  const validate = ajv.getSchema(`${schema.$id}#/definitions/${type}`);
  if (!validate) throw new Error(`log event schema has no definition for ${type}`);
  validators.set(type, validate);
}

const TS_PATTERN = new RegExp(schema.definitions.timestamp.oneOf[0].pattern!);
const MIN_EPOCH_MS = schema.definitions.timestamp.oneOf[1].minimum!;
const RUN_ID_MAX = schema.definitions.runId.maxLength;
const TYPE_MAX = schema.properties.type.maxLength;
const ECHO_CHARS = 80;

const CR = 0x0d;

export function parseLine(line: Buffer, opts: ParseOptions): ParseResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_LINE_BYTES;
  let end = line.length;
  if (end > 0 && line[end - 1] === CR) end--;
  if (end > maxBytes) return bad('oversized', `line of ${end} bytes is over the ${maxBytes}-byte limit`);
  // A byte order mark, as some Windows tools write at the start of a file.
  const start = end >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? 3 : 0;
  const bytes = start === 0 && end === line.length ? line : line.subarray(start, end);
  if (!isUtf8(bytes)) {
    const at = firstBadByte(bytes);
    return bad('invalid_utf8', `line is not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, '0')} at offset ${start + at})`);
  }
  const depth = nestingOver(bytes, MAX_DEPTH);
  if (depth !== null) return bad('too_deep', `arrays and objects nest ${depth} deep; at most ${MAX_DEPTH} levels are accepted`);
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return bad('malformed_json', text.trim() === '' ? 'empty line' : `not valid JSON: ${clip((err as Error).message, 120)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad('not_an_object', `line is ${kindOf(value)}, not a JSON object`);
  }
  const event = opts.transform ? opts.transform(value as Record<string, unknown>) : (value as Record<string, unknown>);
  return checkEvent(event, opts);
}

function checkEvent(event: Record<string, unknown>, opts: ParseOptions): ParseResult {
  const { ts, run_id: runId, type } = event;
  if (ts === undefined || runId === undefined || type === undefined) {
    const missing = (['ts', 'run_id', 'type'] as const).filter((field) => event[field] === undefined);
    return bad('missing_field', `event has no ${missing.join(', no ')}`);
  }
  if (typeof runId !== 'string' || runId.length === 0 || longerThan(runId, RUN_ID_MAX)) {
    return bad('wrong_type', `run_id must be ${expected(schema.definitions.runId)}, got ${echo(runId)}`);
  }
  if (typeof type !== 'string' || type.length === 0 || longerThan(type, TYPE_MAX)) {
    return bad('wrong_type', `type must be ${expected(schema.properties.type)}, got ${echo(type)}`);
  }
  let ms: number;
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts) || ts < MIN_EPOCH_MS) {
      const hint = ts > 0 && ts < MIN_EPOCH_MS ? ' (epoch seconds? write milliseconds)' : '';
      return bad('bad_timestamp', `ts ${echo(ts)} is not a usable epoch milliseconds value${hint}`);
    }
    ms = ts;
  } else if (typeof ts === 'string') {
    ms = TS_PATTERN.test(ts) ? isoToMs(ts) : NaN;
    if (Number.isNaN(ms)) return bad('bad_timestamp', `ts ${echo(ts)} is not an ISO 8601 date-time with a zone, like 2026-11-25T10:00:00.000Z`);
  } else {
    return bad('wrong_type', `ts must be an ISO 8601 date-time string or epoch milliseconds, got ${echo(ts)}`);
  }
  const maxFutureMs = opts.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (ms > opts.now + maxFutureMs) {
    return bad('future_timestamp', `ts ${echo(ts)} is ${seconds(ms - opts.now)} ahead of the agent's clock (at most ${seconds(maxFutureMs)} allowed)`);
  }
  if (event.v !== undefined && event.v !== 1) return bad('wrong_type', `v must be 1 (this agent reads format v1), got ${echo(event.v)}`);
  const validate = validators.get(type);
  if (validate === undefined) return { ok: true, event: event as EventBase, ts: ms, known: false };
  if (!validate(event)) return fromSchemaError(type, validate.errors![0]);
  return { ok: true, event: event as EventBase, ts: ms, known: true };
}

/** In code points, as JSON Schema's maxLength counts; `length` counts UTF-16 units, so is only a first test. */
function longerThan(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return true;
  return false;
}

function fromSchemaError(type: string, err: ErrorObject): ParseResult {
  const parent = err.parentSchema as Schema;
  if (err.keyword === 'required') {
    const field = (err.params as { missingProperty: string }).missingProperty;
    const property = resolve((parent.properties as Record<string, Schema>)[field]);
    return bad('missing_field', `${type} event has no ${field} (expected ${expected(property)})`);
  }
  return bad('wrong_type', `${type}.${fieldOf(err.instancePath)} must be ${expected(parent)}, got ${echo(err.data)}`);
}

function resolve(s: Schema): Schema {
  const ref = s.$ref;
  if (typeof ref !== 'string') return s;
  return (schema.definitions as Record<string, Schema>)[ref.slice('#/definitions/'.length)];
}

/** What a schema accepts, in words: "a number >= 0", "one of ok, failed, skipped". */
function expected(s: Schema): string {
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(', ')}`;
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  return types.map((t) => noun(t, s)).join(' or ');
}

function noun(type: string, s: Schema): string {
  switch (type) {
    case 'number':
      return `a number${range(s)}`;
    case 'integer':
      return `an integer${range(s)}`;
    case 'string': {
      const base = typeof s.minLength === 'number' && s.minLength > 0 ? 'a non-empty string' : 'a string';
      return typeof s.maxLength === 'number' ? `${base} of at most ${s.maxLength} characters` : base;
    }
    case 'boolean':
      return 'true or false';
    case 'array':
      return (s.items as Schema | undefined)?.type === 'string' ? 'an array of strings' : 'an array';
    case 'object':
      return 'an object';
    default:
      return type;
  }
}

function range(s: Schema): string {
  const { minimum: min, maximum: max } = s;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

/** `/features/2` → `features[2]`. */
function fieldOf(instancePath: string): string {
  const [field, ...rest] = instancePath.slice(1).split('/');
  return field + rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
}

/** A value as it appears in a message: short, and never the whole of a big object. */
function echo(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(clip(value, ECHO_CHARS));
  if (typeof value === 'object' && value !== null) return kindOf(value);
  return String(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(clip(value, ECHO_CHARS))})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return `a number (${value})`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/**
 * Epoch ms of a string that matches TS_PATTERN. Reads the fixed positions
 * itself: a third of the time of Date.parse, which was the largest cost on
 * the line path after JSON.parse. Agrees with Date.parse, rolling over
 * impossible days (Feb 31) the same way.
 */
function isoToMs(s: string): number {
  const year = num(s, 0, 4);
  // Date.UTC reads years 0..99 as 1900..1999.
  if (year < 100) return Date.parse(s);
  let i = 19;
  let millis = 0;
  if (s.charCodeAt(i) === 0x2e) {
    // Digits past milliseconds are dropped, as Date.parse does.
    for (let scale = 100, code = s.charCodeAt(++i); isDigit(code); scale /= 10, code = s.charCodeAt(++i)) {
      if (scale >= 1) millis += (code - 48) * scale;
    }
  }
  let offsetMin = 0;
  if (s.charCodeAt(i) !== 0x5a) {
    offsetMin = (num(s, i + 1, 2) * 60 + num(s, i + 4, 2)) * (s.charCodeAt(i) === 0x2d ? -1 : 1);
  }
  const utc = Date.UTC(year, num(s, 5, 2) - 1, num(s, 8, 2), num(s, 11, 2), num(s, 14, 2), num(s, 17, 2), millis);
  return utc - offsetMin * 60_000;
}

function num(s: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * How deep the line nests, when deeper than `max`; else null. Most lines hold
 * a few brackets, which `indexOf` counts at memchr speed; only a line with
 * more than `max` of them is walked byte by byte.
 */
function nestingOver(bytes: Buffer, max: number): number | null {
  let opens = 0;
  for (const code of [OPEN_BRACE, OPEN_BRACKET]) {
    for (let i = bytes.indexOf(code); i >= 0 && opens <= max; i = bytes.indexOf(code, i + 1)) opens++;
  }
  if (opens <= max) return null;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest > max ? deepest : null;
}

/** Offset of the first byte that is not part of valid UTF-8; only called for lines known to be bad. */
function firstBadByte(bytes: Buffer): number {
  let offset = 0;
  for (const ch of bytes.toString('utf8')) {
    const cp = ch.codePointAt(0)!;
    const genuine = bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd;
    if (cp === 0xfffd && !genuine) return offset;
    offset += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return offset;
}

function bad(reason: BadLineReason, message: string): ParseResult {
  return { ok: false, reason, message };
}
