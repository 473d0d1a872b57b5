/** The dashboard's charts and how each is drawn from the model. */
import type { Sample } from '../agent/api/types';
import type { Phase } from '../agent/ingest/events';
import { CategoryChart, TimeChart, type ChartCard, type Point } from './chart-kit';
import { formatBytes, formatCount, formatDuration, formatRate } from './data/format';
import { histogram } from './data/histogram';
import type { DashboardModel } from './data/live';
import { runDurations, runSeries } from './data/runs';
import { bucketSize, localOffset } from './data/time';
import type { Palette } from './theme';

const percent = (v: number) => `${Math.round(v)} %`;
const count = (v: number) => formatCount(v);

/** Zero-height bars are not drawn, and not counted as drawn. */
const nonZero = (v: number) => (v === 0 ? null : v);

export class RunCharts {
  readonly successRate = new TimeChart('success-rate', 'Success rate', 'line', [{ label: 'success rate', role: 'green' }], { yFormat: percent, unit: 'plain', yMax: 100, pointRadius: 3 });
  readonly attempts = new TimeChart(
    'attempts',
    'Attempts by outcome',
    'bar',
    [
      { label: 'success', role: 'green' },
      { label: 'partial', role: 'yellow' },
      { label: 'failed', role: 'red' },
      { label: 'running', role: 'blue' },
    ],
    { yFormat: count, unit: 'count', stacked: true },
  );
  readonly phaseDurations = new CategoryChart(
    'phase-percentiles',
    'Phase duration percentiles',
    [
      { label: 'p50', role: 'blue' },
      { label: 'p95', role: 'orange' },
      { label: 'p99', role: 'red' },
    ],
    { yFormat: formatDuration, unit: 'duration' },
  );
  readonly durationHistogram = new CategoryChart('duration-histogram', 'Run duration distribution', [{ label: 'runs', role: 'purple' }], { yFormat: count, unit: 'count', xTitle: 'total duration' });

  get cards(): ChartCard[] {
    return [this.successRate, this.attempts, this.phaseDurations, this.durationHistogram];
  }

  renderRuns(model: DashboardModel): void {
    const step = bucketSize(model.to - model.from);
    const series = runSeries(model.runs, model.from, model.to, step, localOffset(model.to));
    const min = series.starts[0] ?? model.from;
    const max = min + series.starts.length * step;
    const at = (i: number) => series.starts[i] + step / 2;
    this.successRate.setData([series.successRate.map((r, i): Point => ({ x: at(i), y: r === null ? null : r * 100 }))], min, max);
    this.attempts.setData(
      (['success', 'partial', 'failed', 'running'] as const).map((status) => series.counts[status].map((n, i): Point => ({ x: at(i), y: nonZero(n) }))),
      min,
      max,
    );
    const note = model.runsComplete ? '' : `(newest ${formatCount(model.runs.length)} runs only)`;
    this.successRate.setNote(note);
    this.attempts.setNote(note);

    const h = histogram(runDurations(model.runs), 16);
    const labels = h.counts.map((_, i) => (i === h.counts.length - 1 && h.tail > 0 ? `≥ ${formatDuration(h.edges[i])}` : formatDuration(h.edges[i])));
    this.durationHistogram.setData(labels, [h.counts.map(nonZero)]);
    this.durationHistogram.setNote(note);
  }

  renderPhases(model: DashboardModel): void {
    // The agent's order (blueprint → deployment) is the pipeline's order.
    const phases = Object.keys(model.phases.phases) as Phase[];
    const rows = [...phases.map((p) => model.phases.phases[p]), model.phases.total];
    this.phaseDurations.setData(
      [...phases, 'total'],
      (['p50', 'p95', 'p99'] as const).map((key) => rows.map((r) => r?.[key] ?? null)),
    );
  }
}

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

  get cards(): ChartCard[] {
    return [this.cpu, this.memory, this.disk, this.network];
  }

  render(model: DashboardModel): void {
    const s = model.samples;
    const line = (pick: (x: Sample) => number) => s.map((x): Point => ({ x: x.ts, y: pick(x) }));
    this.cpu.setData([line((x) => x.cpu)], model.from, model.to);
    this.memory.setYMax(s.reduce((m, x) => Math.max(m, x.memTotal), 0) || undefined);
    this.memory.setData([line((x) => x.memUsed), line((x) => x.swapUsed)], model.from, model.to);
    this.disk.setData([line((x) => x.diskReadBytes), line((x) => x.diskWriteBytes)], model.from, model.to);
    this.network.setData([line((x) => x.netRxBytes), line((x) => x.netTxBytes)], model.from, model.to);
  }
}

export function recolorAll(cards: readonly ChartCard[], palette: Palette): void {
  for (const card of cards) card.recolor(palette);
}
