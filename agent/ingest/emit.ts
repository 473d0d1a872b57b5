/**
 * Writes a generator's run log (format v1) without the generator having to
 * know the schema: camelCase calls in, one JSON line per event out. Depends on
 * nothing but Node (and the types of events.ts), so a generator can import it
 * or copy the two files.
 *
 *   const log = openRunLog({ dir: '.genmon/runs' });
 *   const run = log.startRun({ app: 'shop', projectType: 'spa', features: ['auth'] });
 *   run.phaseStarted('blueprint');
 *   run.phaseEnded('blueprint', 'ok');
 *   run.end('success');
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ErrorCategory, KnownEventType, Phase, PhaseStatus, RunOutcome, Severity } from './events';

/** Receives each event as one complete line, newline included. */
export type LineSink = (line: string) => void;

export interface RunLogOptions {
  /** Epoch milliseconds, for timestamps and computed durations. Default `Date.now`. */
  clock?: () => number;
  /** Called when writing a line fails; without it the error is thrown to the caller. */
  onError?: (err: Error) => void;
}

export type RunLogTarget =
  /** Appends to `<dir>/<name>.jsonl`; name defaults to `runs`. */
  | { dir: string; name?: string }
  /** Appends to this file. */
  | { file: string };

export interface StartRunOptions {
  /** Default: a random UUID. */
  runId?: string;
  app?: string;
  /** e.g. spa, api, fullstack, static */
  projectType?: string;
  /** e.g. react-vite, next, express, fastapi, astro */
  template?: string;
  features?: string[];
  userId?: string;
  sessionId?: string;
  /** Run id of the earlier run this one regenerates. */
  regenerates?: string | null;
  /** The user's request, as text. */
  request?: string;
}

export interface InferenceInput {
  model: string;
  latencyMs: number;
  queueMs?: number;
  batchSize?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  /** Default: the phase started last and not yet ended. */
  phase?: Phase;
  queueLength?: number;
}

export interface ApiRequestInput {
  /** Route pattern, e.g. `/api/runs/:id`. */
  route: string;
  method?: string;
  statusCode?: number;
  durationMs: number;
  inFlight?: number;
}

export interface DbQueryInput {
  operation: string;
  durationMs: number;
  poolInUse?: number;
  poolSize?: number;
  deadlock?: boolean;
  replicationLagMs?: number;
}

export interface ErrorInput {
  category: ErrorCategory;
  severity: Severity;
  message: string;
  stack?: string;
  context?: Record<string, unknown>;
  /** Default: the phase started last and not yet ended. */
  phase?: Phase;
}

/** For an `Error` object: everything but its message and stack, all optional. */
export type ErrorDetails = Partial<Pick<ErrorInput, 'category' | 'severity' | 'context' | 'phase'>>;

export interface QualityInput {
  lint?: number;
  coverage?: number;
  security?: number;
  performance?: number;
  requirements?: number;
  blueprintAccuracy?: number;
  correctness?: number;
  documentation?: number;
}

export interface ModificationInput {
  filesChanged?: number;
  linesChanged?: number;
  description?: string;
}

/** Any event; `ts` defaults to now. */
export interface EventInput {
  type: string;
  run_id: string;
  ts?: string | number;
  [field: string]: unknown;
}

export interface RunLog {
  startRun(opts?: StartRunOptions): RunHandle;
  emit(event: EventInput): void;
}

export interface RunHandle {
  readonly runId: string;
  /** `attempt` defaults to one more than the last attempt of this phase in this run. */
  phaseStarted(phase: Phase, attempt?: number): void;
  /** Without `durationMs`, the time since the matching `phaseStarted`. */
  phaseEnded(phase: Phase, status: PhaseStatus, durationMs?: number): void;
  inference(input: InferenceInput): void;
  apiRequest(input: ApiRequestInput): void;
  dbQuery(input: DbQueryInput): void;
  /**
   * An `Error` gives message and stack; its category defaults to the one of
   * the current phase (generation, validation, deployment; system outside
   * phases) and its severity to `error`.
   */
  error(input: ErrorInput | Error, details?: ErrorDetails): void;
  quality(scores: QualityInput): void;
  /** `score` 1..5. */
  feedback(score: number, comment?: string): void;
  modification(input: ModificationInput): void;
  /** Without `durationMs`, the time since `startRun`. `artifactBytes`: the size of what the run stored. */
  end(status: RunOutcome, durationMs?: number, artifactBytes?: number): void;
  /** The user gave up on the run (`run.abandoned`). */
  abandon(reason?: string): void;
  /** Any event of this run; `run_id` and `ts` are filled in. */
  emit(event: { type: string; ts?: string | number; [field: string]: unknown }): void;
}

/**
 * Opens a log file for appending. Each event is one `appendFileSync` of one
 * whole line: with O_APPEND every write lands at the end of the file in one
 * piece, so several processes may share a file; and as the file is reopened
 * for each write, renaming it away (rotation) just starts a new one.
 */
export function openRunLog(target: RunLogTarget, opts: RunLogOptions = {}): RunLog & { readonly file: string } {
  const file = runLogFile(target);
  mkdirSync(dirname(file), { recursive: true });
  return { file, ...createRunLog((line) => appendLine(file, line), opts) };
}

export function runLogFile(target: RunLogTarget): string {
  return 'file' in target ? target.file : join(target.dir, `${target.name ?? 'runs'}.jsonl`);
}

/** Appends one complete line in a single write, creating the directory if it went missing. */
export function appendLine(file: string, line: string): void {
  try {
    appendFileSync(file, line);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, line);
  }
}

/** The same calls, writing lines to any sink: an in-memory batch, a stream, a test. */
export function createRunLog(write: LineSink, opts: RunLogOptions = {}): RunLog {
  const clock = opts.clock ?? Date.now;
  const send: LineSink = (line) => {
    try {
      write(line);
    } catch (err) {
      if (!opts.onError) throw err;
      opts.onError(err as Error);
    }
  };
  return {
    emit: ({ ts, run_id, type, ...fields }) => send(toLine(ts === undefined ? `"${iso(clock())}"` : json(ts), json(run_id), json(type), fields)),
    startRun: (start = {}) => new Run(start, clock, send),
  };
}

/**
 * One event as one line, the envelope first. Written as text around one
 * `JSON.stringify` of the fields, rather than by copying them into a new
 * object with the envelope, because this runs for every event.
 */
function toLine(tsJson: string, runIdJson: string, typeJson: string, fields: object): string {
  const body = JSON.stringify(fields);
  return `{"ts":${tsJson},"run_id":${runIdJson},"type":${typeJson}${body.length > 2 ? `,${body.slice(1)}` : '}'}\n`;
}

/** `JSON.stringify`, with a missing value as null so the line stays JSON (and the parser names the field). */
function json(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

const DAY_MS = 86_400_000;
let isoDay = NaN;
let isoDatePart = '';

/** `new Date(ms).toISOString()`, a few times faster: the date part changes once a day. */
function iso(ms: number): string {
  const whole = Math.floor(ms);
  const day = Math.floor(whole / DAY_MS);
  if (day !== isoDay) {
    isoDatePart = new Date(day * DAY_MS).toISOString().slice(0, 11);
    isoDay = day;
  }
  let rest = whole - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return `${isoDatePart}${two(hour)}:${two(min)}:${two(sec)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

interface OpenPhase {
  attempt: number;
  startedAt: number;
}

const CATEGORY_OF_PHASE: Record<Phase, ErrorCategory> = {
  blueprint: 'generation',
  codegen: 'generation',
  validation: 'validation',
  deployment: 'deployment',
};

class Run implements RunHandle {
  readonly runId: string;
  private readonly runIdJson: string;
  private readonly startedAt: number;
  private readonly open = new Map<Phase, OpenPhase>();
  private readonly attempts = new Map<Phase, number>();
  private current: Phase | undefined;

  constructor(
    start: StartRunOptions,
    private readonly clock: () => number,
    private readonly write: LineSink,
  ) {
    this.runId = start.runId ?? randomUUID();
    this.runIdJson = json(this.runId);
    this.startedAt = clock();
    this.send('run.started', this.startedAt, {
      app: start.app,
      project_type: start.projectType,
      template: start.template,
      features: start.features,
      user_id: start.userId,
      session_id: start.sessionId,
      regenerates: start.regenerates,
      request: start.request,
    });
  }

  emit({ type, ts, run_id: _ignored, ...fields }: { type: string; ts?: string | number; [field: string]: unknown }): void {
    this.write(toLine(ts === undefined ? `"${iso(this.clock())}"` : json(ts), this.runIdJson, json(type), fields));
  }

  /** For the known types: their names and ISO timestamps need no escaping. */
  private send(type: KnownEventType, at: number, fields: object): void {
    this.write(toLine(`"${iso(at)}"`, this.runIdJson, `"${type}"`, fields));
  }

  phaseStarted(phase: Phase, attempt?: number): void {
    const n = attempt ?? (this.attempts.get(phase) ?? 0) + 1;
    const now = this.clock();
    this.attempts.set(phase, n);
    this.open.set(phase, { attempt: n, startedAt: now });
    this.current = phase;
    this.send('phase.started', now, { phase, attempt: n > 1 || attempt !== undefined ? n : undefined });
  }

  phaseEnded(phase: Phase, status: PhaseStatus, durationMs?: number): void {
    const open = this.open.get(phase);
    if (durationMs === undefined && !open) {
      throw new Error(`phaseEnded('${phase}') without durationMs needs a phaseStarted('${phase}') before it`);
    }
    this.open.delete(phase);
    if (this.current === phase) this.current = undefined;
    const now = this.clock();
    const attempt = open?.attempt ?? this.attempts.get(phase) ?? 1;
    this.send('phase.ended', now, {
      phase,
      status,
      duration_ms: durationMs ?? now - open!.startedAt,
      attempt: attempt > 1 ? attempt : undefined,
    });
  }

  inference(i: InferenceInput): void {
    this.send('model.inference', this.clock(), {
      model: i.model,
      phase: i.phase ?? this.current,
      latency_ms: i.latencyMs,
      queue_ms: i.queueMs,
      batch_size: i.batchSize,
      input_tokens: i.inputTokens,
      output_tokens: i.outputTokens,
      cost_usd: i.costUsd,
      queue_length: i.queueLength,
    });
  }

  apiRequest(r: ApiRequestInput): void {
    this.send('api.request', this.clock(), { route: r.route, method: r.method, status_code: r.statusCode, duration_ms: r.durationMs, in_flight: r.inFlight });
  }

  dbQuery(q: DbQueryInput): void {
    this.send('db.query', this.clock(), {
      operation: q.operation,
      duration_ms: q.durationMs,
      pool_in_use: q.poolInUse,
      pool_size: q.poolSize,
      deadlock: q.deadlock,
      replication_lag_ms: q.replicationLagMs,
    });
  }

  error(input: ErrorInput | Error, details: ErrorDetails = {}): void {
    const phase = details.phase ?? (input instanceof Error ? undefined : input.phase) ?? this.current;
    const e: ErrorInput =
      input instanceof Error
        ? {
            category: details.category ?? (phase ? CATEGORY_OF_PHASE[phase] : 'system'),
            severity: details.severity ?? 'error',
            message: input.name && input.name !== 'Error' ? `${input.name}: ${input.message}` : input.message,
            stack: input.stack,
            context: details.context,
          }
        : { ...input, ...details };
    this.send('error', this.clock(), { category: e.category, severity: e.severity, message: e.message, stack: e.stack, context: e.context, phase });
  }

  quality(s: QualityInput): void {
    this.send('quality', this.clock(), {
      lint: s.lint,
      coverage: s.coverage,
      security: s.security,
      performance: s.performance,
      requirements: s.requirements,
      blueprint_accuracy: s.blueprintAccuracy,
      correctness: s.correctness,
      documentation: s.documentation,
    });
  }

  feedback(score: number, comment?: string): void {
    this.send('feedback', this.clock(), { score, comment });
  }

  modification(m: ModificationInput): void {
    this.send('modification', this.clock(), { files_changed: m.filesChanged, lines_changed: m.linesChanged, description: m.description });
  }

  end(status: RunOutcome, durationMs?: number, artifactBytes?: number): void {
    const now = this.clock();
    this.send('run.ended', now, { status, duration_ms: durationMs ?? now - this.startedAt, artifact_bytes: artifactBytes });
  }

  abandon(reason?: string): void {
    this.send('run.abandoned', this.clock(), { reason });
  }
}
