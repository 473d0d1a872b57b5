/** The dashboard page: header with range picker, connection banner, tiles, charts, tables. */
import type { ConnectionView, RangeKey } from '../src/dashboard/protocol';
import { applyPalette, type ChartCard } from './chart-kit';
import { MachineCharts, recolorAll, RunCharts } from './charts';
import { formatBytes, formatCount, formatDuration, formatPercent } from './data/format';
import type { Changes, DashboardModel } from './data/live';
import { bucketSize } from './data/time';
import { ErrorTable, RunTable } from './tables';
import { readPalette } from './theme';
import { badge, button, dropdown, progressRing, type Choice, type Select } from './ui';

export const RANGES: readonly Choice<RangeKey>[] = [
  { value: '15m', label: 'Last 15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
];

export function isRangeKey(value: unknown): value is RangeKey {
  return RANGES.some((r) => r.value === value);
}

export interface ViewActions {
  setRange(range: RangeKey): void;
  refresh(): void;
  openRun(runId: string): void;
}

interface Tile {
  value: HTMLElement;
  detail: HTMLElement;
}

const TILES = ['attempts', 'successRate', 'failed', 'partial', 'running', 'p95', 'errors', 'cpu', 'memory'] as const;
const TILE_LABELS: Record<(typeof TILES)[number], string> = {
  attempts: 'Attempts',
  successRate: 'Success rate',
  failed: 'Failed',
  partial: 'Partial',
  running: 'Running',
  p95: 'p95 run duration',
  errors: 'Errors',
  cpu: 'CPU now',
  memory: 'Memory now',
};

export class DashboardView {
  private readonly range: Select<RangeKey>;
  private readonly busy = progressRing();
  private readonly agentBadge = badge('');
  private readonly banner = document.createElement('div');
  private readonly bannerText = document.createElement('span');
  private readonly retry: HTMLElement;
  private readonly empty = document.createElement('p');
  private readonly tiles = {} as Record<(typeof TILES)[number], Tile>;
  private readonly runCharts = new RunCharts();
  private readonly machineCharts = new MachineCharts();
  private readonly errorTable: ErrorTable;
  private readonly runTable: RunTable;
  private lastRunBucket = NaN;

  constructor(
    private readonly root: HTMLElement,
    initialRange: RangeKey,
    actions: ViewActions,
  ) {
    this.range = dropdown(RANGES, initialRange, (r) => actions.setRange(r), 'Time range');
    this.retry = button('Retry', () => actions.refresh());
    this.errorTable = new ErrorTable((id) => actions.openRun(id));
    this.runTable = new RunTable((id) => actions.openRun(id));

    const header = el('header', 'toolbar');
    const title = el('h1');
    title.textContent = 'Genmon';
    this.agentBadge.hidden = true;
    this.busy.hidden = true;
    header.append(title, this.agentBadge, el('span', 'spacer'), this.busy, this.range.element, button('Refresh', () => actions.refresh()));

    this.banner.className = 'banner';
    this.banner.setAttribute('role', 'status');
    this.banner.hidden = true;
    this.banner.append(this.bannerText, this.retry);

    const tiles = el('section', 'tiles');
    for (const key of TILES) {
      const tile = el('div', 'tile');
      tile.dataset.tile = key;
      const label = el('span', 'tile-label');
      label.textContent = TILE_LABELS[key];
      const value = el('span', 'tile-value');
      value.textContent = '–';
      const detail = el('span', 'tile-detail');
      tile.append(label, value, detail);
      tiles.append(tile);
      this.tiles[key] = { value, detail };
    }

    this.empty.className = 'empty';
    this.empty.hidden = true;

    root.append(
      header,
      this.banner,
      tiles,
      this.empty,
      section('Generations', grid(this.runCharts.cards)),
      section('Machine', grid(this.machineCharts.cards)),
      section('Top errors', this.errorTable.element),
      section('Recent runs', this.runTable.element),
    );
    this.recolor();
  }

  private get cards(): ChartCard[] {
    return [...this.runCharts.cards, ...this.machineCharts.cards];
  }

  recolor(): void {
    const palette = readPalette();
    applyPalette(palette);
    recolorAll(this.cards, palette);
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

  /** Draws everything for a freshly loaded range. */
  renderAll(model: DashboardModel): void {
    this.loaded();
    this.range.set(model.range);
    this.runCharts.renderPhases(model);
    this.render(model, { runs: true, errors: true, samples: true, summary: true });
  }

  /** Redraws what `changes` touched, updating charts in place. */
  render(model: DashboardModel, changes: Changes): void {
    const bucket = Math.floor(model.to / bucketSize(model.to - model.from));
    if (changes.runs || bucket !== this.lastRunBucket) {
      this.lastRunBucket = bucket;
      this.runCharts.renderRuns(model);
      this.runTable.render(model.runs);
    }
    if (changes.samples) this.machineCharts.render(model);
    if (changes.errors) this.errorTable.render(model.topErrors);
    if (changes.summary) this.renderTiles(model);
    this.empty.hidden = model.runs.length > 0 || model.samples.length > 0;
    this.empty.textContent = 'Nothing in this range yet: no runs and no machine samples.';
  }

  renderAggregates(model: DashboardModel): void {
    this.runCharts.renderPhases(model);
    this.errorTable.render(model.topErrors);
    this.renderTiles(model);
  }

  /** Chart id → data points drawn, for tests. */
  drawnPoints(): Record<string, number> {
    return Object.fromEntries(this.cards.map((c) => [c.id, c.points()]));
  }

  private renderTiles(model: DashboardModel): void {
    const s = model.summary;
    const errors = Object.values(s.errorsBySeverity).reduce((a, b) => a + b, 0);
    const sample = s.latestSample;
    this.tile('attempts', formatCount(s.attempts));
    this.tile('successRate', formatPercent(s.successRate), s.successRate === null ? 'no run ended' : `${formatCount(s.successes)} of ${formatCount(s.successes + s.failures + s.partials)} ended`);
    this.tile('failed', formatCount(s.failures));
    this.tile('partial', formatCount(s.partials));
    this.tile('running', formatCount(s.running));
    this.tile('p95', formatDuration(s.total.p95), s.total.p50 === null ? '' : `p50 ${formatDuration(s.total.p50)}`);
    this.tile('errors', formatCount(errors), s.errorsBySeverity.critical ? `${formatCount(s.errorsBySeverity.critical)} critical` : '');
    this.tile('cpu', sample ? `${Math.round(sample.cpu)} %` : '–', sample ? `load ${sample.load1.toFixed(2)}` : '');
    this.tile('memory', sample ? formatBytes(sample.memUsed) : '–', sample ? `of ${formatBytes(sample.memTotal)}` : '');
  }

  private tile(key: (typeof TILES)[number], value: string, detail = ''): void {
    this.tiles[key].value.textContent = value;
    this.tiles[key].detail.textContent = detail;
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

function el(tag: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

function section(title: string, ...content: HTMLElement[]): HTMLElement {
  const s = el('section', 'group');
  const h = el('h2');
  h.textContent = title;
  s.append(h, ...content);
  return s;
}

function grid(cards: readonly ChartCard[]): HTMLElement {
  const g = el('div', 'chart-grid');
  g.append(...cards.map((c) => c.element));
  return g;
}
