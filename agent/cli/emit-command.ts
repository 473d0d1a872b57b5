/**
 * `genmon emit <type>`: appends one event to a run log from a shell script or
 * by hand, checked by the same parser the agent uses, so a line this command
 * writes is a line the agent accepts.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { DEFAULTS } from '../config';
import { KNOWN_EVENT_TYPES } from '../ingest/events';
import { appendLine, runLogFile } from '../ingest/emit';
import { parseLine } from '../ingest/parse';

export interface EmitOptions {
  runId?: string;
  file?: string;
  dir?: string;
  field?: string[];
  json?: string;
}

export interface EmitIo {
  now: () => number;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Exit code for an event that is not valid: nothing was written. */
export const EXIT_INVALID_EVENT = 2;

const HELP_AFTER = `
Values of --field are read as JSON when they parse as JSON (numbers, true, false,
null, arrays, objects, "quoted strings"), and as plain text otherwise:
  --field duration_ms=1200      a number
  --field deadlock=true         a boolean
  --field 'features=["auth"]'   an array
  --field 'app="123"'           the text 123, not a number
  --field app=shop              the text shop

Precedence: --run-id over --field over --json. ts defaults to now.

Exit codes: 0 written; ${EXIT_INVALID_EVENT} not a valid event (nothing written, the reason on stderr);
1 the file could not be written.

Examples:
  id=$(genmon emit run.started --field app=shop --field project_type=spa)
  genmon emit phase.started --run-id "$id" --field phase=codegen
  genmon emit phase.ended --run-id "$id" --field phase=codegen --field status=ok --field duration_ms=14210
  genmon emit error --run-id "$id" --json '{"category":"deployment","severity":"error","message":"health check failed"}'
  genmon emit run.ended --run-id "$id" --field status=success --field duration_ms=31200

The format is described in docs/log-format.md.`;

export function registerEmit(program: Command): Command {
  return program
    .command('emit')
    .description('append one event to a generator run log, after checking it against log format v1')
    .argument('<type>', `event type: ${KNOWN_EVENT_TYPES.join(', ')}; any other type is stored without being interpreted`)
    .option('--run-id <id>', 'run the event belongs to; for run.started it defaults to a new UUID, which is printed on stdout')
    .option('--file <path>', 'log file to append to (*.jsonl); not together with --dir')
    .option('--dir <dir>', `directory whose runs.jsonl to append to (default ${DEFAULTS.logDirs[0]})`)
    .option('--field <key=value>', 'one field of the event; repeat for more (see below for how values are read)', collect)
    .option('--json <object>', "fields as one JSON object, e.g. '{\"phase\":\"codegen\"}'")
    .addHelpText('after', HELP_AFTER)
    .action((type: string, o: EmitOptions) => {
      process.exitCode = emitEvent(type, o, {
        now: Date.now,
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
    });
}

/** Builds, checks and appends the event; returns the exit code. */
export function emitEvent(type: string, o: EmitOptions, io: EmitIo): number {
  const invalid = (message: string) => {
    io.err(`genmon emit: nothing written: ${message}\n`);
    return EXIT_INVALID_EVENT;
  };
  if (o.file !== undefined && o.dir !== undefined) return invalid('give --file or --dir, not both');

  let base: Record<string, unknown> = {};
  if (o.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(o.json);
    } catch (err) {
      return invalid(`--json is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return invalid('--json must be a JSON object');
    base = parsed as Record<string, unknown>;
  }
  const pairs: [string, unknown][] = [];
  for (const field of o.field ?? []) {
    const eq = field.indexOf('=');
    if (eq <= 0) return invalid(`--field needs key=value, got ${JSON.stringify(field)}`);
    pairs.push([field.slice(0, eq), valueOf(field.slice(eq + 1))]);
  }
  // Spreads and fromEntries define own properties, so a "__proto__" key stays a plain field.
  const fields: Record<string, unknown> = { ...base, ...Object.fromEntries(pairs) };
  if (fields.type !== undefined && fields.type !== type) {
    return invalid(`type is ${JSON.stringify(type)} but the fields say ${JSON.stringify(fields.type)}`);
  }

  let runId = o.runId ?? fields.run_id;
  let generated = false;
  if (runId === undefined && type === 'run.started') {
    runId = randomUUID();
    generated = true;
  }
  if (runId === undefined) return invalid(`${type} needs --run-id`);

  const { ts, run_id: _runId, type: _type, ...rest } = fields;
  const event = { ts: ts ?? new Date(io.now()).toISOString(), run_id: runId, type, ...rest };
  const line = JSON.stringify(event);
  const parsed = parseLine(Buffer.from(line), { now: io.now() });
  if (!parsed.ok) return invalid(`${parsed.message} (${parsed.reason})`);
  if (!parsed.known) io.err(`genmon emit: note: ${type} is not a known type; the agent stores it without interpreting it\n`);

  const file = runLogFile(o.file !== undefined ? { file: o.file } : { dir: o.dir ?? DEFAULTS.logDirs[0] });
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendLine(file, `${line}\n`);
  } catch (err) {
    io.err(`genmon emit: could not write ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  if (generated) io.out(`${runId}\n`);
  return 0;
}

function valueOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
