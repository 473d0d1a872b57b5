/**
 * Pure parsers for the Linux kernel files the sampler reads: text in,
 * numbers out. No I/O here, so every rule is tested with fixture strings.
 */

/** Jiffies a CPU (or all of them) spent busy and in total since boot. */
export interface CpuTicks {
  busy: number;
  total: number;
}

export interface ProcStat {
  all: CpuTicks;
  /** Indexed by CPU number; an offline CPU missing from the file reads as zero ticks. */
  cores: CpuTicks[];
}

const WHITESPACE = /\s+/;

function cpuTicks(line: string): CpuTicks {
  // cpuN user nice system idle iowait irq softirq steal [guest guest_nice]. Guest
  // time is already counted inside user and nice, so adding it would count it twice.
  const f = line.split(WHITESPACE);
  const n = (i: number): number => Number(f[i]) || 0;
  const busy = n(1) + n(2) + n(3) + n(6) + n(7) + n(8);
  return { busy, total: busy + n(4) + n(5) };
}

/** `/proc/stat`: the `cpu` line and one `cpuN` line per online CPU. */
export function parseProcStat(text: string): ProcStat {
  let all: CpuTicks = { busy: 0, total: 0 };
  const cores: CpuTicks[] = [];
  // The cpu lines come first; the long interrupt lines after them are left unread.
  for (let start = 0; text.startsWith('cpu', start); ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.startsWith('cpu ')) {
      all = cpuTicks(line);
      continue;
    }
    const index = parseInt(line.slice(3), 10);
    if (!(index >= 0)) continue;
    while (cores.length < index) cores.push({ busy: 0, total: 0 });
    cores[index] = cpuTicks(line);
  }
  return { all, cores };
}

/** Busy share of the interval between two readings, 0..100; 0 when the counters did not advance or went back. */
export function busyPercent(prev: CpuTicks, cur: CpuTicks): number {
  const total = cur.total - prev.total;
  const busy = cur.busy - prev.busy;
  if (total <= 0 || busy < 0) return 0;
  return Math.min(100, (busy / total) * 100);
}

export interface Memory {
  memTotal: number;
  memAvailable: number;
  memUsed: number;
  swapTotal: number;
  swapUsed: number;
}

/** The number on the line `key:` of a `key: value` file (`/proc/meminfo`), or undefined when there is no such line. */
function keyedValue(text: string, key: string): number | undefined {
  const label = `${key}:`;
  let at = text.indexOf(label);
  // Only at the start of a line: `Free:` must not match the end of `MemFree:`.
  while (at > 0 && text.charCodeAt(at - 1) !== 10) at = text.indexOf(label, at + 1);
  if (at < 0) return undefined;
  const end = text.indexOf('\n', at);
  return parseInt(text.slice(at + label.length, end < 0 ? text.length : end), 10) || 0;
}

/** `/proc/meminfo`, in bytes. Used memory is total minus available, the figure `free` calls "used" less cache. */
export function parseMeminfo(text: string): Memory {
  const bytes = (key: string): number => (keyedValue(text, key) ?? 0) * 1024;
  const memTotal = bytes('MemTotal');
  // MemAvailable exists since Linux 3.14; before it, free + buffers + page cache is the usual estimate.
  const available = keyedValue(text, 'MemAvailable');
  const memAvailable = available === undefined ? bytes('MemFree') + bytes('Buffers') + bytes('Cached') : available * 1024;
  const swapTotal = bytes('SwapTotal');
  return {
    memTotal,
    memAvailable,
    memUsed: Math.max(0, memTotal - memAvailable),
    swapTotal,
    swapUsed: Math.max(0, swapTotal - bytes('SwapFree')),
  };
}

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
  /** Scheduling entities (threads, kernel threads included) that exist now. */
  threads: number;
}

/** `/proc/loadavg`: `0.00 0.06 0.05 1/85 4487`, the 85 being the thread count. */
export function parseLoadavg(text: string): LoadAverage {
  const [load1, load5, load15, entities] = text.trim().split(WHITESPACE);
  return {
    load1: Number(load1) || 0,
    load5: Number(load5) || 0,
    load15: Number(load15) || 0,
    threads: Number(entities?.split('/')[1]) || 0,
  };
}

/** Entries of a `/proc` listing that are processes: the numeric ones. */
export function countProcesses(procEntries: readonly string[]): number {
  let count = 0;
  for (const name of procEntries) {
    const first = name.charCodeAt(0);
    if (first >= 48 && first <= 57) count++;
  }
  return count;
}

/**
 * Loop and RAM disks are backed by memory or by files on another disk, and
 * device-mapper and md devices by other disks: counting them would count
 * the same bytes twice (or count memory as disk).
 */
const STACKED_OR_VIRTUAL_DISK = /^(?:loop|ram|zram|dm-|md)\d/;

/**
 * The disks whose traffic is counted, from a `/sys/block` listing. That
 * directory holds whole block devices only (partitions live beneath them),
 * so what is left after dropping stacked and virtual ones are physical disks.
 */
export function wholeDisks(sysBlockEntries: readonly string[]): Set<string> {
  return new Set(sysBlockEntries.filter((name) => !STACKED_OR_VIRTUAL_DISK.test(name)));
}

export interface DiskCounters {
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
  /** Milliseconds spent reading plus writing: over the operations, their average latency. */
  ioMs: number;
}

export const DISK_COUNTERS: readonly (keyof DiskCounters)[] = ['readBytes', 'writeBytes', 'readOps', 'writeOps', 'ioMs'];

/**
 * `/proc/diskstats`, the devices in `disks` only. Each is looked up by name
 * rather than splitting every line: hosts with snaps list dozens of loop
 * devices. Sectors there are always 512 bytes, whatever the disk's own size.
 */
export function parseDiskstats(text: string, disks: ReadonlySet<string>): Map<string, DiskCounters> {
  const out = new Map<string, DiskCounters>();
  for (const name of disks) {
    // `%4d %7d %s %lu ...`: the name is the only field with letters, between single spaces.
    const at = text.indexOf(` ${name} `);
    if (at < 0) continue;
    const end = text.indexOf('\n', at);
    // reads merged sectorsRead msRead writes merged sectorsWritten ...
    const f = text.slice(at + name.length + 2, end < 0 ? text.length : end).split(' ');
    if (f.length < 7) continue;
    out.set(name, {
      readOps: Number(f[0]) || 0,
      readBytes: (Number(f[2]) || 0) * 512,
      writeOps: Number(f[4]) || 0,
      writeBytes: (Number(f[6]) || 0) * 512,
      ioMs: (Number(f[3]) || 0) + (Number(f[7]) || 0),
    });
  }
  return out;
}

export interface NetCounters {
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
}

export const NET_COUNTERS: readonly (keyof NetCounters)[] = ['rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped'];

/** `/proc/net/dev`, every interface but loopback, whose traffic never leaves the machine. */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const out = new Map<string, NetCounters>();
  for (const line of text.split('\n')) {
    // Old kernels print `eth0:123` with no space once the counter is wide, so split at the colon.
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(WHITESPACE);
    if (f.length < 16) continue;
    // rx: bytes packets errs drop fifo frame compressed multicast, then tx: bytes packets errs ...
    out.set(name, {
      rxBytes: Number(f[0]) || 0,
      rxErrors: Number(f[2]) || 0,
      rxDropped: Number(f[3]) || 0,
      txBytes: Number(f[8]) || 0,
      txErrors: Number(f[10]) || 0,
      txDropped: Number(f[11]) || 0,
    });
  }
  return out;
}

/** Established TCP connections in a `/proc/net/tcp` or `tcp6` table (state `01`). */
export function countEstablished(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    // `sl local_address rem_address st ...`: the state is the fourth field.
    const f = line.trim().split(WHITESPACE);
    if (f[3] === '01') n++;
  }
  return n;
}
