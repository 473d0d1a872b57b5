/**
 * The only module that knows about the component kit (the VS Code Webview UI
 * Toolkit today). Everything else asks for controls through these helpers,
 * so swapping the kit means rewriting this file alone.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  type DataGrid,
  type Dropdown,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeDataGrid(),
  vsCodeDataGridCell(),
  vsCodeDataGridRow(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodePanels(),
  vsCodePanelTab(),
  vsCodePanelView(),
  vsCodeProgressRing(),
);

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' | 'icon' = 'secondary'): HTMLElement {
  const el = document.createElement('vscode-button');
  el.setAttribute('appearance', appearance);
  el.textContent = label;
  el.addEventListener('click', onClick);
  return el;
}

export interface Choice<T extends string> {
  value: T;
  label: string;
}

export interface Select<T extends string> {
  element: HTMLElement;
  set(value: T): void;
  /** Replaces the choices, keeping `value` selected. */
  setChoices(choices: readonly Choice<T>[], value: T): void;
}

/** A dropdown whose option labels are text (label values come from logs). */
export function dropdown<T extends string>(choices: readonly Choice<T>[], value: T, onChange: (value: T) => void, ariaLabel: string): Select<T> {
  const el = document.createElement('vscode-dropdown') as Dropdown;
  el.setAttribute('aria-label', ariaLabel);
  let current = choices;
  let quiet = false;
  const fill = (list: readonly Choice<T>[], selected: T) => {
    current = list;
    quiet = true;
    el.replaceChildren(
      ...list.map((choice) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', choice.value);
        option.textContent = choice.label;
        return option;
      }),
    );
    el.value = selected;
    quiet = false;
  };
  fill(choices, value);
  el.addEventListener('change', () => {
    if (quiet) return;
    const chosen = current.find((c) => c.value === el.value);
    if (chosen) onChange(chosen.value);
  });
  return { element: el, set: (v) => (el.value = v), setChoices: fill };
}

export interface Tabs<T extends string> {
  element: HTMLElement;
  /** The view that shows under tab `value`. */
  view(value: T): HTMLElement;
  set(value: T): void;
}

/** A tab strip with one view per tab; `onChange` runs when the user picks another tab. */
export function tabs<T extends string>(choices: readonly Choice<T>[], value: T, onChange: (value: T) => void): Tabs<T> {
  const el = document.createElement('vscode-panels');
  const views = new Map<T, HTMLElement>();
  for (const choice of choices) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${choice.value}`;
    tab.textContent = choice.label;
    el.append(tab);
  }
  for (const choice of choices) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${choice.value}`;
    views.set(choice.value, view);
    el.append(view);
  }
  let current = value;
  el.setAttribute('activeid', `tab-${value}`);
  el.addEventListener('change', (event) => {
    if (event.target !== el) return;
    const id = (el as HTMLElement & { activeid?: string }).activeid ?? '';
    const chosen = choices.find((c) => `tab-${c.value}` === id);
    if (chosen && chosen.value !== current) {
      current = chosen.value;
      onChange(chosen.value);
    }
  });
  return {
    element: el,
    view: (v) => views.get(v)!,
    set: (v) => {
      current = v;
      el.setAttribute('activeid', `tab-${v}`);
    },
  };
}

export function progressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}

/**
 * A plain element rather than the kit's badge: its template carries a
 * `style` attribute, which the webview's CSP (no 'unsafe-inline') blocks.
 */
export function badge(text: string): HTMLElement {
  const el = document.createElement('span');
  el.className = 'badge';
  el.textContent = text;
  return el;
}

export interface Column<R> {
  key: keyof R & string;
  title: string;
  /** A CSS grid track, e.g. `8ch` or `1fr`. */
  width: string;
}

export interface Grid<R> {
  element: HTMLElement;
  setRows(rows: R[]): void;
}

/**
 * A data grid whose cells show `String(row[key])` as text (the kit binds
 * them as text nodes, never as markup), calling `onActivate` with the row on
 * click or Enter.
 */
export function dataGrid<R extends object>(columns: readonly Column<R>[], ariaLabel: string, onActivate?: (row: R) => void): Grid<R> {
  const el = document.createElement('vscode-data-grid') as DataGrid;
  el.setAttribute('aria-label', ariaLabel);
  el.generateHeader = 'sticky';
  el.gridTemplateColumns = columns.map((c) => c.width).join(' ');
  el.columnDefinitions = columns.map((c) => ({ columnDataKey: c.key, title: c.title }));
  if (onActivate) {
    const activate = (event: Event) => {
      const row = event.composedPath().find((t): t is HTMLElement & { rowData: R | null; rowType?: string } => t instanceof HTMLElement && t.tagName === 'VSCODE-DATA-GRID-ROW');
      if (row?.rowData && row.getAttribute('row-type') !== 'header' && row.getAttribute('row-type') !== 'sticky-header') onActivate(row.rowData);
    };
    el.addEventListener('click', activate);
    el.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') activate(event);
    });
  }
  return { element: el, setRows: (rows) => (el.rowsData = rows) };
}
