/**
 * Read side of the store: the queries behind the API's endpoints. Every
 * value from a request reaches SQL as a bound parameter.
 */
import type {
  ErrorGroup, ErrorGroupStatus, ErrorRecord, IngestStatus, MountUsage, PhaseStats, ResourcePeaks, RunDetail, RunStatus, RunSummary, Sample, Summary, TopError,
} from '../api/types';
import { percentiles } from '../derive/percentile';
import { ERROR_CATEGORIES, PHASES, SEVERITIES, type ErrorCategory, type Severity } from '../ingest/events';
import { errorFromRow, phaseFromRow, RUN_COLUMNS, RUN_FROM, runFromRow, sampleFromRow, SAMPLE_COLUMNS } from './rows';
import { readRunAttributes } from './processing';
import type { Statements } from './statements';
import type { History } from './history';

export interface Range {
  from: number;
  to: number;
}

export class Queries {
  /** Set once partitions are open: ranges and runs beyond the hot database are answered from it. */
  history: History | null = null;

  constructor(private readonly st: Statements) {}

  /** Recent runs first, reaching into sealed partitions for as many as asked. */
  runs(opts: { limit: number; before?: number; status?: RunStatus }): RunSummary[] {
    const out = this.hotRuns(opts);
    if (!this.history || out.length >= opts.limit) return out;
    for (const st of this.history.factDatabases()) {
      out.push(...new Queries(st).hotRuns(opts));
      if (out.length >= opts.limit) break;
    }
    return out.sort((a, b) => b.startedAt - a.startedAt).slice(0, opts.limit);
  }

  /** A run from the hot database, else from the newest partition holding it. */
  run(runId: string): RunDetail | null {
    const hot = this.hotRun(runId);
    if (hot || !this.history) return hot;
    for (const st of this.history.factDatabases()) {
      const found = new Queries(st).hotRun(runId);
      if (found) return found;
    }
    return null;
  }

  private hotRuns(opts: { limit: number; before?: number; status?: RunStatus }): RunSummary[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (opts.before !== undefined) {
      where.push('r.started_at < ?');
      params.push(opts.before);
    }
    if (opts.status) {
      where.push('r.status = ?');
      params.push(opts.status);
    }
    params.push(opts.limit);
    const sql = `SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.started_at DESC LIMIT ?`;
    return this.st.all(sql, params).map(runFromRow);
  }

  private hotRun(runId: string): RunDetail | null {
    const row = this.st.one(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.run_id = ?`, [runId]);
    if (!row) return null;
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      run: runFromRow(row),
      phases: this.st
        .all(
          `SELECT * FROM phases WHERE run_id = ? ORDER BY COALESCE(started_at, ended_at),
             CASE phase WHEN 'blueprint' THEN 0 WHEN 'codegen' THEN 1 WHEN 'validation' THEN 2 WHEN 'deployment' THEN 3 ELSE 4 END, attempt`,
          [runId],
        )
        .map(phaseFromRow),
      // Inferences have no run index (it would cost every insert): a run's are found by its time span.
      inferences: this.st
        .all('SELECT * FROM inferences WHERE ts >= ? AND ts <= ? AND run_id = ? ORDER BY ts', [
          Number(row.started_at) - 3600_000,
          row.ended_at === null ? Number.MAX_SAFE_INTEGER : Number(row.ended_at) + 3600_000,
          runId,
        ])
        .map((r) => ({
        ts: Number(r.ts),
        model: String(r.model),
        phase: (r.phase as RunDetail['inferences'][number]['phase']) ?? null,
        latencyMs: Number(r.latency_ms),
        queueMs: num(r.queue_ms),
        batchSize: num(r.batch_size),
        inputTokens: num(r.input_tokens),
        outputTokens: num(r.output_tokens),
      })),
      errors: this.st.all('SELECT * FROM errors WHERE run_id = ? ORDER BY ts', [runId]).map(errorFromRow),
      quality: this.st.all('SELECT * FROM quality WHERE run_id = ? ORDER BY ts', [runId]).map((r) => ({
        ts: Number(r.ts),
        lint: num(r.lint),
        coverage: num(r.coverage),
        security: num(r.security),
        performance: num(r.performance),
      })),
      feedback: this.st.all('SELECT * FROM feedback WHERE run_id = ? ORDER BY ts', [runId]).map((r) => ({
        ts: Number(r.ts),
        score: Number(r.score),
        comment: r.comment === null ? null : String(r.comment),
      })),
      modifications: Number(this.st.one<{ n: number }>('SELECT COUNT(*) AS n FROM modifications WHERE run_id = ?', [runId])?.n ?? 0),
      attributes: readRunAttributes(this.st, runId),
    };
  }

  phases(range: Range): PhaseStats {
    if (this.history && range.from < this.history.runsFrom()) return this.history.phases(range);
    const rows = this.st.all<{ phase: string; status: string; duration_ms: number }>(
      'SELECT phase, status, duration_ms FROM phases WHERE ended_at >= ? AND ended_at <= ?',
      [range.from, range.to],
    );
    const durations = new Map<string, number[]>(PHASES.map((p) => [p, []]));
    const counts = new Map<string, { ok: number; failed: number; skipped: number }>(PHASES.map((p) => [p, { ok: 0, failed: 0, skipped: 0 }]));
    for (const row of rows) {
      const c = counts.get(row.phase);
      if (!c) continue;
      if (row.status === 'ok' || row.status === 'failed' || row.status === 'skipped') c[row.status]++;
      if (row.status !== 'skipped' && row.duration_ms !== null) durations.get(row.phase)!.push(Number(row.duration_ms));
    }
    const phases = Object.fromEntries(
      PHASES.map((p) => [p, { ...percentiles(durations.get(p)!), ...counts.get(p)! }]),
    ) as PhaseStats['phases'];
    const totals = this.st.column<number>(
      'SELECT duration_ms FROM runs WHERE ended_at >= ? AND ended_at <= ? AND duration_ms IS NOT NULL',
      [range.from, range.to],
    );
    return { ...range, phases, total: percentiles(totals.map(Number)) };
  }

  summary(range: Range): Summary {
    // Before the hot database's runs, counts come from rollups: attempts in the range, outcomes of runs ended in it.
    const old = this.history !== null && range.from < this.history.runsFrom();
    const counts = new Map(
      old
        ? Object.entries(this.history!.counts(range))
        : this.st
            .all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM runs WHERE started_at >= ? AND started_at <= ? GROUP BY status', [range.from, range.to])
            .map((r) => [r.status, Number(r.n)]),
    );
    const successes = counts.get('success') ?? 0;
    const failures = counts.get('failed') ?? 0;
    const partials = counts.get('partial') ?? 0;
    const abandoned = counts.get('abandoned') ?? 0;
    const ended = successes + failures + partials + abandoned;
    const running = old ? Math.max(0, (counts.get('attempts') ?? 0) - ended) : (counts.get('running') ?? 0);
    let byCategory = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, 0])) as Record<ErrorCategory, number>;
    let bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    if (this.history && range.from < this.history.errorsFrom()) ({ byCategory, bySeverity } = this.history.errors(range));
    else {
      for (const row of this.st.all<{ category: string; severity: string; n: number }>(
        'SELECT category, severity, COUNT(*) AS n FROM errors WHERE ts >= ? AND ts <= ? GROUP BY category, severity',
        [range.from, range.to],
      )) {
        if (row.category in byCategory) byCategory[row.category as ErrorCategory] += Number(row.n);
        if (row.severity in bySeverity) bySeverity[row.severity as Severity] += Number(row.n);
      }
    }
    const phaseStats = this.phases(range);
    const last = this.st.one(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} ORDER BY r.started_at DESC LIMIT 1`);
    return {
      ...range,
      attempts: ended + running,
      successes,
      failures,
      partials,
      running,
      abandoned,
      successRate: ended > 0 ? successes / ended : null,
      phases: phaseStats.phases,
      total: phaseStats.total,
      errorsByCategory: byCategory,
      errorsBySeverity: bySeverity,
      lastRun: last ? runFromRow(last) : null,
      latestSample: this.latestSample(),
      mounts: this.latestMounts(),
      peaks: this.peaks(range),
    };
  }

  errors(opts: Range & { limit: number; category?: string; severity?: string; runId?: string }): ErrorRecord[] {
    const where = ['ts >= ?', 'ts <= ?'];
    const params: (string | number)[] = [opts.from, opts.to];
    for (const [column, value] of [['category', opts.category], ['severity', opts.severity], ['run_id', opts.runId]] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    params.push(opts.limit);
    return this.st.all(`SELECT * FROM errors WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ?`, params).map(errorFromRow);
  }

  /** Runs that ended in the range, by outcome, and runs started in it. */
  outcomes(range: Range): { success: number; failed: number; partial: number; started: number } {
    const ended = new Map(
      this.st
        .all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM runs WHERE ended_at >= ? AND ended_at <= ? GROUP BY status', [range.from, range.to])
        .map((r) => [r.status, Number(r.n)]),
    );
    const started = Number(this.st.one<{ n: number }>('SELECT COUNT(*) AS n FROM runs WHERE started_at >= ? AND started_at <= ?', [range.from, range.to])?.n ?? 0);
    return { success: ended.get('success') ?? 0, failed: ended.get('failed') ?? 0, partial: ended.get('partial') ?? 0, started };
  }

  /** Error groups with errors in the range, most recently seen first. */
  errorGroups(opts: Range & { limit: number; status?: string; category?: string; fingerprint?: string }): ErrorGroup[] {
    const where: string[] = [];
    const params: (string | number)[] = [opts.from, opts.to];
    for (const [column, value] of [['g.status', opts.status], ['g.category', opts.category], ['g.fingerprint', opts.fingerprint]] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    params.push(opts.limit);
    const rows = this.st.all(
      `SELECT g.*, COUNT(e.id) AS count_in_range, COUNT(DISTINCT e.run_id) AS runs, COUNT(DISTINCT r.user_id) AS users,
              GROUP_CONCAT(DISTINCT e.phase) AS phases, GROUP_CONCAT(DISTINCT r.template) AS templates
       FROM error_groups g
       JOIN errors e ON e.fingerprint = g.fingerprint AND e.ts >= ? AND e.ts <= ?
       LEFT JOIN runs r ON r.run_id = e.run_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       GROUP BY g.fingerprint ORDER BY g.last_seen DESC LIMIT ?`,
      params,
    );
    const list = (v: unknown) => (typeof v === 'string' && v ? v.split(',') : []);
    return rows.map((r) => ({
      fingerprint: String(r.fingerprint),
      category: r.category as ErrorCategory,
      severity: r.severity as Severity,
      message: String(r.message),
      firstSeen: Number(r.first_seen),
      lastSeen: Number(r.last_seen),
      count: Number(r.count),
      countInRange: Number(r.count_in_range),
      runsAffected: Number(r.runs),
      usersAffected: Number(r.users),
      phases: list(r.phases) as ErrorGroup['phases'],
      models: this.st.column<string>(
        'SELECT DISTINCT model FROM inferences WHERE run_id IN (SELECT run_id FROM errors WHERE fingerprint = ? ORDER BY ts DESC LIMIT 200) LIMIT 20',
        [String(r.fingerprint)],
      ),
      templates: list(r.templates),
      status: r.status as ErrorGroupStatus,
      statusChangedAt: r.status_changed_at === null ? null : Number(r.status_changed_at),
      resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
      reopenCount: Number(r.reopen_count),
    }));
  }

  topErrors(opts: Range & { limit: number }): TopError[] {
    return this.st
      .all(
        `SELECT category, severity, message, COUNT(*) AS count, MAX(ts) AS last_seen,
                (SELECT e2.run_id FROM errors e2 WHERE e2.message = e.message AND e2.category = e.category ORDER BY e2.ts DESC LIMIT 1) AS last_run
         FROM errors e WHERE ts >= ? AND ts <= ?
         GROUP BY category, severity, message ORDER BY count DESC, last_seen DESC LIMIT ?`,
        [opts.from, opts.to, opts.limit],
      )
      .map((r) => ({
        category: r.category as ErrorCategory,
        severity: r.severity as Severity,
        message: String(r.message),
        count: Number(r.count),
        lastSeen: Number(r.last_seen),
        lastRunId: String(r.last_run),
      }));
  }

  /** Samples in a range; above `maxPoints`, averaged into equal time buckets (per-core figures dropped). */
  samples(opts: Range & { maxPoints: number }): Sample[] {
    if (this.history && opts.from < this.history.samplesFrom()) return this.history.samples(opts, opts.maxPoints, this.latestSample());
    const n = Number(this.st.one<{ n: number }>('SELECT COUNT(*) AS n FROM samples WHERE ts >= ? AND ts <= ?', [opts.from, opts.to])?.n ?? 0);
    if (n <= opts.maxPoints) {
      return this.st.all(`SELECT ${SAMPLE_COLUMNS} FROM samples WHERE ts >= ? AND ts <= ? ORDER BY ts`, [opts.from, opts.to]).map(sampleFromRow);
    }
    const step = Math.max(1, Math.ceil((opts.to - opts.from) / opts.maxPoints));
    const averaged = SAMPLE_COLUMNS.split(',')
      .map((c) => c.trim())
      .filter((c) => c !== 'ts' && c !== 'cores')
      .map((c) => `AVG(${c}) AS ${c}`)
      .join(', ');
    return this.st
      .all(
        // sql.js binds a time past 2^31 as a REAL, so the division is cast back to a whole bucket number
        // (uncast, every sample was a bucket of its own: a day at 1 s answered 86,400 points, 28 MB).
        `SELECT MIN(ts) AS ts, '[]' AS cores, ${averaged} FROM samples WHERE ts >= ? AND ts <= ? GROUP BY CAST((ts - ?) / ? AS INTEGER) ORDER BY 1`,
        [opts.from, opts.to, opts.from, step],
      )
      .map(sampleFromRow);
  }

  latestSample(): Sample | null {
    const row = this.st.one(`SELECT ${SAMPLE_COLUMNS} FROM samples ORDER BY ts DESC LIMIT 1`);
    return row ? sampleFromRow(row) : null;
  }

  latestMounts(): MountUsage[] {
    return this.st
      .all('SELECT ts, mount, fs, size, used FROM mounts WHERE ts = (SELECT MAX(ts) FROM mounts) ORDER BY mount')
      .map((r) => ({ ts: Number(r.ts), mount: String(r.mount), fs: String(r.fs), size: Number(r.size), used: Number(r.used) }));
  }

  peaks(range: Range): ResourcePeaks {
    if (this.history && range.from < this.history.samplesFrom()) return this.history.peaks(range);
    const row = this.st.one(
      `SELECT MAX(cpu) AS cpu, MAX(mem_used) AS mem_used, MAX(disk_read_bytes) AS disk_read_bytes, MAX(disk_write_bytes) AS disk_write_bytes,
              MAX(net_rx_bytes) AS net_rx_bytes, MAX(net_tx_bytes) AS net_tx_bytes, MAX(load1) AS load1
       FROM samples WHERE ts >= ? AND ts <= ?`,
      [range.from, range.to],
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      ...range,
      cpu: num(row?.cpu),
      memUsed: num(row?.mem_used),
      diskReadBytes: num(row?.disk_read_bytes),
      diskWriteBytes: num(row?.disk_write_bytes),
      netRxBytes: num(row?.net_rx_bytes),
      netTxBytes: num(row?.net_tx_bytes),
      load1: num(row?.load1),
    };
  }

  ingest(): IngestStatus {
    return {
      sources: this.st
        .all('SELECT path, offset, size, lines, updated_at FROM sources ORDER BY updated_at DESC')
        .map((r) => ({ path: String(r.path), offset: Number(r.offset), size: Number(r.size), lines: Number(r.lines), updatedAt: Number(r.updated_at) })),
      badLines: Object.fromEntries(this.st.all('SELECT reason, count FROM bad_line_counts').map((r) => [String(r.reason), Number(r.count)])),
      examples: this.st.all('SELECT * FROM bad_lines ORDER BY id').map((r) => ({
        reason: r.reason as IngestStatus['examples'][number]['reason'],
        message: String(r.message),
        path: String(r.path),
        offset: Number(r.offset),
        excerpt: String(r.excerpt),
        at: Number(r.at),
      })),
      eventsStored: Number(this.st.one<{ n: number }>('SELECT COALESCE(SUM(accepted), 0) AS n FROM raw_chunks')?.n ?? 0),
    };
  }
}
