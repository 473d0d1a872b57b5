/**
 * Reading OpenTelemetry attributes the way the mapping (docs/otlp.md)
 * describes: Genmon's own `genmon.*` attributes first, then the
 * semantic conventions (GenAI, HTTP, database, exception, resource).
 */
import { ERROR_CATEGORIES, PHASES, SEVERITIES, type ErrorCategory, type Phase, type Severity } from '../ingest/events';
import type { AttrValue, Attrs } from './model';

/** Longest message and stack copied into an error event; the line limit is 1 MiB. */
const MAX_MESSAGE = 8 * 1024;
const MAX_STACK = 64 * 1024;

export function text(a: Attrs, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = a[key];
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return undefined;
}

/** A whole number >= 0, or undefined. */
export function count(a: Attrs, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const v = typeof a[key] === 'string' ? Number(a[key]) : a[key];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  }
  return undefined;
}

export function amount(a: Attrs, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const v = a[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return undefined;
}

const PHASE_NAME = /^(?:genmon[.\s_-]?)?(?:phase[.\s:_-]+)?(blueprint|codegen|code[\s_-]?generation|validation|validate|deployment|deploy)$/;
const PHASE_ALIASES: Record<string, Phase> = { validate: 'validation', deploy: 'deployment' };

/** `genmon.phase`, else the span name (`codegen`, `phase.codegen`, `Code generation`, `deploy`...). */
export function phaseOf(a: Attrs, name = ''): Phase | null {
  const attr = text(a, 'genmon.phase');
  for (const candidate of [attr, name]) {
    if (!candidate) continue;
    const m = PHASE_NAME.exec(candidate.trim().toLowerCase());
    if (!m) continue;
    const word = m[1].replace(/[\s_-]/g, '');
    if (word === 'codegeneration') return 'codegen';
    if ((PHASES as readonly string[]).includes(word)) return word as Phase;
    return PHASE_ALIASES[word] ?? null;
  }
  return null;
}

/** `genmon.error.category` when valid, else the phase's: generation for blueprint and codegen, system outside phases. */
export function categoryOf(a: Attrs, phase: Phase | null): ErrorCategory {
  const given = text(a, 'genmon.error.category');
  if (given && (ERROR_CATEGORIES as readonly string[]).includes(given)) return given as ErrorCategory;
  if (phase === 'blueprint' || phase === 'codegen') return 'generation';
  if (phase === 'validation' || phase === 'deployment') return phase;
  return 'system';
}

export function severityOf(a: Attrs, fallback: Severity): Severity {
  const given = text(a, 'genmon.error.severity');
  return given && (SEVERITIES as readonly string[]).includes(given) ? (given as Severity) : fallback;
}

/** OpenTelemetry severity numbers: 13-16 WARN, 17-20 ERROR, 21-24 FATAL. */
export function severityFromNumber(n: number, textual: string): Severity | null {
  if (n >= 21) return 'critical';
  if (n >= 17) return 'error';
  if (n >= 13) return 'warning';
  if (n > 0) return null;
  const t = textual.toUpperCase();
  if (t.startsWith('FATAL') || t === 'CRITICAL') return 'critical';
  if (t.startsWith('ERR')) return 'error';
  if (t.startsWith('WARN')) return 'warning';
  return null;
}

export function isGenAi(a: Attrs): boolean {
  return ['gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.system', 'gen_ai.provider.name'].some((k) => a[k] !== undefined);
}

export function clipMessage(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s;
}

export function clipStack(s: string | undefined): string | undefined {
  return s !== undefined && s.length > MAX_STACK ? s.slice(0, MAX_STACK) : s;
}

/**
 * Sets an own property whatever the key: `obj[key] = v` with a sender's key
 * "__proto__" would replace the object's prototype instead of keeping the attribute.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Attributes without Genmon's own keys, for an error's context. */
export function contextOf(a: Attrs, drop: (key: string) => boolean = () => false): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(a)) if (!k.startsWith('genmon.') && !drop(k)) setOwn(out, k, v);
  return out;
}

/** The run's fields from `genmon.*` attributes of the root span (or the log), then the resource. */
export function runFields(span: Attrs, resource: Attrs): Record<string, unknown> {
  const service = text(resource, 'service.name');
  const fields: Record<string, unknown> = {
    app: text(span, 'genmon.app') ?? text(resource, 'genmon.app') ?? (service && !service.startsWith('unknown_service') ? service : undefined),
    project_type: text(span, 'genmon.project_type') ?? text(resource, 'genmon.project_type'),
    template: text(span, 'genmon.template') ?? text(resource, 'genmon.template'),
    user_id: text(span, 'genmon.user_id', 'enduser.id', 'user.id'),
    session_id: text(span, 'genmon.session_id', 'session.id'),
    regenerates: text(span, 'genmon.regenerates'),
    request: text(span, 'genmon.request'),
  };
  const features = span['genmon.features'];
  if (Array.isArray(features) && features.every((f) => typeof f === 'string')) fields.features = features;
  else if (typeof features === 'string' && features) fields.features = features.split(',').map((f) => f.trim()).filter(Boolean);
  if (Object.keys(resource).length > 0) fields.resource = resource;
  return fields;
}
