/** The machine's charts, drawn from the live samples of the range. */
import type { Sample } from '../agent/api/types';
import { TimeChart, type ChartCard, type Point } from './chart-kit';
import { formatBytes, formatCount, formatRate } from './data/format';
import type { DashboardModel } from './data/live';
import type { Palette } from './theme';

const percent = (v: number) => `${Math.round(v)} %`;

export class MachineCharts {
  readonly cpu = new TimeChart('cpu', 'CPU', 'line', [{ label: 'busy', role: 'blue' }], { yFormat: percent, unit: 'plain', yMax: 100 });
  readonly memory = new TimeChart(
    'memory',
    'Memory',
    'line',
    [
      { label: 'used', role: 'purple' },
      { label: 'swap used', role: 'orange' },
    ],
    { yFormat: formatBytes, unit: 'bytes' },
  );
  readonly disk = new TimeChart(
    'disk',
    'Disk I/O',
    'line',
    [
      { label: 'read', role: 'blue' },
      { label: 'write', role: 'orange' },
    ],
    { yFormat: formatRate, unit: 'bytes' },
  );
  readonly network = new TimeChart(
    'network',
    'Network',
    'line',
    [
      { label: 'received', role: 'green' },
      { label: 'sent', role: 'blue' },
    ],
    { yFormat: formatRate, unit: 'bytes' },
  );

  readonly tasks = new TimeChart(
    'processes',
    'Processes and threads',
    'line',
    [
      { label: 'processes', role: 'purple' },
      { label: 'threads', role: 'yellow' },
    ],
    { yFormat: (v) => formatCount(v), unit: 'count' },
  );

  get cards(): ChartCard[] {
    return [this.cpu, this.memory, this.disk, this.network, this.tasks];
  }

  render(model: DashboardModel): void {
    const s = model.samples;
    const line = (pick: (x: Sample) => number) => s.map((x): Point => ({ x: x.ts, y: pick(x) }));
    this.cpu.setData([line((x) => x.cpu)], model.from, model.to);
    this.memory.setYMax(s.reduce((m, x) => Math.max(m, x.memTotal), 0) || undefined);
    this.memory.setData([line((x) => x.memUsed), line((x) => x.swapUsed)], model.from, model.to);
    this.disk.setData([line((x) => x.diskReadBytes), line((x) => x.diskWriteBytes)], model.from, model.to);
    this.network.setData([line((x) => x.netRxBytes), line((x) => x.netTxBytes)], model.from, model.to);
    this.tasks.setData([line((x) => x.processes), line((x) => x.threads)], model.from, model.to);
  }
}

export function recolorAll(cards: readonly ChartCard[], palette: Palette): void {
  for (const card of cards) card.recolor(palette);
}
