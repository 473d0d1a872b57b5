/** Dashboard webview entry: talks to the panel through the typed protocol and keeps the view in step. */
import type { DashboardState, Filters, HostMessage, WebviewMessage } from '../src/dashboard/protocol';
import { applyAggregates, applyDeltas, modelFrom, type DashboardModel } from './data/live';
import { watchTheme } from './theme';
import { DashboardView, isRangeKey, isTab } from './view';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: DashboardState): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
  interface Window {
    /** Chart id → data points drawn on the active tab, refreshed after every render; read by tests. */
    __genmonCharts?: Record<string, number>;
    /** Chart id → sum of the values drawn on the active tab; read by tests. */
    __genmonChartTotals?: Record<string, number>;
    /** The view shown now (tab, range, filters); read by tests. */
    __genmonView?: DashboardState;
  }
}

const api = acquireVsCodeApi();

/** The state VS Code kept for this webview (across a reload), checked rather than trusted. */
function restoredState(): DashboardState | null {
  const saved = api.getState() as Partial<DashboardState> | undefined;
  if (!saved || typeof saved !== 'object') return null;
  const filters: Filters = {};
  for (const key of ['project_type', 'model', 'user'] as const) {
    const v = saved.filters?.[key];
    if (typeof v === 'string' && v) filters[key] = v;
  }
  return { range: isRangeKey(saved.range) ? saved.range : '24h', tab: isTab(saved.tab) ? saved.tab : 'overview', filters };
}

const restored = restoredState();
let model: DashboardModel | null = null;

const root = document.getElementById('app') ?? document.body;
const view = new DashboardView(root, restored ?? { range: '24h', tab: 'overview', filters: {} }, {
  changed(state, requests) {
    api.setState(state);
    api.postMessage({ type: 'setView', view: { state, requests } });
    publish();
  },
  refresh: () => api.postMessage({ type: 'refresh' }),
  openRun: (runId) => api.postMessage({ type: 'openRun', runId }),
});

function publish(): void {
  window.__genmonCharts = view.drawnPoints();
  window.__genmonChartTotals = view.drawnTotals();
  window.__genmonView = view.current;
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'init':
      model = modelFrom(message.data);
      view.setRanges(message.ranges);
      view.showConnection(message.connection);
      view.renderAll(model);
      break;
    case 'update':
      if (model) view.render(model, applyDeltas(model, message.deltas));
      break;
    case 'aggregates':
      if (model && model.range === message.range) {
        applyAggregates(model, message.aggregates);
        view.renderAggregates(model);
      }
      break;
    case 'panels':
      view.renderPanels(message);
      break;
    case 'labels':
      if (message.range === view.current.range) view.setLabels(message.labels);
      break;
    case 'showTab':
      view.showTab(message.tab);
      break;
    case 'connection':
      view.showConnection(message.connection);
      break;
    case 'loading':
      view.setLoading(message.range);
      break;
    case 'fetchFailed':
      view.showFetchFailed(message.range, message.message);
      break;
    default:
      return assertNever(message);
  }
  publish();
}

function assertNever(message: never): void {
  console.warn('genmon dashboard: unknown message', message);
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  if (event.data && typeof event.data === 'object' && typeof event.data.type === 'string') handle(event.data);
});
watchTheme(() => view.recolor());
api.setState(view.current);
publish();
api.postMessage({ type: 'ready', view: { state: view.current, requests: view.requests() }, restored: restored !== null });
