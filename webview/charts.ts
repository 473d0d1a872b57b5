/** The machine's charts, drawn from the live samples of the range. */
import type { Sample } from '../agent/api/types';
import { TimeChart, type ChartCard, type Point } from './chart-kit';
import { formatBytes, formatCount, formatRate } from './data/format';
import type { DashboardModel } from './data/live';
import type { Palette } from './theme';

const percent = (v: number) => `${Math.round(v)} %`;

export type MachineKind = 'cpu' | 'memory' | 'disk' | 'network' | 'processes';
const ALL_KINDS: readonly MachineKind[] = ['cpu', 'memory', 'disk', 'network', 'processes'];

/** The machine's charts a tab shows; `prefix` keeps chart ids unique when two tabs draw the machine. */
export class MachineCharts {
  private readonly charts: Partial<Record<MachineKind, TimeChart>> = {};

  constructor(kinds: readonly MachineKind[] = ALL_KINDS, prefix = '') {
    const bytes = { yFormat: formatBytes, unit: 'bytes' as const };
    const rate = { yFormat: formatRate, unit: 'bytes' as const };
    const make: Record<MachineKind, () => TimeChart> = {
      cpu: () => new TimeChart(`${prefix}cpu`, 'CPU', 'line', [{ label: 'busy', role: 'blue' }], { yFormat: percent, unit: 'plain', yMax: 100 }),
      memory: () => new TimeChart(`${prefix}memory`, 'Memory', 'line', [{ label: 'used', role: 'purple' }, { label: 'swap used', role: 'orange' }], bytes),
      disk: () => new TimeChart(`${prefix}disk`, 'Disk I/O', 'line', [{ label: 'read', role: 'blue' }, { label: 'write', role: 'orange' }], rate),
      network: () => new TimeChart(`${prefix}network`, 'Network', 'line', [{ label: 'received', role: 'green' }, { label: 'sent', role: 'blue' }], rate),
      processes: () =>
        new TimeChart(`${prefix}processes`, 'Processes and threads', 'line', [{ label: 'processes', role: 'purple' }, { label: 'threads', role: 'yellow' }], {
          yFormat: (v) => formatCount(v),
          unit: 'count',
        }),
    };
    for (const kind of kinds) this.charts[kind] = make[kind]();
  }

  get cards(): ChartCard[] {
    return ALL_KINDS.flatMap((k) => this.charts[k] ?? []);
  }

  render(model: DashboardModel): void {
    const s = model.samples;
    const line = (pick: (x: Sample) => number) => s.map((x): Point => ({ x: x.ts, y: pick(x) }));
    const { cpu, memory, disk, network, processes } = this.charts;
    cpu?.setData([line((x) => x.cpu)], model.from, model.to);
    memory?.setYMax(s.reduce((m, x) => Math.max(m, x.memTotal), 0) || undefined);
    memory?.setData([line((x) => x.memUsed), line((x) => x.swapUsed)], model.from, model.to);
    disk?.setData([line((x) => x.diskReadBytes), line((x) => x.diskWriteBytes)], model.from, model.to);
    network?.setData([line((x) => x.netRxBytes), line((x) => x.netTxBytes)], model.from, model.to);
    processes?.setData([line((x) => x.processes), line((x) => x.threads)], model.from, model.to);
  }
}

export function recolorAll(cards: readonly ChartCard[], palette: Palette): void {
  for (const card of cards) card.recolor(palette);
}
