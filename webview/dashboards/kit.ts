/**
 * What every dashboard is made of: panels (a request to the agent and how
 * its answer is drawn), chart cards, stat tiles and top-N tables. Every
 * string from the agent reaches the DOM as text.
 */
import type { DashboardState, DashboardTab, Filters, PanelPath, PanelRequestOf, PanelRequests, PanelResponse, PanelResult } from '../../src/dashboard/protocol';
import type { ChartCard } from '../chart-kit';
import type { Changes, DashboardModel } from '../data/live';
import { dataGrid, type Column, type Grid } from '../ui';

export interface PanelContext {
  from: number;
  to: number;
  filters: Filters;
}

/** Something a panel draws into, which can say why it has nothing. */
export interface Target {
  setNote(text: string): void;
  clear(): void;
}

interface Binding {
  /** Null while the panel has nothing to ask (e.g. no error group picked yet). */
  request: () => PanelRequestOf<PanelPath> | null;
  targets: readonly Target[];
  draw(data: unknown, ctx: PanelContext): void;
}

/** A dashboard's panels by id: their requests go to the host, their answers come back by the same id. */
export class Panels {
  private readonly bindings = new Map<string, Binding>();

  add<P extends PanelPath>(
    id: string,
    request: PanelRequestOf<P> | (() => PanelRequestOf<P> | null),
    targets: readonly Target[],
    draw: (data: PanelResponse<P>, ctx: PanelContext) => void,
  ): void {
    const ask = typeof request === 'function' ? request : () => request;
    this.bindings.set(id, { request: ask as Binding['request'], targets, draw: draw as Binding['draw'] });
  }

  requests(): PanelRequests {
    const out: PanelRequests = {};
    for (const [id, b] of this.bindings) {
      const r = b.request();
      if (r) out[id] = r as PanelRequests[string];
    }
    return out;
  }

  apply(results: Record<string, PanelResult>, ctx: PanelContext): void {
    for (const [id, result] of Object.entries(results)) {
      const binding = this.bindings.get(id);
      if (!binding) continue;
      if (result.ok) {
        for (const t of binding.targets) t.setNote('');
        try {
          binding.draw(result.data, ctx);
        } catch (err) {
          fail(binding, `could not draw the agent's answer: ${err instanceof Error ? err.message : String(err)}`);
        }
      } else fail(binding, result.message);
    }
  }
}

function fail(binding: Binding, message: string): void {
  for (const t of binding.targets) {
    t.clear();
    t.setNote(`not available: ${message.length > 160 ? `${message.slice(0, 160)}…` : message}`);
  }
}

export abstract class Dashboard {
  abstract readonly tab: DashboardTab;
  readonly element: HTMLElement = el('div', 'dashboard');
  readonly cards: ChartCard[] = [];
  protected readonly panels = new Panels();
  /** The view's filters, for what a dashboard narrows itself (the live newest runs). */
  filters: Filters = {};
  /** Set by the view: a dashboard changes the view's state (a picked error group) through it. */
  onChange: (patch: Partial<DashboardState>) => void = () => undefined;

  /** The view's state changed (before the host is asked for the new requests). */
  setState(_state: DashboardState): void {}

  requests(): PanelRequests {
    return this.panels.requests();
  }

  renderPanels(results: Record<string, PanelResult>, ctx: PanelContext): void {
    this.panels.apply(results, ctx);
  }

  /** What comes from the shared, live range data (samples, newest runs, counts); most dashboards draw nothing from it. */
  renderBase(_model: DashboardModel, _changes: Changes): void {}

  protected chart<T extends ChartCard>(card: T): T {
    this.cards.push(card);
    return card;
  }
}

export function el(tag: string, className?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function section(title: string, ...content: HTMLElement[]): HTMLElement {
  const s = el('section', 'group');
  s.append(el('h2', undefined, title), ...content);
  return s;
}

export function grid(items: readonly { element: HTMLElement }[], className = 'chart-grid'): HTMLElement {
  const g = el('div', className);
  g.append(...items.map((c) => c.element));
  return g;
}

export interface TileSpec<K extends string> {
  key: K;
  label: string;
  /** Colours the value: `good` green, `bad` red. */
  tone?: 'good' | 'bad';
}

/** A row of big figures. */
export class Tiles<K extends string> implements Target {
  readonly element = el('section', 'tiles');
  private readonly values = new Map<K, { value: HTMLElement; detail: HTMLElement }>();
  private readonly note = el('p', 'note tiles-note');

  constructor(specs: readonly TileSpec<K>[]) {
    for (const spec of specs) {
      const tile = el('div', 'tile');
      tile.dataset.tile = spec.key;
      if (spec.tone) tile.dataset.tone = spec.tone;
      const value = el('span', 'tile-value', '–');
      const detail = el('span', 'tile-detail');
      tile.append(el('span', 'tile-label', spec.label), value, detail);
      this.element.append(tile);
      this.values.set(spec.key, { value, detail });
    }
    this.note.hidden = true;
    this.element.append(this.note);
  }

  set(key: K, value: string, detail = ''): void {
    const tile = this.values.get(key);
    if (!tile) return;
    tile.value.textContent = value;
    tile.detail.textContent = detail;
  }

  setNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
  }

  clear(): void {
    for (const t of this.values.values()) {
      t.value.textContent = '–';
      t.detail.textContent = '';
    }
  }
}

/** A titled top-N table whose cells are text. */
export class TableCard<R extends object> implements Target {
  readonly element = el('section', 'card table-card');
  private readonly grid: Grid<R>;
  private readonly note = el('span', 'note');

  constructor(readonly id: string, title: string, columns: readonly Column<R>[], onActivate?: (row: R) => void) {
    this.grid = dataGrid(columns, title, onActivate);
    this.grid.element.dataset.table = id;
    if (onActivate) this.grid.element.classList.add('activatable');
    const heading = el('h3', undefined, title);
    heading.append(' ', this.note);
    this.element.append(heading, this.grid.element);
  }

  setRows(rows: R[]): void {
    this.grid.setRows(rows);
  }

  setNote(text: string): void {
    this.note.textContent = text;
  }

  clear(): void {
    this.setRows([]);
  }
}
