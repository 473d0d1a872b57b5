/**
 * The crash harness's generators: each appends uniquely numbered lines to its
 * own log, sometimes splitting a line across two appends, and rotates it now
 * and then by rename or by copytruncate, as logrotate would.
 */
import { appendFileSync, copyFileSync, renameSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../../agent/demo/prng';

export class Writer {
  /** Lines fully written so far; line k has run_id `<name>-<k>`. */
  written = 0;
  rotations = { rename: 0, copytruncate: 0 };
  /**
   * The agent follows a rotated file only if it had stored a line of it: so a
   * file rotates once the agent has caught up with it, never twice in between
   * (with logrotate, as with other log shippers, a file rotated away before
   * the shipper saw it is not read).
   */
  mayRotate = false;
  private partial: string | null = null;
  private rotated: string[] = [];
  readonly path: string;

  constructor(
    readonly name: string,
    private readonly dir: string,
    private readonly rng: Rng,
  ) {
    this.path = join(dir, `${name}.jsonl`);
  }

  /** Even lines start a run (a row in `runs`); odd ones are an event type the agent does not know (a row in `events`). */
  static line(name: string, k: number): string {
    const type = k % 2 === 0 ? 'run.started' : 'crash.tick';
    return `${JSON.stringify({ ts: new Date().toISOString(), run_id: `${name}-${k}`, type, app: 'crash', k })}\n`;
  }

  tick(): void {
    if (this.mayRotate && this.partial === null && this.rng.chance(0.03)) this.rotate();
    let text = this.partial ?? '';
    if (this.partial !== null) this.written++;
    this.partial = null;
    const n = this.rng.int(1, 5);
    for (let i = 0; i < n; i++) text += Writer.line(this.name, this.written++);
    if (this.rng.chance(0.2)) {
      // Hold back the end of the last line: the agent must wait for its newline.
      const last = Writer.line(this.name, this.written);
      const cut = this.rng.int(1, last.length - 1);
      text += last.slice(0, cut);
      this.partial = last.slice(cut);
    }
    appendFileSync(this.path, text);
  }

  /** Completes a line left half written. */
  finishLine(): void {
    if (this.partial === null) return;
    appendFileSync(this.path, this.partial);
    this.partial = null;
    this.written++;
  }

  private rotate(): void {
    this.mayRotate = false;
    const n = this.rotations.rename + this.rotations.copytruncate + 1;
    // Rotated names must not end in .jsonl, or they would be read as new logs.
    if (this.rng.chance(0.5)) {
      const to = join(this.dir, `${this.name}.jsonl.r${n}`);
      renameSync(this.path, to);
      this.rotations.rename++;
      this.rotated.push(to);
    } else {
      const to = join(this.dir, `${this.name}.jsonl.c${n}`);
      copyFileSync(this.path, to);
      truncateSync(this.path, 0);
      this.rotations.copytruncate++;
      this.rotated.push(to);
    }
  }

  /** Deletes rotated files whose lines the agent has stored (logrotate's `rotate N`). */
  pruneRotated(): void {
    for (const path of this.rotated.splice(0)) rmSync(path, { force: true });
  }
}
