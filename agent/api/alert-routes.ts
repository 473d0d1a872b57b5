/**
 * The API's alerting endpoints: alerts and acknowledgements, silences,
 * incidents with their timeline and postmortem, actions, deliveries, and
 * error-group patterns. Bodies are checked here; state changes go through
 * the alert service, which journals them.
 */
import { Refused } from '../alerts/action-desk';
import { renderPostmortem } from '../alerts/postmortem';
import type { AlertService } from '../alerts/service';
import { incidentDetail } from '../alerts/incident-detail';
import { AlertingQueries } from '../store/alerting-queries';
import { errorTrend, groupDetail } from '../store/error-patterns';
import type { Queries } from '../store/queries';
import type { Statements } from '../store/statements';
import type { ApiServer, Query } from './server';
import { enumParam, HttpError, intParam } from './server';
import type { ActionOutcome, ActionStatus, Actions, DeliveryStatus, Endpoints, IncidentDetail, IncidentStatus, SilenceState } from './types';

export interface AlertRouteDeps {
  alerts: AlertService;
  queries: Queries;
  st: Statements;
  now: () => number;
}

type Answer<P extends keyof Endpoints> = Endpoints[P]['response'];
type Done<P extends keyof Actions> = Promise<Actions[P]['response']>;

const DAY = 24 * 3600_000;

function object(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'bad_body', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

function optString(b: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new HttpError(400, 'bad_body', `${key} must be a string of at most ${max} characters`);
  return v;
}

function optNumber(b: Record<string, unknown>, key: string): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new HttpError(400, 'bad_body', `${key} must be a number`);
  return v;
}

function stringList(b: Record<string, unknown>, key: string, max: number): string[] {
  const v = b[key];
  if (!Array.isArray(v) || v.length === 0 || v.length > max || v.some((x) => typeof x !== 'string' || x.length > 1000)) {
    throw new HttpError(400, 'bad_body', `${key} must be a list of 1 to ${max} strings`);
  }
  return v as string[];
}

/** Maps the service's refusals to HTTP answers. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Refused) throw new HttpError(err.status, err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : 'bad_body', err.message);
    throw err;
  }
}

function incidentId(params: Record<string, string>): number {
  if (!/^\d{1,12}$/.test(params.id)) throw new HttpError(404, 'not_found', 'incident ids are numbers');
  return Number(params.id);
}

function range(query: Query, now: number, span: number): { from: number; to: number } {
  const to = intParam(query, 'to', now);
  const from = intParam(query, 'from', to - span);
  if (from >= to) throw new HttpError(400, 'bad_parameter', 'from must be before to');
  return { from, to };
}

export function registerAlertRoutes(server: ApiServer, { alerts, queries, st, now }: AlertRouteDeps): void {
  const stored = new AlertingQueries(st);

  const detail = (id: number): IncidentDetail => {
    const found = incidentDetail(st, stored, id, now());
    if (!found) throw new HttpError(404, 'not_found', `no incident #${id}`);
    return found;
  };

  server.get('/silences', (q): Answer<'/silences'> => {
    const state = enumParam<SilenceState>(q, 'state', ['active', 'pending', 'expired']);
    return alerts.silenceViews().filter((s) => !state || s.state === state);
  });
  server.post('/silences', (body): Done<'/silences'> => {
    const b = object(body);
    return guarded(() =>
      alerts.createSilence({
        matchers: stringList(b, 'matchers', 20),
        startsAt: optNumber(b, 'startsAt'),
        endsAt: optNumber(b, 'endsAt'),
        durationMs: optNumber(b, 'durationMs'),
        comment: optString(b, 'comment', 2000),
        createdBy: optString(b, 'createdBy', 200),
      }),
    );
  });
  server.post('/silences/:id/expire', (_body, params): Done<'/silences/:id/expire'> => guarded(() => alerts.expireSilence(params.id)));
  server.post('/alerts/ack', (body): Done<'/alerts/ack'> => {
    const b = object(body);
    return guarded(() => alerts.acknowledge(stringList(b, 'fingerprints', 500), optString(b, 'by', 200) ?? 'api'));
  });

  server.get('/incidents', (q): Answer<'/incidents'> =>
    stored.incidents({ status: enumParam<IncidentStatus>(q, 'status', ['open', 'resolved']), limit: intParam(q, 'limit', 50, 1, 1000) }),
  );
  server.get('/incidents/:id', (_q, params): Answer<'/incidents/:id'> => detail(incidentId(params)));
  server.get('/incidents/:id/postmortem', (_q, params): Answer<'/incidents/:id/postmortem'> => ({ markdown: renderPostmortem(detail(incidentId(params)), now()) }));
  server.post('/incidents/:id/notes', async (body, params): Done<'/incidents/:id/notes'> => {
    const b = object(body);
    const text = optString(b, 'text', 10_000);
    if (!text?.trim()) throw new HttpError(400, 'bad_body', 'text must be a non-empty string');
    const id = incidentId(params);
    await guarded(() => alerts.addNote(id, text.trim(), optString(b, 'by', 200) ?? 'api'));
    return detail(id);
  });
  server.post('/incidents/:id/resolve', async (body, params): Done<'/incidents/:id/resolve'> => {
    const b = object(body);
    const id = incidentId(params);
    await guarded(() => alerts.resolveIncident(id, optString(b, 'by', 200) ?? 'api', optString(b, 'note', 2000) ?? null));
    return detail(id);
  });

  server.get('/actions', (q): Answer<'/actions'> =>
    stored.actions({ status: enumParam<ActionStatus>(q, 'status', ['requested', 'claimed', 'running', 'succeeded', 'failed', 'timed_out', 'declined', 'expired']) }),
  );
  server.post('/actions/:id/claim', (body, params): Done<'/actions/:id/claim'> => {
    const by = optString(object(body), 'by', 200);
    if (!by) throw new HttpError(400, 'bad_body', 'by must name the claiming window');
    return guarded(() => alerts.claimAction(params.id, by));
  });
  server.post('/actions/:id/outcome', (body, params): Done<'/actions/:id/outcome'> => {
    const b = object(body);
    const status = b.status;
    if (status === 'running') return guarded(() => alerts.actionOutcome(params.id, { status }));
    if (status !== 'succeeded' && status !== 'failed' && status !== 'timed_out' && status !== 'declined') {
      throw new HttpError(400, 'bad_body', 'status must be one of running, succeeded, failed, timed_out, declined');
    }
    const exitCode = optNumber(b, 'exitCode');
    const outcome: ActionOutcome = { status, exitCode: exitCode ?? null, output: optString(b, 'output', 60_000), durationMs: optNumber(b, 'durationMs'), by: optString(b, 'by', 200) };
    return guarded(() => alerts.actionOutcome(params.id, outcome));
  });

  server.get('/deliveries', (q): Answer<'/deliveries'> =>
    stored.deliveries({ status: enumParam<DeliveryStatus>(q, 'status', ['pending', 'delivered', 'failed']), limit: intParam(q, 'limit', 100, 1, 10_000) }),
  );

  server.get('/errors/trend', (q): Answer<'/errors/trend'> => {
    const r = range(q, now(), DAY);
    return errorTrend(st, r.from, r.to, intParam(q, 'buckets', 48, 1, 1000), intParam(q, 'limit', 10, 1, 100));
  });
  server.get('/errors/groups/:fingerprint', (q, params): Answer<'/errors/groups/:fingerprint'> => {
    const [group] = queries.errorGroups({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1, fingerprint: params.fingerprint });
    if (!group) throw new HttpError(404, 'not_found', 'no error group with that fingerprint');
    const r = range(q, now(), 7 * DAY);
    return groupDetail(st, group, r.from, r.to, intParam(q, 'buckets', 48, 1, 1000));
  });
}
