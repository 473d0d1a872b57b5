/**
 * Performance: how long each phase takes, how the generator's API, models
 * and database behave, and the machine underneath.
 */
import type { MetricStat } from '../../agent/api/types';
import { PHASES } from '../../agent/ingest/events';
import { MachineCharts } from '../charts';
import { formatCount, formatDuration, formatNumber, formatPercent } from '../data/format';
import type { Changes, DashboardModel } from '../data/live';
import { ranked, statValue, toMs, toPercent } from '../data/metrics';
import { AXIS, barChart, discrete, drawHistogram, drawSeries, seconds, timeChart } from './draw';
import { Dashboard, grid, section, TableCard, Tiles } from './kit';

const TILE_STATS = [
  'genmon_api_requests_total:rate',
  'genmon_api_request_errors_total:increase',
  'genmon_api_requests_total:increase',
  'genmon_api_request_duration_seconds:p95',
  'genmon_model_inference_duration_seconds:p95',
  'genmon_model_queue_length:avg',
  'genmon_model_utilization_ratio:avg',
  'genmon_db_query_duration_seconds:p95',
  'genmon_db_deadlocks_total:increase',
  'genmon_db_replication_lag_seconds:max',
].join(',');

type TileKey = 'requestRate' | 'errorRatio' | 'apiP95' | 'inferenceP95' | 'queue' | 'utilization' | 'dbP95' | 'deadlocks' | 'lag';

interface RouteRow {
  route: string;
  p95: string;
  p50: string;
  requests: string;
}

interface ModelRow {
  model: string;
  p95: string;
  inferences: string;
  queue: string;
}

export class PerformanceDashboard extends Dashboard {
  readonly tab = 'performance' as const;
  private readonly tiles = new Tiles<TileKey>([
    { key: 'requestRate', label: 'API requests' },
    { key: 'errorRatio', label: 'API errors', tone: 'bad' },
    { key: 'apiP95', label: 'API p95' },
    { key: 'inferenceP95', label: 'Inference p95' },
    { key: 'queue', label: 'Model queue' },
    { key: 'utilization', label: 'Model utilization' },
    { key: 'dbP95', label: 'DB query p95' },
    { key: 'deadlocks', label: 'Deadlocks', tone: 'bad' },
    { key: 'lag', label: 'Replication lag (max)' },
  ]);
  private readonly phaseTrend = this.chart(timeChart('phase-p95', 'Phase duration p95 over time', 'line', AXIS.duration));
  private readonly phaseHistograms = PHASES.map((phase) => this.chart(barChart(`phase-histogram-${phase}`, `${phase} duration`, AXIS.count)));
  private readonly inference = this.chart(barChart('inference-histogram', 'Model inference time', AXIS.count));
  private readonly batch = this.chart(barChart('batch-histogram', 'Model batch size', AXIS.count));
  private readonly queue = this.chart(timeChart('queue-length', 'Model queue length', 'line', AXIS.number));
  private readonly utilization = this.chart(timeChart('utilization', 'Model utilization', 'line', AXIS.percent));
  private readonly apiLatency = this.chart(barChart('api-histogram', 'API response time', AXIS.count));
  private readonly requestRate = this.chart(timeChart('request-rate', 'API requests by status', 'line', AXIS.rate));
  private readonly errorRate = this.chart(timeChart('api-error-rate', 'API error rate', 'line', AXIS.rate));
  private readonly saturation = this.chart(timeChart('api-saturation', 'API saturation', 'line', AXIS.percentOpen));
  private readonly dbLatency = this.chart(barChart('db-histogram', 'Database query time', AXIS.count));
  private readonly dbPool = this.chart(timeChart('db-pool', 'Connection pool in use', 'line', AXIS.percent));
  private readonly machine = new MachineCharts();
  private readonly diskUsage = this.chart(timeChart('disk-usage', 'Disk used', 'line', AXIS.percent));
  private readonly routes = new TableCard<RouteRow>('routes', 'Slowest routes (p95)', [
    { key: 'route', title: 'Route', width: 'minmax(20ch, 1fr)' },
    { key: 'p95', title: 'p95', width: '12ch' },
    { key: 'p50', title: 'p50', width: '12ch' },
    { key: 'requests', title: 'Requests', width: '12ch' },
  ]);
  private readonly models = new TableCard<ModelRow>('models-latency', 'Models by inference p95', [
    { key: 'model', title: 'Model', width: 'minmax(16ch, 1fr)' },
    { key: 'p95', title: 'p95', width: '12ch' },
    { key: 'inferences', title: 'Inferences', width: '12ch' },
    { key: 'queue', title: 'Avg queue', width: '11ch' },
  ]);

  constructor() {
    super();
    this.cards.push(...this.machine.cards);
    this.element.append(
      this.tiles.element,
      section('Phases', grid([this.phaseTrend, ...this.phaseHistograms])),
      section('AI models', grid([this.inference, this.batch, this.queue, this.utilization])),
      section('API', grid([this.apiLatency, this.requestRate, this.errorRate, this.saturation])),
      section('Database', grid([this.dbLatency, this.dbPool])),
      section('Slowest', grid([this.routes, this.models], 'table-grid')),
      section('Machine', grid([...this.machine.cards, this.diskUsage])),
    );
    const events = ['events' as const];
    this.panels.add('tiles', { path: '/stat', query: { q: TILE_STATS }, live: events }, [this.tiles], (s) => this.drawTiles(s));
    this.panels.add('phase-trend', { path: '/query', query: { metric: 'genmon_phase_duration_seconds', agg: 'p95', by: 'phase' }, live: ['runs', 'events'] }, [this.phaseTrend], (r) =>
      drawSeries(this.phaseTrend, r, toMs, { order: PHASES }),
    );
    this.panels.add('phase-histograms', { path: '/histogram', query: { metric: 'genmon_phase_duration_seconds', by: 'phase' }, live: ['runs', 'events'] }, this.phaseHistograms, (h) =>
      PHASES.forEach((phase, i) => drawHistogram(this.phaseHistograms[i], h, seconds, { label: 'phase', value: phase })),
    );
    this.panels.add('inference', { path: '/histogram', query: { metric: 'genmon_model_inference_duration_seconds' }, live: events }, [this.inference], (h) => drawHistogram(this.inference, h, seconds));
    this.panels.add('batch', { path: '/histogram', query: { metric: 'genmon_model_batch_size' }, live: events }, [this.batch], (h) => drawHistogram(this.batch, h, discrete));
    this.panels.add('queue', { path: '/query', query: { metric: 'genmon_model_queue_length', agg: 'avg', by: 'model' }, live: events }, [this.queue], (r) => drawSeries(this.queue, r, undefined, { limit: 6 }));
    this.panels.add('utilization', { path: '/query', query: { metric: 'genmon_model_utilization_ratio', agg: 'avg', by: 'model' }, live: events }, [this.utilization], (r) =>
      drawSeries(this.utilization, r, toPercent, { limit: 6 }),
    );
    this.panels.add('api-latency', { path: '/histogram', query: { metric: 'genmon_api_request_duration_seconds' }, live: events }, [this.apiLatency], (h) => drawHistogram(this.apiLatency, h, seconds));
    this.panels.add('request-rate', { path: '/query', query: { metric: 'genmon_api_requests_total', agg: 'rate', by: 'status' }, live: events }, [this.requestRate], (r) =>
      drawSeries(this.requestRate, r, undefined, { order: ['2xx', '3xx', '4xx', '5xx'] }),
    );
    this.panels.add('error-rate', { path: '/query', query: { metric: 'genmon_api_request_errors_total', agg: 'rate' }, live: events }, [this.errorRate], (r) =>
      drawSeries(this.errorRate, r, undefined, { fallback: 'errors' }),
    );
    this.panels.add('saturation', { path: '/query', query: { metric: 'genmon_api_saturation_ratio', agg: 'avg' }, live: events }, [this.saturation], (r) =>
      drawSeries(this.saturation, r, toPercent, { fallback: 'saturation' }),
    );
    this.panels.add('db-latency', { path: '/histogram', query: { metric: 'genmon_db_query_duration_seconds' }, live: events }, [this.dbLatency], (h) => drawHistogram(this.dbLatency, h, seconds));
    this.panels.add('db-pool', { path: '/query', query: { metric: 'genmon_db_connection_pool_ratio', agg: 'avg' }, live: events }, [this.dbPool], (r) =>
      drawSeries(this.dbPool, r, toPercent, { fallback: 'in use' }),
    );
    this.panels.add('disk-usage', { path: '/query', query: { metric: 'genmon_disk_used_ratio', agg: 'max', by: 'mount' }, live: ['machine'], filtered: false }, [this.diskUsage], (r) =>
      drawSeries(this.diskUsage, r, toPercent, { limit: 6 }),
    );
    this.panels.add('routes', { path: '/stat', query: { q: 'genmon_api_request_duration_seconds:p95,genmon_api_request_duration_seconds:p50,genmon_api_requests_total:increase', by: 'route' }, live: events }, [this.routes], (s) =>
      this.drawRoutes(s),
    );
    this.panels.add('models', { path: '/stat', query: { q: 'genmon_model_inference_duration_seconds:p95,genmon_model_inferences_total:increase,genmon_model_queue_length:avg', by: 'model' }, live: events }, [this.models], (s) =>
      this.drawModels(s),
    );
  }

  private drawTiles(stats: MetricStat[]): void {
    const v = (metric: string, agg?: string) => statValue(stats, metric, agg);
    const requests = v('genmon_api_requests_total', 'increase');
    const errors = v('genmon_api_request_errors_total', 'increase');
    this.tiles.set('requestRate', `${formatNumber(v('genmon_api_requests_total', 'rate'))}/s`, `${formatCount(requests)} in range`);
    this.tiles.set('errorRatio', formatPercent(requests ? (errors ?? 0) / requests : null), `${formatCount(errors)} errors`);
    this.tiles.set('apiP95', seconds2(v('genmon_api_request_duration_seconds', 'p95')));
    this.tiles.set('inferenceP95', seconds2(v('genmon_model_inference_duration_seconds', 'p95')));
    this.tiles.set('queue', formatNumber(v('genmon_model_queue_length', 'avg'), 1), 'average waiting');
    this.tiles.set('utilization', formatPercent(v('genmon_model_utilization_ratio', 'avg')));
    this.tiles.set('dbP95', seconds2(v('genmon_db_query_duration_seconds', 'p95')));
    this.tiles.set('deadlocks', formatCount(v('genmon_db_deadlocks_total', 'increase')));
    this.tiles.set('lag', seconds2(v('genmon_db_replication_lag_seconds', 'max')));
  }

  private drawRoutes(stats: MetricStat[]): void {
    const find = (metric: string, agg: string) => stats.find((s) => s.metric === metric && s.agg === agg);
    const p50 = ranked(find('genmon_api_request_duration_seconds', 'p50'), 'route');
    const count = ranked(find('genmon_api_requests_total', 'increase'), 'route');
    this.routes.setRows(
      ranked(find('genmon_api_request_duration_seconds', 'p95'), 'route', 10).map((r) => ({
        route: r.key,
        p95: seconds2(r.value),
        p50: seconds2(p50.find((x) => x.key === r.key)?.value ?? null),
        requests: formatCount(count.find((x) => x.key === r.key)?.value ?? null),
      })),
    );
  }

  private drawModels(stats: MetricStat[]): void {
    const find = (metric: string, agg: string) => stats.find((s) => s.metric === metric && s.agg === agg);
    const count = ranked(find('genmon_model_inferences_total', 'increase'), 'model');
    const queue = ranked(find('genmon_model_queue_length', 'avg'), 'model');
    this.models.setRows(
      ranked(find('genmon_model_inference_duration_seconds', 'p95'), 'model', 10).map((r) => ({
        model: r.key,
        p95: seconds2(r.value),
        inferences: formatCount(count.find((x) => x.key === r.key)?.value ?? null),
        queue: formatNumber(queue.find((x) => x.key === r.key)?.value ?? null, 1),
      })),
    );
  }

  renderBase(model: DashboardModel, changes: Changes): void {
    if (changes.samples) this.machine.render(model);
  }
}

function seconds2(v: number | null): string {
  return v === null ? '–' : formatDuration(v * 1000);
}
