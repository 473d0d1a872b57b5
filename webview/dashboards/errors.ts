/**
 * Errors: how many, of what kind, in which phase; error groups with their
 * states, impact and resolution. Messages are log text and stay text.
 */
import type { Correlation, ErrorGroup, ErrorGroupDetail, MetricStat } from '../../agent/api/types';
import type { DashboardState } from '../../src/dashboard/protocol';
import { PHASES } from '../../agent/ingest/events';
import { formatCount, formatDuration, formatUsd } from '../data/format';
import { correlationBars, errorImpact, frequencyPoints, groupStates, ranked, statValue, timeToResolve, trendSeries } from '../data/metrics';
import { formatTimestamp } from '../data/time';
import { AXIS, barChart, drawSeries, rolesFor, timeChart } from './draw';
import { Dashboard, el, grid, section, TableCard, Tiles, type PanelContext } from './kit';

const CATEGORIES = ['validation', 'generation', 'deployment', 'system'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
/** Long messages are cut here; the whole one is in the Errors view and the run's log. */
const MESSAGE_CHARS = 300;

type DetailKey = 'state' | 'errors' | 'runsFailed' | 'runsAffected' | 'users' | 'wasted' | 'resolve' | 'reopened';

interface CorrelationRow {
  dimension: string;
  value: string;
  withGroup: string;
  overall: string;
  lift: string;
}

type TileKey = 'errors' | 'groups' | 'fresh' | 'runsFailed' | 'runsAffected' | 'users' | 'wasted' | 'resolve' | 'reopened';

interface GroupRow {
  fingerprint: string;
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
  private readonly trends = this.chart(timeChart('group-trends', 'Top error groups over time', 'line', AXIS.count));
  private readonly frequency = this.chart(timeChart('group-frequency', 'This group over time', 'bar', AXIS.count));
  private readonly correlations = this.chart(barChart('group-correlations', 'Comes with this group more than usual', AXIS.percent, { horizontal: true }));
  private readonly detailTitle = el('p', 'group-title');
  private readonly detail = new Tiles<DetailKey>([
    { key: 'state', label: 'State' },
    { key: 'errors', label: 'Errors in range', tone: 'bad' },
    { key: 'runsFailed', label: 'Runs failed' },
    { key: 'runsAffected', label: 'Runs affected' },
    { key: 'users', label: 'Users affected' },
    { key: 'wasted', label: 'Cost wasted' },
    { key: 'resolve', label: 'Time to resolve' },
    { key: 'reopened', label: 'Reopened' },
  ]);
  private readonly correlationTable = new TableCard<CorrelationRow>('group-correlation-table', 'Correlations', [
    { key: 'dimension', title: 'Dimension', width: '14ch' },
    { key: 'value', title: 'Value', width: 'minmax(14ch, 1fr)' },
    { key: 'withGroup', title: 'With the group', width: '22ch' },
    { key: 'overall', title: 'Overall', width: '10ch' },
    { key: 'lift', title: 'Lift', width: '8ch' },
  ]);
  private group: string | undefined;
  private readonly groups = new TableCard<GroupRow>('error-groups', 'Error groups (click one for its details)', [
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
  ], (row) => this.select(row.fingerprint));

  constructor() {
    super();
    this.element.append(
      this.tiles.element,
      section('Frequency', grid([this.byCategory, this.bySeverity, this.byPhase, this.states, this.trends])),
      section('Groups', this.groups.element),
      section('Group', this.detailTitle, this.detail.element, grid([this.frequency, this.correlations]), this.correlationTable.element),
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
    this.panels.add('trend', { path: '/errors/trend', query: { limit: 6, buckets: 48 }, live }, [this.trends], (t) => {
      const shaped = trendSeries(t);
      this.trends.setData(shaped.data, shaped.min, shaped.max, rolesFor(shaped.names));
    });
    this.panels.add(
      'group',
      () => (this.group ? { path: '/errors/groups/:fingerprint', query: { buckets: 48 }, params: { fingerprint: this.group }, live } : null),
      [this.detail, this.frequency, this.correlations, this.correlationTable],
      (d) => this.drawDetail(d),
    );
  }

  private drawTiles(stats: MetricStat[]): void {
    this.tiles.set('errors', formatCount(statValue(stats, 'genmon_errors_total')));
    this.tiles.set('wasted', formatUsd(statValue(stats, 'genmon_cost_wasted_usd')));
  }

  setState(state: DashboardState): void {
    this.group = state.group;
  }

  private select(fingerprint: string): void {
    if (fingerprint !== this.group) this.onChange({ group: fingerprint });
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
          fingerprint: g.fingerprint,
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
    // Details follow the busiest group until the user picks one that is still in the range.
    const top = [...groups].sort((a, b) => b.countInRange - a.countInRange || b.lastSeen - a.lastSeen)[0];
    if (top && !groups.some((g) => g.fingerprint === this.group)) this.select(top.fingerprint);
  }

  private drawDetail(d: ErrorGroupDetail): void {
    const message = d.group.message.length > MESSAGE_CHARS ? `${d.group.message.slice(0, MESSAGE_CHARS)}…` : d.group.message;
    this.detailTitle.textContent = `${d.group.severity} · ${d.group.category} · ${message}`;
    this.detail.set('state', d.resolution.status);
    this.detail.set('errors', formatCount(d.impact.errors));
    this.detail.set('runsFailed', formatCount(d.impact.runsFailed));
    this.detail.set('runsAffected', formatCount(d.impact.runsAffected));
    this.detail.set('users', formatCount(d.impact.usersAffected));
    this.detail.set('wasted', formatUsd(d.impact.costWastedUsd));
    this.detail.set('resolve', formatDuration(d.resolution.timeToResolveMs), d.resolution.resolvedAt ? `resolved ${formatTimestamp(d.resolution.resolvedAt)}` : 'not resolved yet');
    this.detail.set('reopened', formatCount(d.resolution.reopenCount));
    this.frequency.setData([frequencyPoints(d.frequency)], d.frequency.from, d.frequency.to, [{ label: 'errors', role: 'red' }]);
    const bars = correlationBars(d.correlations);
    this.correlations.setData(bars.labels, [bars.group, bars.base], [{ label: 'with this group', role: 'red' }, { label: 'overall', role: 'blue' }]);
    this.correlations.setNote(bars.labels.length ? '' : 'nothing comes with it more than its base rate');
    this.correlationTable.setRows([...d.correlations].sort(byLift).slice(0, 20).map(correlationRow));
  }
}

function byLift(a: Correlation, b: Correlation): number {
  return (b.lift ?? -Infinity) - (a.lift ?? -Infinity) || b.groupCount - a.groupCount;
}

function correlationRow(c: Correlation): CorrelationRow {
  return {
    dimension: c.dimension === 'projectType' ? 'project type' : c.dimension === 'resourcePressure' ? 'resources' : c.dimension,
    value: c.value,
    withGroup: `${Math.round(c.groupRate * 100)} % (${formatCount(c.groupCount)} of ${formatCount(c.groupTotal)})`,
    overall: `${Math.round(c.baseRate * 100)} %`,
    lift: c.lift === null ? '–' : `×${c.lift.toFixed(1)}`,
  };
}

function order(list: readonly string[], key: string): number {
  const i = list.indexOf(key);
  return i < 0 ? list.length : i;
}
