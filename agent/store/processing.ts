/**
 * The processing rules' side of applying journal records: the pipeline in
 * force (set by `processing` records, kept in `meta` so a snapshot carries
 * it), its counters, the runs whose start a rule dropped, and the extra
 * fields of a run's start (enrichment, OpenTelemetry resource attributes).
 * Everything here is a function of the journal, so replay rebuilds it.
 */
import type { EventBase } from '../ingest/events';
import { NO_PROCESSING, Pipeline, type ProcessingCounts, type ProcessingState, type Verdict } from '../ingest/processing/pipeline';
import schema from '../../schema/log-event.v1.schema.json';
import type { Statements } from './statements';

/** Types of internal rows in the `events` table. */
const DROPPED_RUN = 'genmon.dropped_run';
const RUN_ATTRIBUTES = 'genmon.run_attributes';

const RUN_STARTED_FIELDS = new Set(['ts', 'run_id', 'type', 'v', ...Object.keys(schema.definitions['run.started'].properties)]);

export class IngestProcessing {
  private pipeline: Pipeline;
  private countsSaved: string;
  /** Set while someone listens for processed events (the sinks); live commits only, never replay. */
  collect = false;

  constructor(private readonly st: Statements) {
    const saved = st.one<{ value: string }>("SELECT value FROM meta WHERE key = 'processing'")?.value;
    this.pipeline = new Pipeline(saved ? (JSON.parse(saved) as ProcessingState) : NO_PROCESSING);
    this.countsSaved = st.one<{ value: string }>("SELECT value FROM meta WHERE key = 'processing_counts'")?.value ?? '';
    if (this.countsSaved) Object.assign(this.pipeline.counts, JSON.parse(this.countsSaved));
  }

  get state(): ProcessingState {
    return this.pipeline.state;
  }

  get counts(): ProcessingCounts {
    return { ...this.pipeline.counts };
  }

  /** A `processing` record: the rules and enrichment values from here on. */
  load(body: string): void {
    const next = new Pipeline(JSON.parse(body) as ProcessingState);
    this.st.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('processing', ?)", [body]);
    Object.assign(next.counts, this.pipeline.counts);
    this.pipeline = next;
  }

  transformFor(path: string): ((value: Record<string, unknown>) => Record<string, unknown>) | undefined {
    return this.pipeline.transformFor(path);
  }

  /** The event, or null when a filter rule drops it. */
  filter(event: EventBase, path: string, ts: number): EventBase | null {
    if (this.pipeline.empty) return event;
    const verdict: Verdict = this.pipeline.filter(event, path);
    if (verdict !== null) {
      if (event.type === 'run.started') {
        // The run's later events are dropped with it, rather than set aside as of an unknown run.
        this.st.run('INSERT INTO events (ts, run_id, type, body) VALUES (?, ?, ?, ?)', [ts, event.run_id, DROPPED_RUN, verdict]);
      }
      return null;
    }
    return event;
  }

  enrich(event: EventBase): EventBase {
    return this.pipeline.empty ? event : this.pipeline.enrich(event);
  }

  /** True (and counted) when an event's run was dropped by a rule. */
  droppedRun(runId: string): boolean {
    if (!this.st.one('SELECT 1 AS x FROM events WHERE run_id = ? AND type = ?', [runId, DROPPED_RUN])) return false;
    this.pipeline.counts.dropped++;
    return true;
  }

  /** Keeps the fields of a run's start beyond the format's own; the latest start of a run wins. */
  runAttributes(event: EventBase, ts: number, sourceId: number, line: number): void {
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(event)) if (!RUN_STARTED_FIELDS.has(k)) extra[k] = v;
    const had = this.st.one('SELECT 1 AS x FROM events WHERE run_id = ? AND type = ?', [event.run_id, RUN_ATTRIBUTES]);
    if (had) this.st.run('DELETE FROM events WHERE run_id = ? AND type = ?', [event.run_id, RUN_ATTRIBUTES]);
    if (Object.keys(extra).length === 0) return;
    this.st.run('INSERT INTO events (ts, run_id, type, source_id, line, body) VALUES (?, ?, ?, ?, ?, ?)', [
      ts, event.run_id, RUN_ATTRIBUTES, sourceId, line, JSON.stringify(extra),
    ]);
  }

  /** At the end of a record: the counters, when they moved. */
  saveCounts(): void {
    const now = JSON.stringify(this.pipeline.counts);
    if (now === this.countsSaved) return;
    this.st.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('processing_counts', ?)", [now]);
    this.countsSaved = now;
  }
}

/** A run's kept start fields, for the run detail. */
export function readRunAttributes(st: Statements, runId: string): Record<string, unknown> | undefined {
  const row = st.one<{ body: string }>('SELECT body FROM events WHERE run_id = ? AND type = ? ORDER BY id DESC LIMIT 1', [runId, RUN_ATTRIBUTES]);
  return row ? (JSON.parse(row.body) as Record<string, unknown>) : undefined;
}
