/**
 * Applies journal records to the database: the one place where log lines
 * become rows. Deterministic given the record (its `at` stands in for "now"),
 * so replaying the journal after a crash rebuilds exactly the same rows.
 */
import type { SqlValue } from 'sql.js';
import type { BadLineReason, MountUsage, PushMessage, Sample } from '../api/types';
import type { EventBase, KnownEvent } from '../ingest/events';
import { fingerprint, normalizeMessage } from '../derive/fingerprint';
import { applyAlerting } from './alerting-apply';
import { applyReportRun } from './report-apply';
import { parseLine } from '../ingest/parse';
import type { JournalRecord, SourceRef } from './journal';
import { RUN_COLUMNS, RUN_FROM, runFromRow, sampleToParams, SAMPLE_COLUMNS } from './rows';
import { BulkInsert } from './bulk';
import { packLinesSync } from './pack';
import { MachineMetrics } from '../metrics/machine';
import { MetricDeriver } from '../metrics/observe';
import { parseSettings, type StoreSettings } from '../metrics/settings';
import { RollupWriter } from '../metrics/rollup';
import { retireRows, sealRows } from './seal-rows';
import { IngestProcessing } from './processing';
import type { Statements } from './statements';

/** Examples kept per bad-line reason; the counts go on past it. */
export const BAD_EXAMPLES_PER_REASON = 20;
const EXCERPT_CHARS = 512;
/** Above this many touched runs in one record, clients get one `ingest` message and refetch. */
const MAX_PUSHED_PER_RECORD = 200;

interface SourceState {
  id: number;
  lines: number;
}

export interface ApplyResult {
  push: PushMessage[];
  lines: number;
  bad: number;
  /** Events as stored (after processing rules), when the store collects them for the sinks. */
  events?: EventBase[];
}

const NEWLINE = 0x0a;

interface PhaseAttempt {
  attempt: number;
  startedAt: number | null;
  open: boolean;
}

/**
 * Runs seen recently, and the latest attempt of each of their phases, so
 * that most events need no lookup before their insert. Bounded: when full it
 * starts over, and a miss falls back to the database.
 */
class RunCache {
  private readonly entries = new Map<string, Map<string, PhaseAttempt> | null>();

  constructor(
    private readonly st: Statements,
    private readonly capacity = 50_000,
  ) {}

  clear(): void {
    this.entries.clear();
  }

  /** `fresh`: a run new to the database, so it has no phases yet and they need no lookup. */
  add(runId: string, fresh = false): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
    if (fresh) this.entries.set(runId, new Map());
    else if (!this.entries.has(runId)) this.entries.set(runId, null);
  }

  /** Known without a database lookup miss being cached. */
  has(runId: string): boolean {
    if (this.entries.has(runId)) return true;
    return this.st.one('SELECT 1 AS x FROM runs WHERE run_id = ?', [runId]) !== undefined;
  }

  known(runId: string): boolean {
    if (this.entries.has(runId)) return true;
    if (!this.st.one('SELECT 1 AS x FROM runs WHERE run_id = ?', [runId])) return false;
    this.add(runId);
    return true;
  }

  phases(runId: string, load: () => Map<string, PhaseAttempt>): Map<string, PhaseAttempt> {
    let phases = this.entries.get(runId);
    if (!phases) {
      phases = load();
      this.add(runId);
      this.entries.set(runId, phases);
    }
    return phases;
  }
}

export class Applier {
  private readonly runs: RunCache;
  /** Rows that nothing reads back while a record is applied: inserted together at its end. */
  private readonly bulk = {
    inferences: new BulkInsert('inferences', ['run_id', 'ts', 'model', 'phase', 'latency_ms', 'queue_ms', 'batch_size', 'input_tokens', 'output_tokens', 'queue_length', 'cost_usd']),
    quality: new BulkInsert('quality', ['run_id', 'ts', 'lint', 'coverage', 'security', 'performance', 'requirements', 'blueprint_accuracy', 'correctness', 'documentation']),
    feedback: new BulkInsert('feedback', ['run_id', 'ts', 'score', 'comment']),
    modifications: new BulkInsert('modifications', ['run_id', 'ts', 'files_changed', 'lines_changed', 'description']),
  };

  /**
   * Phase starts and ends, upserted in order at the end of the record: a start
   * opens an attempt (and never reopens an ended one), an end closes it.
   */
  private readonly phaseRows = new BulkInsert(
    'phases',
    ['run_id', 'phase', 'attempt', 'status', 'started_at', 'ended_at', 'duration_ms'],
    `ON CONFLICT(run_id, phase, attempt) DO UPDATE SET
       status = CASE WHEN excluded.status = 'running' THEN phases.status ELSE excluded.status END,
       started_at = CASE WHEN excluded.status = 'running' THEN excluded.started_at ELSE COALESCE(phases.started_at, excluded.started_at) END,
       ended_at = COALESCE(excluded.ended_at, phases.ended_at),
       duration_ms = COALESCE(excluded.duration_ms, phases.duration_ms)`,
  );
  /** The phase each run was last seen in, written once per run at the end of the record. */
  private readonly currentPhase = new Map<string, string>();
  private oneByOne = false;

  readonly processing: IngestProcessing;
  /** API requests and database queries become rollups only; inferences are also kept raw for the run detail. */
  private readonly rollup = new RollupWriter();
  private readonly metrics: MetricDeriver;
  private machine: MachineMetrics;
  private settings: StoreSettings;

  constructor(private readonly st: Statements) {
    this.runs = new RunCache(st);
    this.processing = new IngestProcessing(st);
    this.settings = this.loadSettings();
    this.rollup.retention = this.settings.retention;
    this.metrics = new MetricDeriver(st, this.rollup, () => this.settings.prices);
    this.machine = this.loadMachine();
  }

  private loadSettings(): StoreSettings {
    const text = this.st.one<{ value: string }>("SELECT value FROM meta WHERE key = 'settings'")?.value;
    return parseSettings(text ? JSON.parse(text) : null);
  }

  private loadMachine(): MachineMetrics {
    const last = this.st.one<{ ts: number | null }>('SELECT MAX(ts) AS ts FROM samples')?.ts;
    return new MachineMetrics(this.rollup, last === null || last === undefined ? null : Number(last));
  }

  private flushDerived(): void {
    this.phaseRows.flush(this.st);
    for (const bulk of Object.values(this.bulk)) bulk.flush(this.st);
    this.metrics.flush();
    if (this.currentPhase.size > 0) {
      this.st.run(
        `UPDATE runs SET current_phase = j.value ->> 1 FROM json_each(?) AS j WHERE runs.run_id = j.value ->> 0`,
        [JSON.stringify([...this.currentPhase])],
      );
      this.currentPhase.clear();
    }
  }

  /** After a rolled-back record: the caches may hold what the database does not. */
  forgetCaches(): void {
    this.runs.clear();
    for (const bulk of Object.values(this.bulk)) bulk.clear();
    this.phaseRows.clear();
    this.currentPhase.clear();
    this.metrics.clear();
    this.machine = this.loadMachine();
    this.settings = this.loadSettings();
    this.rollup.retention = this.settings.retention;
  }

  /**
   * A record that failed as a whole, again with each line in its own
   * savepoint: a line that cannot be stored (a bug) is set aside as
   * `not_stored` instead of taking the rest of its record with it.
   */
  applyOneByOne(record: JournalRecord, packed?: Buffer): ApplyResult {
    this.oneByOne = true;
    try {
      return this.apply(record, packed);
    } finally {
      this.oneByOne = false;
    }
  }

  /** Runs `write` and its derived rows in a savepoint; the error's message when it failed and was undone. */
  private guarded(write: () => void): string | null {
    this.st.db.exec('SAVEPOINT line');
    try {
      write();
      this.flushDerived();
      this.st.db.exec('RELEASE line');
      return null;
    } catch (err) {
      this.st.db.exec('ROLLBACK TO line');
      this.st.db.exec('RELEASE line');
      this.forgetCaches();
      return (err as Error).message;
    }
  }

  /** `packed` is the body already compressed for the archive, when the caller has it. */
  apply(record: JournalRecord, packed?: Buffer): ApplyResult {
    const h = record.header;
    this.rollup.at = h.at;
    switch (h.kind) {
      case 'lines':
        return this.applyLines(h.src, h.start, h.end, h.size, h.at, record.body, packed ?? packLinesSync(record.body));
      case 'skip': {
        const src = this.source(h.src, h.at);
        this.bad('oversized', `line of ${h.end - h.start} bytes is over the limit`, h.src.path, h.start, h.excerpt, h.at);
        this.st.run('UPDATE sources SET offset = ?, lines = lines + 1, size = ?, updated_at = ? WHERE id = ?', [h.end, h.size, h.at, src.id]);
        return { push: [], lines: 1, bad: 1 };
      }
      case 'reset': {
        const src = this.source(h.src, h.at);
        this.st.run('UPDATE sources SET offset = 0, lines = 0, size = 0, fingerprint = ?, updated_at = ? WHERE id = ?', [h.src.fingerprint, h.at, src.id]);
        return { push: [], lines: 0, bad: 0 };
      }
      case 'groupStatus':
        this.st.run(
          `UPDATE error_groups SET status = ?, status_changed_at = ?,
             resolved_at = CASE WHEN ? = 'resolved' THEN ? ELSE resolved_at END WHERE fingerprint = ?`,
          [h.status, h.at, h.status, h.at, h.fingerprint],
        );
        return { push: [], lines: 0, bad: 0 };
      case 'alertState':
        this.st.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('alert_state', ?)", [record.body.toString('utf8')]);
        return { push: [], lines: 0, bad: 0 };
      case 'alerting':
        applyAlerting(this.st, record.body);
        return { push: [], lines: 0, bad: 0 };
      case 'samples':
        return this.applySamples(JSON.parse(record.body.toString('utf8')) as Sample[]);
      case 'mounts':
        return this.applyMounts(JSON.parse(record.body.toString('utf8')) as MountUsage[]);
      case 'processing':
        this.processing.load(record.body.toString('utf8'));
        return { push: [], lines: 0, bad: 0 };
      case 'report':
        applyReportRun(this.st, record.body);
        return { push: [], lines: 0, bad: 0 };
      case 'seal':
        sealRows(this.st, h.tier, h.from, h.to);
        // Sealed runs are gone from the tables the caches stand for.
        this.forgetCaches();
        return { push: [], lines: 0, bad: 0 };
      case 'drop':
        return { push: [], lines: 0, bad: 0 };
      case 'retire':
        retireRows(this.st, h.at, this.settings.retention);
        this.forgetCaches();
        return { push: [], lines: 0, bad: 0 };
      case 'tick': {
        const abandoned = this.metrics.tick(h.at, h);
        this.metrics.flush();
        const push: PushMessage[] = [];
        for (const runId of abandoned.slice(0, MAX_PUSHED_PER_RECORD)) {
          const row = this.st.one(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.run_id = ?`, [runId]);
          if (row) push.push({ type: 'run', run: runFromRow(row) });
        }
        return { push, lines: 0, bad: 0 };
      }
      case 'settings': {
        const text = record.body.toString('utf8');
        this.settings = parseSettings(JSON.parse(text));
        this.rollup.retention = this.settings.retention;
        this.st.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('settings', ?)", [text]);
        return { push: [], lines: 0, bad: 0 };
      }
    }
  }

  private source(ref: SourceRef, at: number): SourceState {
    this.st.run(
      `INSERT INTO sources (key, path, fingerprint, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET path = excluded.path, fingerprint = COALESCE(excluded.fingerprint, sources.fingerprint)`,
      [ref.key, ref.path, ref.fingerprint, at],
    );
    const row = this.st.one<{ id: number; lines: number }>('SELECT id, lines FROM sources WHERE key = ?', [ref.key]);
    if (!row) throw new Error(`source ${ref.key} vanished`);
    return row;
  }

  private applyLines(ref: SourceRef, start: number, end: number, size: number, at: number, body: Buffer, packed: Buffer): ApplyResult {
    const src = this.source(ref, at);
    const touchedRuns = new Set<string>();
    const push: PushMessage[] = [];
    let lineNo = src.lines;
    let bad = 0;
    let accepted = 0;
    let pos = 0;
    const transform = this.processing.transformFor(ref.path);
    const collected: EventBase[] | undefined = this.processing.collect ? [] : undefined;
    while (pos < body.length) {
      let nl = body.indexOf(NEWLINE, pos);
      if (nl < 0) nl = body.length;
      lineNo++;
      const line = body.subarray(pos, nl);
      const offset = start + pos;
      pos = nl + 1;
      if (isBlank(line)) continue;
      const parsed = parseLine(line, { now: at, transform });
      if (!parsed.ok) {
        this.bad(parsed.reason, parsed.message, ref.path, offset, excerptOf(line), at);
        bad++;
        continue;
      }
      const kept = this.processing.filter(parsed.event, ref.path, parsed.ts);
      if (kept === null) {
        accepted++;
        continue;
      }
      if (parsed.known && kept.type !== 'run.started' && !this.runs.known(kept.run_id)) {
        if (this.processing.droppedRun(kept.run_id)) {
          accepted++;
          continue;
        }
        this.bad('unknown_run', `${kept.type} for run "${clip(kept.run_id)}" that has no run.started`, ref.path, offset, excerptOf(line), at);
        bad++;
        continue;
      }
      const event = this.processing.enrich(kept);
      const row = () => {
        if (!parsed.known) {
          this.st.run('INSERT INTO events (ts, run_id, type, source_id, line, body) VALUES (?, ?, ?, ?, ?, ?)', [
            parsed.ts, event.run_id, event.type, src.id, lineNo, event === parsed.event && !transform ? line.toString('utf8') : JSON.stringify(event),
          ]);
        } else this.derive(event as KnownEvent, parsed.ts, src.id, lineNo, touchedRuns, push);
      };
      const failure = this.oneByOne ? this.guarded(row) : (row(), null);
      if (failure === null) {
        accepted++;
        collected?.push(event);
      } else {
        this.bad('not_stored', `could not be stored: ${clip(failure)}`, ref.path, offset, excerptOf(line), at);
        bad++;
      }
    }
    this.flushDerived();
    this.processing.saveCounts();
    this.st.run(
      'INSERT INTO raw_chunks (source_id, start, end, first_line, lines, accepted, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [src.id, start, end, src.lines + 1, lineNo - src.lines, accepted, at, packed],
    );
    this.st.run('UPDATE sources SET offset = ?, lines = ?, size = ?, updated_at = ? WHERE id = ?', [end, lineNo, size, at, src.id]);
    const lines = lineNo - src.lines;
    if (touchedRuns.size > MAX_PUSHED_PER_RECORD) return { push: [], lines, bad, events: collected };
    for (const runId of touchedRuns) {
      const row = this.st.one(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.run_id = ?`, [runId]);
      if (row) push.unshift({ type: 'run', run: runFromRow(row) });
    }
    return { push, lines, bad, events: collected };
  }

  private derive(e: KnownEvent, ts: number, sourceId: number, lineNo: number, touched: Set<string>, push: PushMessage[]): void {
    const runId = e.run_id;
    switch (e.type) {
      case 'run.started': {
        const known = this.runs.has(runId);
        this.st.run(
          `INSERT INTO runs (run_id, started_at, app, project_type, template, features, user_id, session_id, regenerates, source_id, line)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(run_id) DO UPDATE SET started_at = excluded.started_at, app = excluded.app,
             project_type = excluded.project_type, template = excluded.template, features = excluded.features,
             user_id = excluded.user_id, session_id = excluded.session_id, regenerates = excluded.regenerates,
             source_id = excluded.source_id, line = excluded.line`,
          [runId, ts, opt(e.app), opt(e.project_type), opt(e.template), JSON.stringify(e.features ?? []), opt(e.user_id),
            opt(e.session_id), opt(e.regenerates), sourceId, lineNo],
        );
        this.processing.runAttributes(e, ts, sourceId, lineNo);
        this.metrics.runStarted(e, ts, known);
        this.runs.add(runId, !known);
        touched.add(runId);
        return;
      }
      case 'phase.started': {
        const phases = this.runs.phases(runId, () => this.loadPhases(runId));
        const attempt = e.attempt ?? (phases.get(e.phase)?.attempt ?? 0) + 1;
        this.phaseRows.add([runId, e.phase, attempt, 'running', ts, null, null]);
        if (attempt >= (phases.get(e.phase)?.attempt ?? 0)) phases.set(e.phase, { attempt, startedAt: ts, open: true });
        this.metrics.phaseStarted(runId, e.phase, attempt, ts);
        this.currentPhase.set(runId, e.phase);
        if (push.length < MAX_PUSHED_PER_RECORD) {
          push.push({ type: 'phase', runId, phase: { phase: e.phase, attempt, status: 'running', startedAt: ts, endedAt: null, durationMs: null } });
        }
        return;
      }
      case 'phase.ended': {
        const phases = this.runs.phases(runId, () => this.loadPhases(runId));
        const latest = phases.get(e.phase);
        const attempt = e.attempt ?? (latest?.open ? latest.attempt : (latest?.attempt ?? 0) + 1);
        const startedAt = latest && latest.attempt === attempt && latest.startedAt !== null ? latest.startedAt : ts - e.duration_ms;
        this.phaseRows.add([runId, e.phase, attempt, e.status, ts - e.duration_ms, ts, e.duration_ms]);
        this.metrics.phaseEnded(e, ts, attempt);
        if (attempt >= (latest?.attempt ?? 0)) phases.set(e.phase, { attempt, startedAt, open: false });
        this.currentPhase.set(runId, e.phase);
        if (push.length < MAX_PUSHED_PER_RECORD) {
          push.push({ type: 'phase', runId, phase: { phase: e.phase, attempt, status: e.status, startedAt, endedAt: ts, durationMs: e.duration_ms } });
        }
        return;
      }
      case 'model.inference': {
        this.metrics.inference(e, ts);
        this.bulk.inferences.add([runId, ts, e.model, opt(e.phase), e.latency_ms, opt(e.queue_ms), opt(e.batch_size), opt(e.input_tokens),
          opt(e.output_tokens), opt(e.queue_length), opt(e.cost_usd)]);
        return;
      }
      case 'api.request':
        this.metrics.apiRequest(e, ts);
        return;
      case 'db.query':
        this.metrics.dbQuery(e, ts);
        return;
      case 'network.probe':
        this.metrics.networkProbe(e, ts);
        return;
      case 'run.abandoned':
        this.metrics.abandon(runId, ts);
        touched.add(runId);
        return;
      case 'error': {
        const fp = fingerprint(e);
        this.st.run(
          'INSERT INTO errors (run_id, ts, category, severity, message, stack, context, phase, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [runId, ts, e.category, e.severity, e.message, opt(e.stack), e.context === undefined ? null : JSON.stringify(e.context), opt(e.phase), fp],
        );
        this.groupError(fp, e.category, e.severity, e.message, ts);
        this.metrics.error(e, ts);
        this.st.run('UPDATE runs SET error_count = error_count + 1 WHERE run_id = ?', [runId]);
        if (push.length < MAX_PUSHED_PER_RECORD) {
          const id = Number(this.st.one<{ id: number }>('SELECT last_insert_rowid() AS id')?.id);
          push.push({
            type: 'error',
            error: {
              id, ts, runId, category: e.category, severity: e.severity, message: e.message, stack: e.stack ?? null,
              context: e.context && typeof e.context === 'object' && !Array.isArray(e.context) ? e.context : null, phase: e.phase ?? null,
            },
          });
        }
        touched.add(runId);
        return;
      }
      case 'quality':
        this.metrics.quality(e, ts);
        this.bulk.quality.add([runId, ts, opt(e.lint), opt(e.coverage), opt(e.security), opt(e.performance), opt(e.requirements),
          opt(e.blueprint_accuracy), opt(e.correctness), opt(e.documentation)]);
        return;
      case 'feedback':
        this.bulk.feedback.add([runId, ts, e.score, opt(e.comment)]);
        this.metrics.feedback(runId, e.score, ts);
        return;
      case 'modification':
        this.metrics.modification(runId, ts);
        this.bulk.modifications.add([runId, ts, opt(e.files_changed), opt(e.lines_changed), opt(e.description)]);
        return;
      case 'run.ended':
        this.st.run('UPDATE runs SET status = ?, ended_at = ?, duration_ms = ? WHERE run_id = ?', [e.status, ts, e.duration_ms, runId]);
        this.metrics.runEnded(e, ts);
        touched.add(runId);
        return;
    }
  }

  /**
   * Counts an error into its group. A group the user resolved comes back as
   * regressed; a new group seen again a day after its first error is ongoing.
   */
  private groupError(fp: string, category: string, severity: string, message: string, ts: number): void {
    this.st.run(
      `INSERT INTO error_groups (fingerprint, category, severity, message, normalized, first_seen, last_seen, count, status_changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT(fingerprint) DO UPDATE SET
         count = count + 1,
         last_seen = MAX(last_seen, excluded.last_seen),
         message = excluded.message,
         severity = CASE WHEN ${severityRank('excluded.severity')} < ${severityRank('error_groups.severity')} THEN excluded.severity ELSE error_groups.severity END,
         reopen_count = reopen_count + (status = 'resolved'),
         status_changed_at = CASE WHEN status = 'resolved' OR (status = 'new' AND excluded.last_seen - first_seen > ${DAY_MS}) THEN excluded.last_seen ELSE status_changed_at END,
         status = CASE WHEN status = 'resolved' THEN 'regressed'
                       WHEN status = 'new' AND excluded.last_seen - first_seen > ${DAY_MS} THEN 'ongoing'
                       ELSE status END`,
      [fp, category, severity, message, normalizeMessage(message), ts, ts, ts],
    );
  }

  /** The latest attempt of each phase of a run, from the database (a run the cache no longer holds). */
  private loadPhases(runId: string): Map<string, PhaseAttempt> {
    // Rows still gathered for this record must be in the table before it is read.
    this.phaseRows.flush(this.st);
    const out = new Map<string, PhaseAttempt>();
    for (const row of this.st.all<{ phase: string; attempt: number; status: string; started_at: number | null }>(
      'SELECT phase, attempt, status, started_at FROM phases WHERE run_id = ? ORDER BY attempt',
      [runId],
    )) {
      out.set(row.phase, { attempt: Number(row.attempt), startedAt: row.started_at === null ? null : Number(row.started_at), open: row.status === 'running' });
    }
    return out;
  }

  private bad(reason: BadLineReason, message: string, path: string, offset: number, excerpt: string, at: number): void {
    this.st.run(
      'INSERT INTO bad_line_counts (reason, count) VALUES (?, 1) ON CONFLICT(reason) DO UPDATE SET count = count + 1',
      [reason],
    );
    const kept = this.st.one<{ n: number }>('SELECT COUNT(*) AS n FROM bad_lines WHERE reason = ?', [reason]);
    if (Number(kept?.n ?? 0) < BAD_EXAMPLES_PER_REASON) {
      this.st.run('INSERT INTO bad_lines (reason, message, path, offset, excerpt, at) VALUES (?, ?, ?, ?, ?, ?)', [
        reason, message, path, offset, excerpt, at,
      ]);
    }
  }

  private applySamples(samples: Sample[]): ApplyResult {
    for (const s of samples) {
      this.machine.sample(s);
      this.st.run(`INSERT OR REPLACE INTO samples (${SAMPLE_COLUMNS}) VALUES (${SAMPLE_COLUMNS.split(',').map(() => '?').join(', ')})`, sampleToParams(s));
    }
    this.rollup.flush(this.st);
    // Samples are pushed by the agent when taken, not when journaled in batches.
    return { push: [], lines: 0, bad: 0 };
  }

  private applyMounts(mounts: MountUsage[]): ApplyResult {
    for (const m of mounts) {
      this.st.run('INSERT OR REPLACE INTO mounts (ts, mount, fs, size, used) VALUES (?, ?, ?, ?, ?)', [m.ts, m.mount, m.fs, m.size, m.used]);
    }
    this.machine.mounts(mounts);
    this.rollup.flush(this.st);
    return { push: [], lines: 0, bad: 0 };
  }
}

const DAY_MS = 24 * 3600_000;

/** SQL ranking severities, most severe first. */
function severityRank(column: string): string {
  return `(CASE ${column} WHEN 'critical' THEN 0 WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END)`;
}

function opt(v: unknown): SqlValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return JSON.stringify(v);
}

function isBlank(line: Buffer): boolean {
  // An indexed loop: a Buffer's iterator cost a tenth of ingest time in a profile.
  for (let i = 0; i < line.length; i++) {
    const byte = line[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

function excerptOf(line: Buffer): string {
  return line.subarray(0, EXCERPT_CHARS * 4).toString('utf8').slice(0, EXCERPT_CHARS);
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
