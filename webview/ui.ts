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
}

export function dropdown<T extends string>(choices: readonly Choice<T>[], value: T, onChange: (value: T) => void, ariaLabel: string): Select<T> {
  const el = document.createElement('vscode-dropdown') as Dropdown;
  el.setAttribute('aria-label', ariaLabel);
  for (const choice of choices) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', choice.value);
    option.textContent = choice.label;
    el.append(option);
  }
  el.value = value;
  el.addEventListener('change', () => {
    const chosen = choices.find((c) => c.value === el.value);
    if (chosen) onChange(chosen.value);
  });
  return { element: el, set: (v) => (el.value = v) };
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
