/**
 * Reports inside the agent: the report endpoints over the store's data,
 * and the scheduled reports of the config file, delivered to the webhook
 * through the alert channel's outbox.
 */
import type { AlertService } from '../alerts/service';
import { registerReportRoutes } from '../api/report-routes';
import type { ApiServer } from '../api/server';
import type { Queries } from '../store/queries';
import type { Store } from '../store/store';
import { storeReportData } from './data';
import type { ReportsConfig } from './schedule-config';
import { ReportScheduler } from './scheduler';

export interface ReportServiceDeps {
  store: Store;
  queries: Queries;
  server: ApiServer;
  alerts: AlertService;
  /** The config file's `reports` section; null: no schedules. */
  config: ReportsConfig | null;
  webhook: boolean;
  log: (message: string) => void;
}

export interface ReportService {
  scheduler: ReportScheduler | null;
  stop(): Promise<void>;
}

export function startReports({ store, queries, server, alerts, config, webhook, log }: ReportServiceDeps): ReportService {
  const data = storeReportData(store.st, queries, Date.now);
  registerReportRoutes(server, { data, now: Date.now });
  if (!config || config.schedules.length === 0) return { scheduler: null, stop: async () => undefined };
  const scheduler = new ReportScheduler({ config, store, data, log, deliver: webhook ? (d, payload) => alerts.deliver(d, payload) : undefined });
  void scheduler.start();
  log(`scheduled reports: ${config.schedules.map((s) => s.name).join(', ')} into ${config.dir}`);
  return { scheduler, stop: () => scheduler.stop() };
}
