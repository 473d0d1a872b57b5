/**
 * Machine samples and mount readings → resource metrics. A sample's rates
 * are per second over the interval since the one before; the counters add
 * rate × interval (capped, so a gap after the agent was down is not taken
 * for traffic).
 */
import type { MountUsage, Sample } from '../api/types';
import type { RollupWriter } from './rollup';

const MAX_INTERVAL_MS = 10_000;
const FIRST_INTERVAL_MS = 1000;

export class MachineMetrics {
  constructor(
    private readonly rollup: RollupWriter,
    /** Time of the last sample stored before this one, for its interval. */
    private previousTs: number | null,
  ) {}

  sample(s: Sample): void {
    const o = (metric: string, value: number, labels = {}) => this.rollup.observe(metric, labels, value, s.ts);
    const interval = (this.previousTs === null || s.ts <= this.previousTs ? FIRST_INTERVAL_MS : Math.min(MAX_INTERVAL_MS, s.ts - this.previousTs)) / 1000;
    this.previousTs = s.ts;
    o('genmon_cpu_usage_ratio', s.cpu / 100);
    o('genmon_memory_used_bytes', s.memUsed);
    o('genmon_threads', s.threads);
    o('genmon_processes', s.processes);
    const pairs: [string, string, string, number][] = [
      ['genmon_disk_io_bytes_total', 'genmon_disk_throughput_bytes_per_second', 'read', s.diskReadBytes],
      ['genmon_disk_io_bytes_total', 'genmon_disk_throughput_bytes_per_second', 'write', s.diskWriteBytes],
      ['genmon_network_io_bytes_total', 'genmon_network_throughput_bytes_per_second', 'rx', s.netRxBytes],
      ['genmon_network_io_bytes_total', 'genmon_network_throughput_bytes_per_second', 'tx', s.netTxBytes],
    ];
    for (const [counter, gauge, direction, rate] of pairs) {
      o(gauge, rate, { direction });
      o(counter, rate * interval, { direction });
    }
    o('genmon_disk_operations_total', s.diskReadOps * interval, { direction: 'read' });
    o('genmon_disk_operations_total', s.diskWriteOps * interval, { direction: 'write' });
    o('genmon_network_packets_dropped_total', (s.netRxDropped ?? s.netRxErrors) * interval, { direction: 'rx' });
    o('genmon_network_packets_dropped_total', (s.netTxDropped ?? s.netTxErrors) * interval, { direction: 'tx' });
    if (s.tcpConnections !== undefined) o('genmon_network_connections', s.tcpConnections);
    if (s.diskIoLatencyMs !== undefined && s.diskIoLatencyMs !== null) o('genmon_disk_io_latency_seconds', s.diskIoLatencyMs / 1000);
  }

  mounts(mounts: MountUsage[]): void {
    for (const m of mounts) {
      this.rollup.observe('genmon_disk_used_bytes', { mount: m.mount }, m.used, m.ts);
      if (m.size > 0) this.rollup.observe('genmon_disk_used_ratio', { mount: m.mount }, m.used / m.size, m.ts);
    }
  }
}
