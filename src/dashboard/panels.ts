/**
 * The panels of the dashboard's active tab: what the webview asked for,
 * fetched over the current range with the filters added, and fetched again
 * (only the stale ones) after pushes that touch them, throttled.
 */
import type { PushMessage } from '../../agent/api/types';
import type { DashboardTab, FilterKey, Filters, LiveKind, PanelPath, PanelRequest, PanelRequests, PanelResult } from './protocol';

/** The endpoints a panel may name; anything else from the webview is refused. */
const METRIC_PATHS: ReadonlySet<PanelPath> = new Set(['/query', '/stat', '/histogram', '/funnel', '/cost']);
const OTHER_PATHS: ReadonlySet<PanelPath> = new Set(['/errors/groups', '/errors/trend', '/errors/groups/:fingerprint']);
export const FILTER_KEYS: readonly FilterKey[] = ['project_type', 'model', 'user'];
const LIVE_KINDS: ReadonlySet<LiveKind> = new Set(['runs', 'errors', 'events', 'machine']);

/** After a push, stale panels are refetched this long after the last push, and at least this often while pushes keep coming. */
export const PANEL_DEBOUNCE_MS = 1500;
export const PANEL_MAX_WAIT_MS = 10_000;
/** Machine figures come every second; their panels are refetched at most this often (the spec asks under a minute). */
export const MACHINE_REFRESH_MS = 15_000;

/** The live kind a pushed message makes stale, if any. */
export function liveKindOf(message: PushMessage): LiveKind | null {
  switch (message.type) {
    case 'run':
      return message.run.status === 'running' ? null : 'runs';
    case 'error':
    case 'errorGroup':
      return 'errors';
    case 'ingest':
      return 'events';
    case 'sample':
      return 'machine';
    default:
      return null;
  }
}

/** Keeps only well-formed requests for known endpoints: the webview is ours, but its messages are still input. */
export function sanitizeRequests(input: unknown): PanelRequests {
  const out: PanelRequests = {};
  if (!input || typeof input !== 'object') return out;
  for (const [id, raw] of Object.entries(input as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Partial<PanelRequest> & { query?: unknown; live?: unknown; params?: unknown };
    if (typeof r.path !== 'string' || !(METRIC_PATHS.has(r.path) || OTHER_PATHS.has(r.path))) continue;
    const query: Record<string, string | number> = {};
    if (r.query && typeof r.query === 'object') {
      for (const [k, v] of Object.entries(r.query as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number') query[k] = v;
    }
    const live = Array.isArray(r.live) ? r.live.filter((k): k is LiveKind => LIVE_KINDS.has(k as LiveKind)) : [];
    const params: Record<string, string> = {};
    for (const name of r.path.match(/:\w+/g) ?? []) {
      const v = r.params && typeof r.params === 'object' ? (r.params as Record<string, unknown>)[name.slice(1)] : undefined;
      if (typeof v === 'string' && v !== '') params[name.slice(1)] = v;
    }
    // A path part missing would ask the agent for another endpoint.
    if (Object.keys(params).length !== (r.path.match(/:\w+/g) ?? []).length) continue;
    out[id] = { path: r.path, query, params, live, filtered: r.filtered !== false } as PanelRequest;
  }
  return out;
}

export function sanitizeFilters(input: unknown): Filters {
  const out: Filters = {};
  if (!input || typeof input !== 'object') return out;
  for (const key of FILTER_KEYS) {
    const v = (input as Record<string, unknown>)[key];
    if (typeof v === 'string' && v !== '') out[key] = v;
  }
  return out;
}

/** A fingerprint is the agent's hex digest; anything else is not a group. */
export function sanitizeGroup(input: unknown): string | undefined {
  return typeof input === 'string' && /^[\w-]{1,128}$/.test(input) ? input : undefined;
}

/** The query string values a request is sent with: its own, the range, and the filters where they apply. */
export function requestQuery(request: PanelRequest, from: number, to: number, filters: Filters): Record<string, string | number> {
  const query: Record<string, string | number> = { ...(request.query as Record<string, string | number>), from, to };
  if (METRIC_PATHS.has(request.path) && request.filtered !== false) Object.assign(query, filters);
  return query;
}

/** Requests that a set of stale kinds touches. */
export function staleRequests(requests: PanelRequests, dirty: ReadonlySet<LiveKind>): PanelRequests {
  return Object.fromEntries(Object.entries(requests).filter(([, r]) => r.live.some((k) => dirty.has(k))));
}

export type Fetch = (path: PanelPath, query: Record<string, string | number>, params: Record<string, string>) => Promise<unknown>;

/** Fetches every request at once; one failing panel does not take the others down. */
export async function fetchPanels(fetch: Fetch, requests: PanelRequests, from: number, to: number, filters: Filters): Promise<Record<string, PanelResult>> {
  const entries = await Promise.all(
    Object.entries(requests).map(async ([id, request]): Promise<[string, PanelResult]> => {
      try {
        return [id, { ok: true, data: await fetch(request.path, requestQuery(request, from, to, filters), request.params ?? {}) }];
      } catch (err) {
        return [id, { ok: false, message: err instanceof Error ? err.message : String(err) }];
      }
    }),
  );
  return Object.fromEntries(entries);
}

export function isTab(value: unknown): value is DashboardTab {
  return value === 'overview' || value === 'performance' || value === 'errors' || value === 'usage';
}
