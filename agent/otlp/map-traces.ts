/**
 * Spans → events of the run log format (docs/otlp.md has the table):
 * a root span is a run, a child named or tagged as a phase is a phase, a
 * span with GenAI attributes is a model inference, HTTP and database spans
 * are API requests and queries, and `exception` span events (or an ERROR
 * status with no exception) are errors.
 */
import type { Phase } from '../ingest/events';
import type { TraceBook } from './book';
import {
  amount, categoryOf, clipMessage, clipStack, contextOf, count, isGenAi, phaseOf, runFields, severityOf, text,
} from './conventions';
import { SPAN_STATUS, type Attrs, type ResourceGroup, type Span } from './model';

export type OutEvent = Record<string, unknown> & { ts: number; run_id: string; type: string };

export interface Mapped {
  events: OutEvent[];
  /** Items that could not be used at all. */
  rejected: number;
  /** Items understood but with nothing for Genmon (a plain internal span, an INFO log). */
  ignored: number;
  /** Runs this batch wrote a `run.started` for (forgotten again if the commit fails). */
  started: Set<string>;
  messages: string[];
}

export function emptyMapped(): Mapped {
  return { events: [], rejected: 0, ignored: 0, started: new Set(), messages: [] };
}

/** Writes `run.started` for a run neither this intake nor the store has seen, from the earliest thing known of it. */
export function ensureStarted(out: Mapped, book: TraceBook, runId: string, ts: number, fields: Record<string, unknown>, traceId: string): void {
  if (out.started.has(runId)) {
    const first = out.events.find((e) => e.type === 'run.started' && e.run_id === runId);
    if (first && ts < first.ts) first.ts = ts;
    return;
  }
  if (!book.needsStart(runId)) return;
  out.started.add(runId);
  out.events.push({ ts, run_id: runId, type: 'run.started', ...definedOnly(fields), ...(traceId ? { trace_id: traceId } : {}) });
}

export function mapSpans(groups: ResourceGroup<Span>[], book: TraceBook): Mapped {
  const out = emptyMapped();
  for (const group of groups) {
    out.rejected += group.rejected;
    const spans = group.items;
    const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
    // Run ids and phase spans first, so a child anywhere in the batch finds them.
    for (const s of spans) {
      const state = book.trace(s.traceId);
      const given = text(s.attributes, 'genmon.run_id');
      if (given && state.runId === null) state.runId = given.slice(0, 200);
      const phase = isRoot(s) || operationOf(s.attributes) ? null : phaseOf(s.attributes, s.name);
      if (phase) state.phases.set(s.spanId, phase);
    }
    // Roots last: their run status reads the phases of the same batch.
    const ordered = [...spans.filter((s) => !isRoot(s)), ...spans.filter(isRoot)];
    for (const s of ordered) mapSpan(s, group.resource, book, byId, out);
  }
  return out;
}

function isRoot(s: Span): boolean {
  return s.parentSpanId === '' || s.attributes['genmon.run'] === true;
}

function mapSpan(s: Span, resource: Attrs, book: TraceBook, byId: Map<string, Span>, out: Mapped): void {
  const state = book.trace(s.traceId);
  const runId = text(s.attributes, 'genmon.run_id')?.slice(0, 200) ?? book.runOf(s.traceId);
  const a = s.attributes;
  const base = { run_id: runId };
  if (isRoot(s)) {
    const fields = runFields(a, resource);
    if (out.started.has(runId)) out.events = out.events.filter((e) => !(e.type === 'run.started' && e.run_id === runId));
    // The root is the authority on the run: its run.started replaces one made up from an earlier child.
    book.needsStart(runId);
    out.started.add(runId);
    out.events.push({ ts: s.startMs, ...base, type: 'run.started', ...definedOnly(fields), trace_id: s.traceId });
    errorsOf(s, null, runId, out, false);
    const given = text(a, 'genmon.run.status', 'genmon.status');
    const status = given === 'success' || given === 'failed' || given === 'partial'
      ? given
      : s.status.code === SPAN_STATUS.error || state.failed ? 'failed' : state.skipped ? 'partial' : 'success';
    out.events.push({ ts: s.endMs, ...base, type: 'run.ended', status, duration_ms: s.durationMs });
    return;
  }
  ensureStarted(out, book, runId, s.startMs, runFields({}, resource), s.traceId);
  const phase = state.phases.get(s.spanId) ?? null;
  if (phase) {
    const attempt = count(a, 'genmon.attempt');
    const failed = s.status.code === SPAN_STATUS.error || text(a, 'genmon.phase.status') === 'failed';
    const skipped = !failed && text(a, 'genmon.phase.status') === 'skipped';
    state.failed ||= failed;
    state.skipped ||= skipped;
    const extra = attempt && attempt >= 1 ? { attempt } : {};
    out.events.push({ ts: s.startMs, ...base, type: 'phase.started', phase, ...extra });
    errorsOf(s, phase, runId, out, failed);
    out.events.push({ ts: s.endMs, ...base, type: 'phase.ended', phase, status: failed ? 'failed' : skipped ? 'skipped' : 'ok', duration_ms: s.durationMs, ...extra });
    return;
  }
  const enclosing = phaseOf(a) ?? phaseAbove(s, state.phases, byId);
  const failed = s.status.code === SPAN_STATUS.error;
  const operation = operationOf(a);
  if (operation === 'inference') {
    out.events.push(definedOnly({
      ts: s.endMs, ...base, type: 'model.inference',
      model: text(a, 'gen_ai.response.model', 'gen_ai.request.model') ?? 'unknown',
      latency_ms: s.durationMs,
      input_tokens: count(a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'),
      output_tokens: count(a, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'),
      cost_usd: amount(a, 'genmon.cost_usd'),
      queue_ms: amount(a, 'genmon.queue_ms'),
      phase: enclosing ?? undefined,
      operation: text(a, 'gen_ai.operation.name'),
    }) as OutEvent);
  } else if (operation === 'api') {
    const code = count(a, 'http.response.status_code', 'http.status_code');
    out.events.push(definedOnly({
      ts: s.endMs, ...base, type: 'api.request',
      route: text(a, 'http.route', 'url.template') ?? s.name ?? 'unknown',
      method: text(a, 'http.request.method', 'http.method'),
      status_code: code !== undefined && code >= 100 && code <= 599 ? code : undefined,
      duration_ms: s.durationMs,
    }) as OutEvent);
  } else if (operation === 'db') {
    const op = text(a, 'db.operation.name', 'db.operation');
    const target = text(a, 'db.collection.name', 'db.sql.table');
    out.events.push({ ts: s.endMs, ...base, type: 'db.query', operation: (op ? [op, target].filter(Boolean).join(' ') : text(a, 'db.query.summary')) || s.name || 'query', duration_ms: s.durationMs });
  } else if (!failed && !s.events.some((e) => e.name === 'exception')) {
    out.ignored++;
    return;
  }
  errorsOf(s, enclosing, runId, out, failed);
}

/**
 * Model calls, HTTP requests and database queries are operations inside a
 * phase: on them `genmon.phase` says which phase they ran in, where on any
 * other span it makes the span a phase.
 */
function operationOf(a: Attrs): 'inference' | 'api' | 'db' | null {
  if (isGenAi(a)) return 'inference';
  if (a['http.route'] !== undefined || a['http.request.method'] !== undefined || a['http.method'] !== undefined) return 'api';
  if (a['db.system'] !== undefined || a['db.system.name'] !== undefined || a['db.operation.name'] !== undefined) return 'db';
  return null;
}

/** The phase of the nearest phase span above `s`, within the trace. */
function phaseAbove(s: Span, phases: Map<string, Phase>, byId: Map<string, Span>): Phase | null {
  let parent = s.parentSpanId;
  for (let depth = 0; parent && depth < 64; depth++) {
    const phase = phases.get(parent);
    if (phase) return phase;
    parent = byId.get(`${s.traceId}/${parent}`)?.parentSpanId ?? '';
  }
  return null;
}

/** `exception` events as errors; a failed span without one gets an error from its status. */
function errorsOf(s: Span, phase: Phase | null, runId: string, out: Mapped, failed: boolean): void {
  let any = false;
  for (const e of s.events) {
    if (e.name !== 'exception') continue;
    any = true;
    const a = { ...s.attributes, ...e.attributes };
    const type = text(e.attributes, 'exception.type');
    out.events.push(definedOnly({
      ts: e.timeMs, run_id: runId, type: 'error',
      category: categoryOf(a, phase),
      severity: severityOf(a, e.attributes['exception.escaped'] === false ? 'warning' : 'error'),
      message: clipMessage(text(e.attributes, 'exception.message') ?? type ?? `${s.name} raised an exception`),
      stack: clipStack(text(e.attributes, 'exception.stacktrace')),
      context: { span: s.name, span_id: s.spanId, trace_id: s.traceId, ...(type ? { exception_type: type } : {}), ...contextOf(e.attributes, (k) => k.startsWith('exception.')) },
      phase: phase ?? undefined,
    }) as OutEvent);
  }
  if (!any && failed) {
    out.events.push(definedOnly({
      ts: s.endMs, run_id: runId, type: 'error',
      category: categoryOf(s.attributes, phase),
      severity: severityOf(s.attributes, 'error'),
      message: clipMessage(s.status.message || `${s.name || 'span'} failed`),
      context: { span: s.name, span_id: s.spanId, trace_id: s.traceId },
      phase: phase ?? undefined,
    }) as OutEvent);
  }
}

export function definedOnly<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
