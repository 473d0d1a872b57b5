/**
 * Errors: how many, of what kind, in which phase; error groups with their
 * states, impact and resolution. Messages are log text and stay text.
 */
import type { ErrorGroup, MetricStat } from '../../agent/api/types';
import { PHASES } from '../../agent/ingest/events';
import { formatCount, formatDuration, formatUsd } from '../data/format';
import { errorImpact, groupStates, ranked, statValue, timeToResolve } from '../data/metrics';
import { formatTimestamp } from '../data/time';
import { AXIS, barChart, drawSeries, timeChart } from './draw';
import { Dashboard, el, grid, section, TableCard, Tiles, type PanelContext } from './kit';

const CATEGORIES = ['validation', 'generation', 'deployment', 'system'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
/** Long messages are cut here; the whole one is in the Errors view and the run's log. */
const MESSAGE_CHARS = 300;

type TileKey = 'errors' | 'groups' | 'fresh' | 'runsFailed' | 'runsAffected' | 'users' | 'wasted' | 'resolve' | 'reopened';

interface GroupRow {
  status: string;
  severity: string;
  category: string;
  message: string;
  inRange: string;
  runs: string;
  users: string;
  firstSeen: string;
  lastSeen: string;
  reopened: string;
  timeToResolve: string;
}

export class ErrorsDashboard extends Dashboard {
  readonly tab = 'errors' as const;
  private readonly tiles = new Tiles<TileKey>([
    { key: 'errors', label: 'Errors', tone: 'bad' },
    { key: 'groups', label: 'Groups seen' },
    { key: 'fresh', label: 'New or regressed' },
    { key: 'runsFailed', label: 'Runs failed', tone: 'bad' },
    { key: 'runsAffected', label: 'Runs with errors' },
    { key: 'users', label: 'Users hit (largest group)' },
    { key: 'wasted', label: 'Cost wasted' },
    { key: 'resolve', label: 'Median time to resolve' },
    { key: 'reopened', label: 'Groups reopened' },
  ]);
  private readonly byCategory = this.chart(timeChart('errors-by-category', 'Errors by category', 'bar', AXIS.count, true));
  private readonly bySeverity = this.chart(timeChart('errors-by-severity', 'Errors by severity', 'bar', AXIS.count, true));
  private readonly byPhase = this.chart(barChart('errors-by-phase', 'Errors by phase', AXIS.count));
  private readonly states = this.chart(barChart('group-states', 'Error groups by state', AXIS.count));
  private readonly groups = new TableCard<GroupRow>('error-groups', 'Error groups', [
    { key: 'status', title: 'State', width: '11ch' },
    { key: 'severity', title: 'Severity', width: '10ch' },
    { key: 'category', title: 'Category', width: '12ch' },
    { key: 'message', title: 'Message', width: 'minmax(24ch, 1fr)' },
    { key: 'inRange', title: 'In range', width: '10ch' },
    { key: 'runs', title: 'Runs', width: '8ch' },
    { key: 'users', title: 'Users', width: '8ch' },
    { key: 'firstSeen', title: 'First seen', width: '17ch' },
    { key: 'lastSeen', title: 'Last seen', width: '17ch' },
    { key: 'reopened', title: 'Reopened', width: '10ch' },
    { key: 'timeToResolve', title: 'Resolved in', width: '12ch' },
  ]);

  constructor() {
    super();
    const correlations = el('section', 'card placeholder');
    correlations.dataset.placeholder = 'correlations';
    correlations.append(
      el('h3', undefined, 'Correlations and trends per group'),
      el('p', 'note', 'Which phase, model, template, project type or resource pressure comes with a group more than its base rate, and each group over time: these need the agent’s error-pattern endpoints, which this agent does not serve yet.'),
    );
    this.element.append(
      this.tiles.element,
      section('Frequency', grid(this.cards)),
      section('Groups', this.groups.element),
      section('Patterns', correlations),
    );
    const live = ['errors' as const];
    this.panels.add('tiles', { path: '/stat', query: { q: 'genmon_errors_total:increase,genmon_cost_wasted_usd:sum' }, live: ['errors', 'runs'] }, [this.tiles], (s) => this.drawTiles(s));
    this.panels.add('failed', { path: '/stat', query: { q: 'genmon_generation_runs_total:increase', by: 'status' }, live: ['runs'] }, [this.tiles], (s) =>
      this.tiles.set('runsFailed', formatCount(ranked(s[0], 'status').find((r) => r.key === 'failed')?.value ?? 0)),
    );
    this.panels.add('by-category', { path: '/query', query: { metric: 'genmon_errors_total', agg: 'increase', by: 'category' }, live }, [this.byCategory], (r) =>
      drawSeries(this.byCategory, r, undefined, { order: CATEGORIES, dropZero: true }),
    );
    this.panels.add('by-severity', { path: '/query', query: { metric: 'genmon_errors_total', agg: 'increase', by: 'severity' }, live }, [this.bySeverity], (r) =>
      drawSeries(this.bySeverity, r, undefined, { order: SEVERITIES, dropZero: true }),
    );
    this.panels.add('by-phase', { path: '/stat', query: { q: 'genmon_errors_total:increase', by: 'phase' }, live }, [this.byPhase], (s) => {
      const rows = ranked(s[0], 'phase').sort((a, b) => order(PHASES, a.key) - order(PHASES, b.key));
      this.byPhase.setData(rows.map((r) => r.key), [rows.map((r) => r.value || null)], [{ label: 'errors', role: 'red' }]);
    });
    this.panels.add('groups', { path: '/errors/groups', query: { limit: 500 }, live }, [this.states, this.groups], (g, ctx) => this.drawGroups(g, ctx));
  }

  private drawTiles(stats: MetricStat[]): void {
    this.tiles.set('errors', formatCount(statValue(stats, 'genmon_errors_total')));
    this.tiles.set('wasted', formatUsd(statValue(stats, 'genmon_cost_wasted_usd')));
  }

  private drawGroups(all: ErrorGroup[], ctx: PanelContext): void {
    const groups = all.filter((g) => g.countInRange > 0 || (g.lastSeen >= ctx.from && g.lastSeen <= ctx.to));
    const states = groupStates(groups);
    this.states.setData(states.labels, [states.counts], [{ label: 'groups', role: 'orange' }]);
    const impact = errorImpact(groups);
    this.tiles.set('groups', formatCount(impact.groups));
    this.tiles.set('fresh', formatCount(groups.filter((g) => g.status === 'new' || g.status === 'regressed').length));
    this.tiles.set('runsAffected', formatCount(impact.runsAffected));
    this.tiles.set('users', formatCount(impact.usersAffected));
    this.tiles.set('resolve', formatDuration(impact.medianTimeToResolve));
    this.tiles.set('reopened', formatCount(impact.reopened));
    const filtered = Object.keys(ctx.filters).length > 0;
    this.groups.setNote(filtered ? '(groups cover every run: the filters do not narrow them)' : '');
    this.groups.setRows(
      [...groups]
        .sort((a, b) => b.countInRange - a.countInRange || b.lastSeen - a.lastSeen)
        .slice(0, 50)
        .map((g) => ({
          status: g.status,
          severity: g.severity,
          category: g.category,
          message: g.message.length > MESSAGE_CHARS ? `${g.message.slice(0, MESSAGE_CHARS)}…` : g.message,
          inRange: formatCount(g.countInRange),
          runs: formatCount(g.runsAffected),
          users: formatCount(g.usersAffected),
          firstSeen: formatTimestamp(g.firstSeen),
          lastSeen: formatTimestamp(g.lastSeen),
          reopened: formatCount(g.reopenCount),
          timeToResolve: formatDuration(timeToResolve(g)),
        })),
    );
  }
}

function order(list: readonly string[], key: string): number {
  const i = list.indexOf(key);
  return i < 0 ? list.length : i;
}
