/**
 * Usage & Cost: how people use the generator (sessions, features, the
 * journey) and where the money goes, above all where it buys nothing.
 */
import type { CostBreakdown, MetricStat } from '../../agent/api/types';
import { formatCompact, formatCount, formatPercent, formatUsd } from '../data/format';
import { costRanking, costStack, funnelBars, ranked, statValue, stepTimes } from '../data/metrics';
import { AXIS, barChart, discrete, drawHistogram, drawSeries, seconds, timeChart } from './draw';
import { Dashboard, grid, section, TableCard, Tiles } from './kit';

const TILE_STATS = [
  'genmon_generations_total:increase',
  'genmon_unique_users',
  'genmon_session_completion_ratio',
  'genmon_session_bounce_ratio',
  'genmon_journey_conversion_ratio',
  'genmon_session_interactions_total:increase',
  'genmon_cost_total_usd:sum',
  'genmon_cost_per_successful_deployment_usd',
  'genmon_cost_wasted_usd:sum',
].join(',');

type TileKey = 'generations' | 'users' | 'completion' | 'bounce' | 'conversion' | 'interactions' | 'cost' | 'perSuccess' | 'wasted' | 'tokens';

interface CostRow {
  key: string;
  perSuccess: string;
  total: string;
  wasted: string;
  runs: string;
  successes: string;
}

interface FeatureRow {
  feature: string;
  abandonment: string;
  success: string;
  requests: string;
}

const costColumns = (first: string) =>
  [
    { key: 'key', title: first, width: 'minmax(14ch, 1fr)' },
    { key: 'perSuccess', title: 'Per success', width: '12ch' },
    { key: 'total', title: 'Total', width: '11ch' },
    { key: 'wasted', title: 'Wasted', width: '11ch' },
    { key: 'runs', title: 'Runs', width: '8ch' },
    { key: 'successes', title: 'Successes', width: '11ch' },
  ] as const;

export class UsageDashboard extends Dashboard {
  readonly tab = 'usage' as const;
  private readonly tiles = new Tiles<TileKey>([
    { key: 'generations', label: 'Generations' },
    { key: 'users', label: 'Users' },
    { key: 'completion', label: 'Sessions completed', tone: 'good' },
    { key: 'bounce', label: 'Sessions bounced' },
    { key: 'conversion', label: 'Started → deployed' },
    { key: 'interactions', label: 'Interactions' },
    { key: 'cost', label: 'Cost' },
    { key: 'perSuccess', label: 'Cost per deployment' },
    { key: 'wasted', label: 'Wasted', tone: 'bad' },
    { key: 'tokens', label: 'Tokens in / out' },
  ]);
  private readonly funnel = this.chart(barChart('usage-funnel', 'Journey drop-off', AXIS.count, { stacked: true, horizontal: true }));
  private readonly stepTime = this.chart(barChart('step-time', 'Time per journey step', AXIS.duration));
  private readonly sessions = this.chart(barChart('session-histogram', 'Session duration', AXIS.count));
  private readonly featuresPerRun = this.chart(barChart('features-per-run', 'Features per run', AXIS.count));
  private readonly popularity = this.chart(barChart('feature-popularity', 'Feature popularity', AXIS.count, { horizontal: true }));
  private readonly costPerDay = this.chart(barChart('cost-per-day', 'Cost per day', AXIS.usd, { stacked: true }));
  private readonly wastePerDay = this.chart(barChart('waste-per-day', 'Spend with and without a result', AXIS.usd, { stacked: true }));
  private readonly wasteByKind = this.chart(barChart('waste-by-kind', 'Wasted spend by cause', AXIS.usd));
  private readonly costByProject = this.chart(barChart('cost-by-project-type', 'Cost by project type', AXIS.usd, { stacked: true }));
  private readonly tokens = this.chart(timeChart('tokens-by-model', 'Tokens by model', 'bar', AXIS.count, true));
  private readonly models = new TableCard<CostRow>('models-by-cost', 'Models by cost per success', costColumns('Model'));
  private readonly phases = new TableCard<CostRow>('phases-by-cost', 'Phases by cost per success', costColumns('Phase'));
  private readonly users = new TableCard<CostRow>('users-by-cost', 'Users by cost', costColumns('User'));
  private readonly features = new TableCard<FeatureRow>('features-by-abandonment', 'Features by abandonment', [
    { key: 'feature', title: 'Feature', width: 'minmax(14ch, 1fr)' },
    { key: 'abandonment', title: 'Abandoned', width: '11ch' },
    { key: 'success', title: 'Succeeded', width: '11ch' },
    { key: 'requests', title: 'Requests', width: '10ch' },
  ]);

  constructor() {
    super();
    this.element.append(
      this.tiles.element,
      section('Journey and sessions', grid([this.funnel, this.stepTime, this.sessions, this.featuresPerRun])),
      section('Features', grid([this.popularity, this.features], 'table-grid')),
      section('Cost', grid([this.costPerDay, this.wastePerDay, this.wasteByKind, this.costByProject, this.tokens])),
      section('Where the money goes', grid([this.models, this.phases, this.users], 'table-grid')),
    );
    const runs = ['runs' as const, 'events' as const];
    this.panels.add('tiles', { path: '/stat', query: { q: TILE_STATS }, live: runs }, [this.tiles], (s) => this.drawTiles(s));
    this.panels.add('funnel', { path: '/funnel', query: {}, live: runs }, [this.funnel, this.stepTime], (f) => {
      const bars = funnelBars(f);
      this.funnel.setData(bars.labels, [bars.reached, bars.dropped], [{ label: 'reached', role: 'blue' }, { label: 'stopped before', role: 'red' }]);
      const t = stepTimes(f);
      this.stepTime.setData(t.labels, [t.p50, t.p95], [{ label: 'p50', role: 'blue' }, { label: 'p95', role: 'orange' }]);
    });
    this.panels.add('sessions', { path: '/histogram', query: { metric: 'genmon_session_duration_seconds' }, live: runs }, [this.sessions], (h) => drawHistogram(this.sessions, h, seconds));
    this.panels.add('features-per-run', { path: '/histogram', query: { metric: 'genmon_features_per_run' }, live: runs }, [this.featuresPerRun], (h) => drawHistogram(this.featuresPerRun, h, discrete));
    this.panels.add('popularity', { path: '/stat', query: { q: 'genmon_feature_requests_total:increase', by: 'feature' }, live: runs }, [this.popularity], (s) => {
      const rows = ranked(s[0], 'feature', 12);
      this.popularity.setData(rows.map((r) => r.key), [rows.map((r) => r.value || null)], [{ label: 'requests', role: 'blue' }]);
    });
    this.panels.add('feature-outcomes', {
      path: '/stat',
      query: { q: 'genmon_feature_abandonment_ratio,genmon_feature_success_ratio,genmon_feature_requests_total:increase', by: 'feature' },
      live: runs,
    }, [this.features], (s) => this.drawFeatures(s));
    this.panels.add('cost-day', { path: '/cost', query: { by: 'day' }, live: runs }, [this.costPerDay, this.wastePerDay], (c) => {
      const stack = costStack(c);
      this.costPerDay.setData(stack.labels, [stack.parts.model, stack.parts.compute, stack.parts.api, stack.parts.storage], [
        { label: 'model tokens', role: 'purple' }, { label: 'compute', role: 'blue' }, { label: 'API', role: 'green' }, { label: 'storage', role: 'yellow' },
      ]);
      this.wastePerDay.setData(stack.labels, [stack.parts.useful, stack.parts.wasted], [{ label: 'with a result', role: 'green' }, { label: 'wasted', role: 'red' }]);
    });
    this.panels.add('waste-kind', { path: '/stat', query: { q: 'genmon_cost_wasted_usd:sum', by: 'kind' }, live: runs }, [this.wasteByKind], (s) => {
      const rows = ranked(s[0], 'kind');
      this.wasteByKind.setData(rows.map((r) => r.key), [rows.map((r) => r.value || null)], [{ label: 'wasted', role: 'red' }]);
    });
    this.panels.add('cost-project', { path: '/cost', query: { by: 'project_type' }, live: runs }, [this.costByProject], (c) => {
      const stack = costStack(c);
      this.costByProject.setData(stack.labels, [stack.parts.useful, stack.parts.wasted], [{ label: 'with a result', role: 'green' }, { label: 'wasted', role: 'red' }]);
    });
    this.panels.add('tokens', { path: '/query', query: { metric: 'genmon_model_tokens_total', agg: 'increase', by: 'model' }, live: ['events'] }, [this.tokens], (r) =>
      drawSeries(this.tokens, r, undefined, { limit: 6, dropZero: true }),
    );
    this.panels.add('cost-model', { path: '/cost', query: { by: 'model' }, live: runs }, [this.models], (c) => this.models.setRows(costRows(c, 'perSuccessUsd')));
    this.panels.add('cost-phase', { path: '/cost', query: { by: 'phase' }, live: runs }, [this.phases], (c) => this.phases.setRows(costRows(c, 'perSuccessUsd')));
    this.panels.add('cost-user', { path: '/cost', query: { by: 'user' }, live: runs }, [this.users], (c) => this.users.setRows(costRows(c, 'totalUsd')));
  }

  private drawTiles(stats: MetricStat[]): void {
    const v = (metric: string) => statValue(stats, metric);
    this.tiles.set('generations', formatCount(v('genmon_generations_total')));
    this.tiles.set('users', formatCount(v('genmon_unique_users')));
    this.tiles.set('completion', formatPercent(v('genmon_session_completion_ratio')));
    this.tiles.set('bounce', formatPercent(v('genmon_session_bounce_ratio')));
    this.tiles.set('conversion', formatPercent(v('genmon_journey_conversion_ratio')));
    this.tiles.set('interactions', formatCount(v('genmon_session_interactions_total')));
    this.tiles.set('cost', formatUsd(v('genmon_cost_total_usd')));
    this.tiles.set('perSuccess', formatUsd(v('genmon_cost_per_successful_deployment_usd')));
    this.tiles.set('wasted', formatUsd(v('genmon_cost_wasted_usd')));
  }

  private drawFeatures(stats: MetricStat[]): void {
    const find = (metric: string) => stats.find((s) => s.metric === metric);
    const success = ranked(find('genmon_feature_success_ratio'), 'feature');
    const requests = ranked(find('genmon_feature_requests_total'), 'feature');
    this.features.setRows(
      ranked(find('genmon_feature_abandonment_ratio'), 'feature', 10).map((r) => ({
        feature: r.key,
        abandonment: formatPercent(r.value),
        success: formatPercent(success.find((x) => x.key === r.key)?.value ?? null),
        requests: formatCount(requests.find((x) => x.key === r.key)?.value ?? null),
      })),
    );
  }

  /** The token total comes with every cost answer; any one of them will do. */
  renderPanels(results: Parameters<Dashboard['renderPanels']>[0], ctx: Parameters<Dashboard['renderPanels']>[1]): void {
    super.renderPanels(results, ctx);
    const day = results['cost-day'];
    if (day?.ok) {
      const t = (day.data as CostBreakdown).total;
      this.tiles.set('tokens', `${formatCompact(t.inputTokens)} / ${formatCompact(t.outputTokens)}`, `${formatUsd(t.wastedUsd)} of ${formatUsd(t.totalUsd)} wasted`);
    }
  }
}

function costRows(cost: CostBreakdown, by: 'perSuccessUsd' | 'totalUsd'): CostRow[] {
  return costRanking(cost, by, 10).map((r) => ({
    key: r.key,
    perSuccess: formatUsd(r.perSuccessUsd),
    total: formatUsd(r.totalUsd),
    wasted: formatUsd(r.wastedUsd),
    runs: formatCount(r.runs),
    successes: formatCount(r.successes),
  }));
}

