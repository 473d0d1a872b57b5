/**
 * Reports inside the agent: the report endpoints, over the store's data.
 */
import { registerReportRoutes } from '../api/report-routes';
import type { ApiServer } from '../api/server';
import type { Queries } from '../store/queries';
import type { Store } from '../store/store';
import { storeReportData } from './data';

export interface ReportServiceDeps {
  store: Store;
  queries: Queries;
  server: ApiServer;
  log: (message: string) => void;
}

export interface ReportService {
  stop(): Promise<void>;
}

export function startReports({ store, queries, server }: ReportServiceDeps): ReportService {
  const data = storeReportData(store.st, queries, Date.now);
  registerReportRoutes(server, { data, now: Date.now });
  return { stop: async () => undefined };
}
