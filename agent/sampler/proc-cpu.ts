/**
 * CPU time of a process and everything it started, for measuring what the
 * sampler itself costs (`bench/sampler-cpu.ts`). Linux only.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface PidStat {
  ppid: number;
  /** utime + stime: the process's own CPU, all threads. */
  ownTicks: number;
  /** cutime + cstime: children it has waited for, and their waited-for children. */
  reapedChildTicks: number;
}

/** `/proc/<pid>/stat`. The command name in parentheses may hold spaces and parentheses itself, so fields are counted from the last `)`. */
export function parsePidStat(text: string): PidStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
  const f = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(f[n - 3]) || 0;
  return { ppid: field(4), ownTicks: field(14) + field(15), reapedChildTicks: field(16) + field(17) };
}

/**
 * Total ticks of `root` and of its live descendants, given every process's
 * stat. A live child is not in its parent's reaped figure yet, so nothing is
 * counted twice (bar a child reaped between two reads).
 */
export function treeTicks(root: number, stats: ReadonlyMap<number, PidStat>): number {
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  let ticks = 0;
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    const stat = stats.get(pid);
    if (!stat) continue;
    ticks += stat.ownTicks + stat.reapedChildTicks;
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

let userHz: number | undefined;

/** USER_HZ, the unit of CPU times in /proc: 100 on every mainstream Linux architecture, but asked once rather than assumed. */
export function clockTicksPerSecond(): number {
  if (userHz === undefined) {
    try {
      userHz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      userHz = 100;
    }
  }
  return userHz;
}

/** CPU time (user + system) in ms of `pid`, its reaped children and its live descendants. Throws if `pid` does not exist. */
export function readProcessTreeCpuMs(pid: number): number {
  const ticksPerSecond = clockTicksPerSecond();
  const stats = new Map<number, PidStat>([[pid, parsePidStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))]]);
  for (const name of readdirSync('/proc')) {
    const other = Number(name);
    if (!Number.isInteger(other) || other === pid) continue;
    try {
      stats.set(other, parsePidStat(readFileSync(`/proc/${name}/stat`, 'latin1')));
    } catch {
      // Exited since the listing.
    }
  }
  return (treeTicks(pid, stats) * 1000) / ticksPerSecond;
}
