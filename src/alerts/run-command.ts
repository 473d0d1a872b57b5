/**
 * Runs an action's program with its arguments, without a shell (so nothing
 * in an argument is interpreted), with a timeout after which the process
 * group is stopped (SIGTERM, then SIGKILL), keeping the tail of its output.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  status: 'succeeded' | 'failed' | 'timed_out';
  exitCode: number | null;
  /** The last `OUTPUT_CHARS` characters of stdout and stderr together. */
  output: string;
  durationMs: number;
}

export const OUTPUT_CHARS = 4096;
const KILL_GRACE_MS = 5000;

export function runCommand(command: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const group = process.platform !== 'win32';
    const child = spawn(command, [...args], { cwd: opts.cwd, env: opts.env, shell: false, detached: group, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const signal = (sig: NodeJS.Signals) => {
      try {
        if (group && child.pid) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone.
      }
    };
    let killer: NodeJS.Timeout | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      signal('SIGTERM');
      killer = setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS);
    }, opts.timeoutMs);
    const finish = (exitCode: number | null, error?: Error) => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      if (error) output = `${output}${output ? '\n' : ''}${error.message}`.slice(-OUTPUT_CHARS);
      resolve({ status: timedOut ? 'timed_out' : exitCode === 0 && !error ? 'succeeded' : 'failed', exitCode, output, durationMs: Date.now() - started });
    };
    child.on('error', (err) => finish(null, err));
    child.on('close', (code) => finish(code));
  });
}
