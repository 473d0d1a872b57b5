/**
 * Machine readings where there is no Linux `/proc`: systeminformation,
 * which runs child processes for most figures (`vm_stat`, `ioreg`, `ps`,
 * PowerShell), so this costs far more CPU than the Linux reader.
 *
 * Not available this way, and reported as 0: `threads` (no platform-wide
 * count without walking every process), `diskReadOps`/`diskWriteOps`
 * (`disksIO` would spawn the same `ioreg` as `fsStats` a second time), and
 * on Windows the disk rates and load averages, which it does not provide.
 * `processes` is refreshed every 10 s in the background, 0 until the first
 * count returns.
 */
import { loadavg } from 'node:os';
import type { Sample } from '../api/types';
import { DISK_COUNTERS, NET_COUNTERS, type DiskCounters, type NetCounters } from './proc-parse';
import type { MachineReader } from './reader';
import { summedRates } from './rates';

type Systeminformation = typeof import('systeminformation');

/** `processes()` lists every process with `ps` or WMI: the costliest call by far, so the count is refreshed rarely. */
const PROCESS_COUNT_EVERY_MS = 10_000;

const LOOPBACK = /^lo\d*$|loopback/i;

interface Reading {
  at: number;
  disks: Map<string, DiskCounters>;
  net: Map<string, NetCounters>;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export function createFallbackReader(report: (err: Error) => void): MachineReader {
  // Loaded on first use: the Linux agent never needs it.
  let library: Promise<Systeminformation> | null = null;
  // The bundled agent finds it in a file of its own (dist/systeminformation.js, see scripts/build.mjs).
  const load = () => (library ??= import('systeminformation').then((m) => ((m as { default?: Systeminformation }).default ?? m) as Systeminformation));
  let previous: Reading | null = null;
  let processes = 0;
  let processesAt = -Infinity;
  let countingProcesses = false;

  function refreshProcessCount(si: Systeminformation, at: number): void {
    if (countingProcesses || at - processesAt < PROCESS_COUNT_EVERY_MS) return;
    countingProcesses = true;
    processesAt = at;
    void si
      .processes()
      .then(
        (list) => {
          processes = list.all;
        },
        (err: unknown) => report(asError(err)),
      )
      .finally(() => {
        countingProcesses = false;
      });
  }

  async function read(ts: number): Promise<Sample> {
    const si = await load();
    refreshProcessCount(si, performance.now());
    const [cpu, mem, fsStats, netStats] = await Promise.all([si.currentLoad(), si.mem(), si.fsStats(), si.networkStats('*')]);
    const at = performance.now();
    const seconds = previous ? (at - previous.at) / 1000 : 0;

    const disks = new Map<string, DiskCounters>();
    // Unsupported platforms resolve null despite the declared type.
    if (fsStats) disks.set('all', { readBytes: fsStats.rx, writeBytes: fsStats.wx, readOps: 0, writeOps: 0, ioMs: 0 });
    const net = new Map<string, NetCounters>();
    for (const s of netStats) {
      if (LOOPBACK.test(s.iface)) continue;
      net.set(s.iface, { rxBytes: s.rx_bytes, txBytes: s.tx_bytes, rxErrors: s.rx_errors, txErrors: s.tx_errors, rxDropped: s.rx_dropped, txDropped: s.tx_dropped });
    }
    const disk = summedRates(previous?.disks ?? disks, disks, DISK_COUNTERS, seconds);
    const netRates = summedRates(previous?.net ?? net, net, NET_COUNTERS, seconds);
    // systeminformation's first load is the average since boot; rates start at the second reading like on Linux.
    const first = previous === null;
    previous = { at, disks, net };
    const [load1, load5, load15] = loadavg();

    return {
      ts,
      cpu: first ? 0 : cpu.currentLoad,
      cores: cpu.cpus.map((core) => (first ? 0 : core.load)),
      memUsed: Math.max(0, mem.total - mem.available),
      memAvailable: mem.available,
      memTotal: mem.total,
      swapUsed: mem.swapused,
      swapTotal: mem.swaptotal,
      load1,
      load5,
      load15,
      processes,
      threads: 0,
      diskReadBytes: disk.readBytes,
      diskWriteBytes: disk.writeBytes,
      diskReadOps: disk.readOps,
      diskWriteOps: disk.writeOps,
      netRxBytes: netRates.rxBytes,
      netTxBytes: netRates.txBytes,
      netRxErrors: netRates.rxErrors,
      netTxErrors: netRates.txErrors,
      netRxDropped: netRates.rxDropped,
      netTxDropped: netRates.txDropped,
    };
  }

  return {
    read,
    async readMounts(ts) {
      const si = await load();
      return (await si.fsSize()).map((fs) => ({ ts, mount: fs.mount, fs: fs.fs, size: fs.size, used: fs.used }));
    },
    close() {
      previous = null;
    },
  };
}
