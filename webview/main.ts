/** Dashboard webview entry: talks to the panel through the typed protocol and keeps the view in step. */
import type { DashboardState, HostMessage, RangeKey, WebviewMessage } from '../src/dashboard/protocol';
import { applyAggregates, applyDeltas, modelFrom, type DashboardModel } from './data/live';
import { watchTheme } from './theme';
import { DashboardView, isRangeKey } from './view';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: DashboardState): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
  interface Window {
    /** Chart id → data points drawn, refreshed after every render; read by tests. */
    __genmonCharts?: Record<string, number>;
  }
}

const api = acquireVsCodeApi();
const restored = (api.getState() as Partial<DashboardState> | undefined)?.range;
let range: RangeKey | null = isRangeKey(restored) ? restored : null;
let model: DashboardModel | null = null;

const root = document.getElementById('app') ?? document.body;
const view = new DashboardView(root, range ?? '24h', {
  setRange(next) {
    range = next;
    api.setState({ range: next });
    api.postMessage({ type: 'setRange', range: next });
  },
  refresh: () => api.postMessage({ type: 'refresh' }),
  openRun: (runId) => api.postMessage({ type: 'openRun', runId }),
});

function publishPoints(): void {
  window.__genmonCharts = view.drawnPoints();
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'init':
      model = modelFrom(message.data);
      if (range !== message.data.range) {
        range = message.data.range;
        api.setState({ range });
      }
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
  publishPoints();
}

function assertNever(message: never): void {
  console.warn('genmon dashboard: unknown message', message);
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  if (event.data && typeof event.data === 'object' && typeof event.data.type === 'string') handle(event.data);
});
watchTheme(() => view.recolor());
publishPoints();
api.postMessage({ type: 'ready', range });
