/** Wires the OTLP intake into the agent: the three POST paths and its two GET endpoints. */
import type { ApiServer } from '../api/server';
import { HttpError, intParam } from '../api/server';
import type { OtlpMetricPoint, OtlpStatus } from '../api/types';
import type { Store } from '../store/store';
import { OTLP_PATHS, OtlpIntake, type OtlpLimits } from './intake';
import type { Signal } from './model';

export interface OtlpSettings extends Partial<OtlpLimits> {
  /** Default true. */
  enabled?: boolean;
}

const DAY = 24 * 3600_000;

export function registerOtlp(server: ApiServer, store: Store, settings: OtlpSettings, log: (m: string) => void): OtlpIntake | null {
  if (settings.enabled === false) return null;
  const { enabled: _enabled, ...limits } = settings;
  const intake = new OtlpIntake({
    store,
    runExists: (runId) => store.st.one('SELECT 1 AS x FROM runs WHERE run_id = ?', [runId]) !== undefined,
    offsetOf: (key) => store.checkpoints().get(key)?.offset ?? 0,
    log,
    limits,
  });
  for (const signal of Object.keys(OTLP_PATHS) as Signal[]) server.rawPost(OTLP_PATHS[signal], (req, res) => intake.handle(signal, req, res));
  server.get('/otlp', (): OtlpStatus => intake.status());
  server.get('/otlp/metrics', (q): OtlpMetricPoint[] => {
    const to = intParam(q, 'to', Date.now());
    const from = intParam(q, 'from', to - DAY);
    if (from > to) throw new HttpError(400, 'bad_parameter', 'from must not be after to');
    const name = q.get('name');
    const rows = store.st.all<{ ts: number; run_id: string; body: string }>(
      `SELECT ts, run_id, body FROM events WHERE type = 'otel.metric' AND ts BETWEEN ? AND ?
         AND (? IS NULL OR body ->> '$.name' = ?) ORDER BY ts DESC, id DESC LIMIT ?`,
      [from, to, name, name, intParam(q, 'limit', 1000, 1, 100_000)],
    );
    return rows.map((r) => {
      const { ts: _ts, run_id: _run, type: _type, name: metric, figure, ...fields } = JSON.parse(r.body) as Record<string, unknown>;
      return { ts: Number(r.ts), runId: r.run_id, name: String(metric), figure: typeof figure === 'string' ? figure : null, fields };
    });
  });
  return intake;
}
