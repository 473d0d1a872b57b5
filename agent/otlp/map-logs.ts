/**
 * Log records → error events. A record at WARN or above (severity number
 * 13+, or a severity text saying so when the number is unset) becomes an
 * `error` of its run; the run is the record's `genmon.run_id`, else the run
 * of its trace. Records below WARN are counted as ignored; a WARN+ record
 * with neither a run id nor a trace id is rejected, since Genmon keeps
 * errors per run.
 */
import type { TraceBook } from './book';
import { categoryOf, clipMessage, clipStack, contextOf, phaseOf, runFields, severityFromNumber, severityOf, text } from './conventions';
import { definedOnly, emptyMapped, ensureStarted, type Mapped, type OutEvent } from './map-traces';
import type { AttrValue, LogRecord, ResourceGroup } from './model';

export function mapLogs(groups: ResourceGroup<LogRecord>[], book: TraceBook): Mapped {
  const out = emptyMapped();
  let orphans = 0;
  for (const group of groups) {
    out.rejected += group.rejected;
    for (const r of group.items) {
      const level = severityFromNumber(r.severityNumber, r.severityText);
      if (level === null) {
        out.ignored++;
        continue;
      }
      const a = r.attributes;
      const given = text(a, 'genmon.run_id')?.slice(0, 200);
      if (!given && !r.traceId) {
        orphans++;
        continue;
      }
      const state = r.traceId ? book.trace(r.traceId) : undefined;
      if (given && state && state.runId === null) state.runId = given;
      const runId = given ?? book.runOf(r.traceId);
      ensureStarted(out, book, runId, r.timeMs, runFields(a, group.resource), r.traceId);
      const phase = phaseOf(a) ?? (r.spanId ? state?.phases.get(r.spanId) ?? null : null);
      const body = bodyText(r.body);
      out.events.push(definedOnly({
        ts: r.timeMs, run_id: runId, type: 'error',
        category: categoryOf(a, phase),
        severity: severityOf(a, level),
        message: clipMessage(text(a, 'exception.message') ?? body ?? (r.eventName || text(a, 'exception.type')) ?? 'log record without a message'),
        stack: clipStack(text(a, 'exception.stacktrace')),
        context: definedOnly({
          ...contextOf(a, (k) => k === 'exception.message' || k === 'exception.stacktrace'),
          severity_text: r.severityText || undefined,
          event_name: r.eventName || undefined,
          span_id: r.spanId || undefined,
          trace_id: r.traceId || undefined,
        }),
        phase: phase ?? undefined,
      }) as OutEvent);
    }
  }
  if (orphans > 0) {
    out.rejected += orphans;
    out.messages.push(`${orphans} log record(s) at WARN or above had neither a trace id nor a genmon.run_id attribute; Genmon keeps errors per run`);
  }
  return out;
}

function bodyText(body: AttrValue): string | undefined {
  if (typeof body === 'string') return body || undefined;
  if (typeof body === 'number' || typeof body === 'boolean') return String(body);
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const m = body.message ?? body.msg;
    if (typeof m === 'string' && m) return m;
  }
  return body === null ? undefined : JSON.stringify(body);
}
