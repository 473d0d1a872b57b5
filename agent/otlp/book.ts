/**
 * What the intake remembers between export requests: which run each trace
 * belongs to, which of its spans were phases, whether a phase failed, and
 * which runs have a `run.started` already. Exporters send children before
 * their root (a span is exported when it ends, and the root ends last), and
 * logs on their own schedule, so one request seldom holds a whole run.
 *
 * Bounded: past `capacity` traces the oldest are forgotten; a forgotten
 * run is looked up in the store (`runExists`) before a second `run.started`
 * is written for it.
 */
import type { Phase } from '../ingest/events';

export interface TraceState {
  /** Set by the first span or log of the trace that carries `genmon.run_id`. */
  runId: string | null;
  /** Phase of each phase span seen, by span id. */
  phases: Map<string, Phase>;
  failed: boolean;
  skipped: boolean;
}

export class TraceBook {
  private readonly traces = new Map<string, TraceState>();
  private readonly started = new Set<string>();

  constructor(
    private readonly runExists: (runId: string) => boolean,
    private readonly capacity = 10_000,
  ) {}

  trace(traceId: string): TraceState {
    let state = this.traces.get(traceId);
    if (state) {
      // Map order is insertion order: move it to the young end.
      this.traces.delete(traceId);
    } else {
      state = { runId: null, phases: new Map(), failed: false, skipped: false };
      if (this.traces.size >= this.capacity) this.traces.delete(this.traces.keys().next().value!);
    }
    this.traces.set(traceId, state);
    return state;
  }

  peek(traceId: string): TraceState | undefined {
    return this.traces.get(traceId);
  }

  /** The run of a trace: its recorded `genmon.run_id`, else the trace id itself. */
  runOf(traceId: string): string {
    return this.traces.get(traceId)?.runId ?? traceId;
  }

  /** True the first time a run needs a `run.started` (neither written by the intake nor in the store). */
  needsStart(runId: string): boolean {
    if (this.started.has(runId)) return false;
    if (this.started.size >= this.capacity * 4) this.started.clear();
    this.started.add(runId);
    return !this.runExists(runId);
  }

  /** After a request failed to commit: its runs were never started. */
  forget(runIds: Iterable<string>): void {
    for (const runId of runIds) this.started.delete(runId);
  }
}
