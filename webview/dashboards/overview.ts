/** Overview: is generation healthy? Outcomes, the journey funnel, phase and run durations, top errors, newest runs. */
import type { MetricStat } from '../../agent/api/types';
import { PHASES } from '../../agent/ingest/events';
import { formatBytes, formatCount, formatDuration, formatPercent, formatUsd } from '../data/format';
import type { Changes, DashboardModel } from '../data/live';
import { funnelBars, percentiles, ranked, statValue, toMs, toPercent } from '../data/metrics';
import { MachineCharts } from '../charts';
import { ErrorTable, RunTable } from '../tables';
import { AXIS, barChart, drawHistogram, drawSeries, seconds, timeChart } from './draw';
import { Dashboard, grid, section, Tiles } from './kit';

const OUTCOMES = ['success', 'partial', 'failed', 'abandoned'];
const TILE_STATS = [
  'genmon_generation_attempts_total:increase',
  'genmon_generation_success_ratio',
  'genmon_generation_duration_seconds:p95',
  'genmon_generation_duration_seconds:p50',
  'genmon_errors_total:increase',
  'genmon_cost_total_usd:sum',
  'genmon_cost_per_successful_deployment_usd',
  'genmon_journey_conversion_ratio',
  'genmon_unique_users',
].join(',');

type TileKey = 'attempts' | 'successRate' | 'failed' | 'partial' | 'abandoned' | 'running' | 'p95' | 'errors' | 'cost' | 'conversion' | 'users' | 'cpu' | 'memory';

export class OverviewDashboard extends Dashboard {
  readonly tab = 'overview' as const;
  private readonly tiles = new Tiles<TileKey>([
    { key: 'attempts', label: 'Attempts' },
    { key: 'successRate', label: 'Success rate', tone: 'good' },
    { key: 'failed', label: 'Failed', tone: 'bad' },
    { key: 'partial', label: 'Partial' },
    { key: 'abandoned', label: 'Abandoned' },
    { key: 'running', label: 'Running now' },
    { key: 'p95', label: 'p95 run duration' },
    { key: 'errors', label: 'Errors' },
    { key: 'cost', label: 'Cost' },
    { key: 'conversion', label: 'Started → deployed' },
    { key: 'users', label: 'Users' },
    { key: 'cpu', label: 'CPU now' },
    { key: 'memory', label: 'Memory now' },
  ]);
  private readonly successRate = this.chart(timeChart('success-rate', 'Success rate', 'line', AXIS.percent, false, 3));
  private readonly attempts = this.chart(timeChart('attempts', 'Runs by outcome', 'bar', AXIS.count, true));
  private readonly funnel = this.chart(barChart('funnel', 'Journey: started → deployed', AXIS.count, { stacked: true, horizontal: true }));
  private readonly phasePercentiles = this.chart(barChart('phase-percentiles', 'Phase duration percentiles', AXIS.duration));
  private readonly durationHistogram = this.chart(barChart('duration-histogram', 'Run duration distribution', AXIS.count, { xTitle: 'total duration' }));
  private readonly errors = this.chart(timeChart('overview-errors', 'Errors by severity', 'bar', AXIS.count, true));
  private readonly machine = new MachineCharts(['cpu', 'memory'], 'overview-');
  private readonly errorTable: ErrorTable;
  private readonly runTable: RunTable;

  constructor(openRun: (runId: string) => void) {
    super();
    this.errorTable = new ErrorTable(openRun);
    this.runTable = new RunTable(openRun);
    this.cards.push(...this.machine.cards);
    this.element.append(
      this.tiles.element,
      section('Generations', grid([this.successRate, this.attempts, this.funnel, this.phasePercentiles, this.durationHistogram, this.errors])),
      section('Machine', grid(this.machine.cards)),
      section('Top errors', this.errorTable.element),
      section('Recent runs', this.runTable.element),
    );
    const live = { live: ['runs' as const] };
    this.panels.add('tiles', { path: '/stat', query: { q: TILE_STATS }, live: ['runs', 'errors'] }, [this.tiles], (stats) => this.drawTiles(stats));
    this.panels.add('outcomes', { path: '/stat', query: { q: 'genmon_generation_runs_total:increase', by: 'status' }, ...live }, [this.tiles], (stats) => {
      const by = ranked(stats[0], 'status');
      const n = (s: string) => formatCount(by.find((r) => r.key === s)?.value ?? 0);
      this.tiles.set('failed', n('failed'));
      this.tiles.set('partial', n('partial'));
      this.tiles.set('abandoned', n('abandoned'));
    });
    this.panels.add('success-rate', { path: '/query', query: { metric: 'genmon_generation_success_ratio' }, ...live }, [this.successRate], (r) =>
      drawSeries(this.successRate, r, toPercent, { fallback: 'success rate' }),
    );
    this.panels.add('attempts', { path: '/query', query: { metric: 'genmon_generation_runs_total', agg: 'increase', by: 'status' }, ...live }, [this.attempts], (r) =>
      drawSeries(this.attempts, r, undefined, { order: OUTCOMES, dropZero: true }),
    );
    this.panels.add('funnel', { path: '/funnel', query: {}, live: ['runs', 'events'] }, [this.funnel], (f) => {
      const bars = funnelBars(f);
      this.funnel.setData(bars.labels, [bars.reached, bars.dropped], [{ label: 'reached', role: 'blue' }, { label: 'stopped before', role: 'red' }]);
      this.funnel.setNote(f.conversionRate === null ? '' : `conversion ${formatPercent(f.conversionRate)}`);
    });
    this.panels.add('phases', { path: '/histogram', query: { metric: 'genmon_phase_duration_seconds', by: 'phase' }, live: ['runs', 'events'] }, [this.phasePercentiles], (h) => {
      const p = percentiles(h, 'phase', PHASES, toMs);
      this.phasePercentiles.setData(p.labels, [p.p50, p.p95, p.p99], [{ label: 'p50', role: 'blue' }, { label: 'p95', role: 'orange' }, { label: 'p99', role: 'red' }]);
    });
    this.panels.add('errors', { path: '/query', query: { metric: 'genmon_errors_total', agg: 'increase', by: 'severity' }, live: ['errors'] }, [this.errors], (r) =>
      drawSeries(this.errors, r, undefined, { order: ['critical', 'error', 'warning', 'info'], dropZero: true }),
    );
    this.panels.add('duration', { path: '/histogram', query: { metric: 'genmon_generation_duration_seconds' }, ...live }, [this.durationHistogram], (h) =>
      drawHistogram(this.durationHistogram, h, seconds),
    );
  }

  private drawTiles(stats: MetricStat[]): void {
    const v = (metric: string, agg?: string) => statValue(stats, metric, agg);
    this.tiles.set('attempts', formatCount(v('genmon_generation_attempts_total')));
    this.tiles.set('successRate', formatPercent(v('genmon_generation_success_ratio')));
    this.tiles.set('p95', formatDuration(toMsOrNull(v('genmon_generation_duration_seconds', 'p95'))), `p50 ${formatDuration(toMsOrNull(v('genmon_generation_duration_seconds', 'p50')))}`);
    this.tiles.set('errors', formatCount(v('genmon_errors_total')));
    this.tiles.set('cost', formatUsd(v('genmon_cost_total_usd')), `${formatUsd(v('genmon_cost_per_successful_deployment_usd'))} per deployment`);
    this.tiles.set('conversion', formatPercent(v('genmon_journey_conversion_ratio')));
    this.tiles.set('users', formatCount(v('genmon_unique_users')));
  }

  /** Running count, machine now, top errors and newest runs come from the live range data. */
  renderBase(model: DashboardModel, changes: Changes): void {
    if (changes.samples) this.machine.render(model);
    if (changes.summary) {
      const sample = model.summary.latestSample;
      this.tiles.set('running', formatCount(model.summary.running));
      this.tiles.set('cpu', sample ? `${Math.round(sample.cpu)} %` : '–', sample ? `load ${sample.load1.toFixed(2)}` : '');
      this.tiles.set('memory', sample ? formatBytes(sample.memUsed) : '–', sample ? `of ${formatBytes(sample.memTotal)}` : '');
    }
    if (changes.errors) {
      this.errorTable.render(model.topErrors);
      this.errorTable.setNote(Object.keys(this.filters).length ? '(every run: the filters do not narrow this table)' : '');
    }
    if (changes.runs) {
      const f = this.filters;
      this.runTable.render(model.runs.filter((r) => (!f.project_type || r.projectType === f.project_type) && (!f.user || r.userId === f.user)));
      this.runTable.setNote(f.model ? '(not narrowed by model)' : '');
    }
  }
}

function toMsOrNull(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}
