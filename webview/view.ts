/** The dashboard page: header (tabs, filters, range), connection banner, and the four dashboards. */
import type { ConnectionView, DashboardState, DashboardTab, FilterKey, Filters, HostMessage, PanelRequests, RangeKey } from '../src/dashboard/protocol';
import { applyPalette, type ChartCard } from './chart-kit';
import type { Changes, DashboardModel } from './data/live';
import { ErrorsDashboard } from './dashboards/errors';
import { Dashboard, el } from './dashboards/kit';
import { OverviewDashboard } from './dashboards/overview';
import { PerformanceDashboard } from './dashboards/performance';
import { UsageDashboard } from './dashboards/usage';
import { recolorAll } from './charts';
import { readPalette } from './theme';
import { badge, button, dropdown, progressRing, tabs, type Choice, type Select, type Tabs } from './ui';

export const RANGES: readonly Choice<RangeKey>[] = [
  { value: '15m', label: 'Last 15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: '1y', label: 'Last year' },
];
/** Until the host says how much history the agent keeps. */
const DEFAULT_RANGES = RANGES.filter((r) => r.value !== '1y');

export const TABS: readonly Choice<DashboardTab>[] = [
  { value: 'overview', label: 'Overview' },
  { value: 'performance', label: 'Performance' },
  { value: 'errors', label: 'Errors' },
  { value: 'usage', label: 'Usage & Cost' },
];

const FILTERS: readonly { key: FilterKey; all: string }[] = [
  { key: 'project_type', all: 'All project types' },
  { key: 'model', all: 'All models' },
  { key: 'user', all: 'All users' },
];

export function isRangeKey(value: unknown): value is RangeKey {
  return RANGES.some((r) => r.value === value);
}

export function isTab(value: unknown): value is DashboardTab {
  return TABS.some((t) => t.value === value);
}

export interface ViewActions {
  /** The tab, range or filters changed: the host fetches what the new view needs. */
  changed(state: DashboardState, requests: PanelRequests): void;
  refresh(): void;
  openRun(runId: string): void;
}

/** `''` is "all" in the dropdowns. */
type FilterChoice = string;

export class DashboardView {
  private readonly range: Select<RangeKey>;
  private readonly tabs: Tabs<DashboardTab>;
  private readonly filters = new Map<FilterKey, Select<FilterChoice>>();
  private readonly busy = progressRing();
  private readonly agentBadge = badge('');
  private readonly banner = el('div', 'banner');
  private readonly bannerText = el('span');
  private readonly retry: HTMLElement;
  private readonly dashboards: Record<DashboardTab, Dashboard>;
  private state: DashboardState;
  private model: DashboardModel | null = null;

  constructor(
    private readonly root: HTMLElement,
    initial: DashboardState,
    private readonly actions: ViewActions,
  ) {
    this.state = structuredClone(initial);
    this.range = dropdown(DEFAULT_RANGES, initial.range, (range) => this.change({ range }), 'Time range');
    this.retry = button('Retry', () => actions.refresh());
    this.dashboards = {
      overview: new OverviewDashboard((id) => actions.openRun(id)),
      performance: new PerformanceDashboard(),
      errors: new ErrorsDashboard(),
      usage: new UsageDashboard(),
    };

    const header = el('header', 'toolbar');
    this.agentBadge.hidden = true;
    this.busy.hidden = true;
    const filterBar = el('div', 'filters');
    for (const f of FILTERS) {
      const select = dropdown<FilterChoice>([{ value: '', label: f.all }], initial.filters[f.key] ?? '', (value) => this.changeFilter(f.key, value), f.all.replace('All ', 'Filter by '));
      select.element.dataset.filter = f.key;
      if (initial.filters[f.key]) select.setChoices([{ value: '', label: f.all }, { value: initial.filters[f.key]!, label: initial.filters[f.key]! }], initial.filters[f.key]!);
      this.filters.set(f.key, select);
      filterBar.append(select.element);
    }
    header.append(el('h1', undefined, 'Genmon'), this.agentBadge, el('span', 'spacer'), this.busy, filterBar, this.range.element, button('Refresh', () => actions.refresh()));

    this.banner.setAttribute('role', 'status');
    this.banner.hidden = true;
    this.banner.append(this.bannerText, this.retry);

    for (const d of Object.values(this.dashboards)) {
      d.filters = this.state.filters;
      d.setState(this.current);
      d.onChange = (patch) => this.change(patch);
    }
    this.tabs = tabs(TABS, initial.tab, (tab) => this.change({ tab }));
    for (const t of TABS) this.tabs.view(t.value).append(this.dashboards[t.value].element);
    root.append(header, this.banner, this.tabs.element);
    this.recolor();
  }

  get current(): DashboardState {
    return structuredClone(this.state);
  }

  /** What the active tab needs fetched. */
  requests(): PanelRequests {
    return this.active.requests();
  }

  private get active(): Dashboard {
    return this.dashboards[this.state.tab];
  }

  private get cards(): ChartCard[] {
    return Object.values(this.dashboards).flatMap((d) => d.cards);
  }

  /** Chart id → data points drawn on the active tab, for tests. */
  drawnPoints(): Record<string, number> {
    return Object.fromEntries(this.active.cards.map((c) => [c.id, c.points()]));
  }

  /** Chart id → sum of the values drawn on the active tab, for tests. */
  drawnTotals(): Record<string, number> {
    return Object.fromEntries(this.active.cards.map((c) => [c.id, c.total()]));
  }

  recolor(): void {
    const palette = readPalette();
    applyPalette(palette);
    recolorAll(this.cards, palette);
  }

  /** A command asked for another tab. */
  showTab(tab: DashboardTab): void {
    if (tab === this.state.tab) return;
    this.tabs.set(tab);
    this.change({ tab });
  }

  private changeFilter(key: FilterKey, value: string): void {
    const filters = { ...this.state.filters };
    if (value) filters[key] = value;
    else delete filters[key];
    this.change({ filters });
  }

  private change(patch: Partial<DashboardState>): void {
    const before = this.state;
    this.state = { ...this.state, ...patch };
    for (const d of Object.values(this.dashboards)) {
      d.filters = this.state.filters;
      d.setState(this.current);
    }
    if (before.tab !== this.state.tab && this.model) this.active.renderBase(this.model, everything());
    if (before.filters !== this.state.filters && this.model) this.dashboards.overview.renderBase(this.model, { runs: true, errors: true, samples: false, summary: false });
    this.actions.changed(this.current, this.requests());
  }

  setRanges(ranges: readonly RangeKey[]): void {
    this.range.setChoices(RANGES.filter((r) => ranges.includes(r.value)), this.state.range);
  }

  setLabels(labels: Record<FilterKey, string[]>): void {
    for (const f of FILTERS) {
      const chosen = this.state.filters[f.key] ?? '';
      const values = [...labels[f.key]];
      // A value chosen earlier stays pickable even when the new range has not seen it.
      if (chosen && !values.includes(chosen)) values.unshift(chosen);
      this.filters.get(f.key)!.setChoices([{ value: '', label: f.all }, ...values.map((v) => ({ value: v, label: v }))], chosen);
    }
  }

  setLoading(range: RangeKey): void {
    this.range.set(range);
    this.busy.hidden = false;
    this.root.setAttribute('aria-busy', 'true');
  }

  showFetchFailed(range: RangeKey, message: string): void {
    this.loaded();
    this.showBanner(`Could not load ${RANGES.find((r) => r.value === range)?.label.toLowerCase() ?? range}: ${message}`, 'error', true);
  }

  showConnection(c: ConnectionView): void {
    this.agentBadge.hidden = c.kind !== 'connected';
    if (c.kind === 'connected') {
      this.agentBadge.textContent = `agent ${c.version}`;
      this.banner.hidden = true;
      return;
    }
    this.loaded();
    switch (c.kind) {
      case 'noAgent':
        this.showBanner('No Genmon agent is running. The dashboard fills in as soon as one starts.', 'warning', false);
        break;
      case 'starting':
        this.showBanner('Starting the Genmon agent…', 'info', false);
        break;
      case 'unreachable':
        this.showBanner(`The Genmon agent is unreachable (${c.message}); retrying in ${Math.ceil(c.retryInMs / 1000)} s. Figures below are from the last answer.`, 'warning', false);
        break;
    }
  }

  /** Draws the shared range data freshly loaded. */
  renderAll(model: DashboardModel): void {
    this.model = model;
    this.loaded();
    this.range.set(model.range);
    this.active.renderBase(model, everything());
  }

  /** Redraws what pushed `changes` touched on the active tab. */
  render(model: DashboardModel, changes: Changes): void {
    this.model = model;
    this.active.renderBase(model, changes);
  }

  renderAggregates(model: DashboardModel): void {
    this.model = model;
    this.active.renderBase(model, { runs: false, errors: true, samples: false, summary: true });
  }

  /** Answers for panels; answers for a view already left are dropped. */
  renderPanels(message: Extract<HostMessage, { type: 'panels' }>): boolean {
    const s = this.state;
    if (message.tab !== s.tab || message.range !== s.range || !sameFilters(message.filters, s.filters)) return false;
    this.dashboards[message.tab].renderPanels(message.results, { from: message.from, to: message.to, filters: message.filters });
    return true;
  }

  private showBanner(text: string, level: 'info' | 'warning' | 'error', retry: boolean): void {
    this.bannerText.textContent = text;
    this.banner.dataset.level = level;
    this.retry.hidden = !retry;
    this.banner.hidden = false;
  }

  private loaded(): void {
    this.busy.hidden = true;
    this.root.removeAttribute('aria-busy');
  }
}

function everything(): Changes {
  return { runs: true, errors: true, samples: true, summary: true };
}

export function sameFilters(a: Filters, b: Filters): boolean {
  return FILTERS.every(({ key }) => (a[key] ?? '') === (b[key] ?? ''));
}
