/**
 * The generator run log the end-to-end scenarios write into the workspace,
 * and a tally of everything written, so figures on screen (the Overview, the
 * report) are checked against what the test wrote, not against the agent.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDemoHistory } from '../../agent/demo';
import { ERROR_CATEGORIES } from '../../agent/ingest/events';

/** The agent's default run timeout (`abandonAfterMinutes`). */
export const ABANDON_AFTER_MS = 30 * 60_000;

type Event = Record<string, unknown> & { run_id: string; type: string };

export interface Counts {
  attempts: number;
  successes: number;
  failures: number;
  partials: number;
  running: number;
  /** Given up by the user (`run.abandoned`), or with no end within the agent's run timeout. */
  abandoned: number;
  errorsByCategory: Record<string, number>;
}

export class RunLog {
  private readonly runs = new Map<string, { startedAt: number; status: string }>();
  private readonly errors: { ts: number; category: string }[] = [];

  constructor(readonly dir: string) {}

  /** Appends events to `file` in the log directory; `ts` is now unless given. */
  append(file: string, ...events: Event[]): void {
    const text = events.map((e) => `${JSON.stringify({ ts: new Date().toISOString(), ...e })}\n`).join('');
    appendFileSync(join(this.dir, file), text);
    this.tally(text);
  }

  /** A finished run of 3.2 s that ended at `endedAt` (now unless given): started, its phases in order, ended with `status`. */
  run(file: string, runId: string, fields: { app: string; status: 'success' | 'failed' | 'partial'; endedAt?: number; error?: { category: string; message: string } }): void {
    const at = (fields.endedAt ?? Date.now()) - 3200;
    const ts = (ms: number) => new Date(at + ms).toISOString();
    const phases = ['blueprint', 'codegen', 'validation', 'deployment'];
    const failedAt = fields.status === 'success' ? phases.length : 1;
    this.append(
      file,
      { run_id: runId, ts: ts(0), type: 'run.started', app: fields.app },
      ...phases.slice(0, failedAt + (fields.status === 'success' ? 0 : 1)).map((phase, i) => ({
        run_id: runId, ts: ts(1500 * (i + 1)), type: 'phase.ended', phase, status: i < failedAt ? 'ok' : 'failed', duration_ms: 1500,
      })),
      ...(fields.error ? [{ run_id: runId, ts: ts(3100), type: 'error', severity: 'error', phase: 'codegen', ...fields.error }] : []),
      { run_id: runId, ts: ts(3200), type: 'run.ended', status: fields.status, duration_ms: 3200 },
    );
  }

  /** `runs` made-up runs between `from` and `to` (the demo generator's history), tallied from the file written. */
  async history(file: string, runs: number, from: number, to: number): Promise<void> {
    const path = join(this.dir, file);
    const before = (() => {
      try {
        return readFileSync(path).length;
      } catch {
        return 0;
      }
    })();
    await writeDemoHistory({ file: path, runs, from, to, seed: 11 });
    this.tally(readFileSync(path).subarray(before).toString('utf8'));
  }

  private tally(text: string): void {
    for (const line of text.split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line) as Event & { ts: string | number; status?: string; category?: string };
      const ts = typeof e.ts === 'number' ? e.ts : Date.parse(e.ts);
      if (e.type === 'run.started') this.runs.set(e.run_id, { startedAt: ts, status: 'running' });
      if (e.type === 'run.ended') this.runs.get(e.run_id)!.status = e.status!;
      if (e.type === 'run.abandoned') this.runs.get(e.run_id)!.status = 'abandoned';
      if (e.type === 'error') this.errors.push({ ts, category: e.category! });
    }
  }

  /**
   * What the agent should count for runs started (and errors seen) in
   * [from, to], once it has swept runs still running `abandonAfterMs` after
   * their start (the agent's default timeout, 30 min) into abandoned.
   */
  counts(from: number, to: number, abandonAfterMs = ABANDON_AFTER_MS): Counts {
    const now = Date.now();
    const statuses = [...this.runs.values()]
      .filter((r) => r.startedAt >= from && r.startedAt <= to)
      .map((r) => (r.status === 'running' && r.startedAt < now - abandonAfterMs ? 'abandoned' : r.status));
    const n = (s: string) => statuses.filter((x) => x === s).length;
    const errorsByCategory = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, this.errors.filter((e) => e.category === c && e.ts >= from && e.ts <= to).length]));
    return { attempts: statuses.length, successes: n('success'), failures: n('failed'), partials: n('partial'), running: n('running'), abandoned: n('abandoned'), errorsByCategory };
  }
}
