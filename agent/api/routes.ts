/** The API's endpoints: query parameters checked, then answered from the store's queries. */
import type { Queries } from '../store/queries';
import { ERROR_CATEGORIES, SEVERITIES } from '../ingest/events';
import type { ApiServer, Query } from './server';
import { enumParam, HttpError, intParam } from './server';
import { ERROR_GROUP_STATUSES, type Actions, type AlertView, type Sample, type Endpoints, type ErrorGroupStatus, type Health, type RunStatus } from './types';

const DAY = 24 * 3600_000;
const RUN_STATUSES: readonly RunStatus[] = ['running', 'success', 'failed', 'partial'];

export interface RouteDeps {
  queries: Queries;
  health: () => Health;
  now: () => number;
  /** Pending and firing alerts. */
  alerts: () => AlertView[];
  /** The newest machine sample, which may not be journaled yet (samples are stored in batches). */
  liveSample: () => Sample | null;
  /** Journals a user's change of an error group's status. */
  setGroupStatus: (fingerprint: string, status: ErrorGroupStatus) => Promise<void>;
}

function range(query: Query, now: number): { from: number; to: number } {
  const to = intParam(query, 'to', now);
  const from = intParam(query, 'from', to - DAY);
  if (from > to) throw new HttpError(400, 'bad_parameter', 'from must not be after to');
  return { from, to };
}

type Answer<P extends keyof Endpoints> = Endpoints[P]['response'];

export function registerRoutes(server: ApiServer, { queries, health, alerts, liveSample, now, setGroupStatus }: RouteDeps): void {
  server.get('/health', (): Answer<'/health'> => health());
  server.get('/summary', (q): Answer<'/summary'> => {
    const summary = queries.summary(range(q, now()));
    const live = liveSample();
    if (live && (!summary.latestSample || live.ts > summary.latestSample.ts)) summary.latestSample = live;
    return summary;
  });
  server.get('/runs', (q): Answer<'/runs'> =>
    queries.runs({
      limit: intParam(q, 'limit', 100, 1, 10_000),
      before: q.has('before') ? intParam(q, 'before', 0) : undefined,
      status: enumParam(q, 'status', RUN_STATUSES),
    }),
  );
  server.get('/runs/:id', (_q, params): Answer<'/runs/:id'> => {
    const detail = queries.run(params.id);
    if (!detail) throw new HttpError(404, 'not_found', `no run with id ${JSON.stringify(params.id.slice(0, 200))}`);
    return detail;
  });
  server.get('/phases', (q): Answer<'/phases'> => queries.phases(range(q, now())));
  server.get('/errors', (q): Answer<'/errors'> =>
    queries.errors({
      ...range(q, now()),
      limit: intParam(q, 'limit', 200, 1, 10_000),
      category: enumParam(q, 'category', ERROR_CATEGORIES),
      severity: enumParam(q, 'severity', SEVERITIES),
      runId: q.get('runId') ?? undefined,
    }),
  );
  server.get('/errors/groups', (q): Answer<'/errors/groups'> =>
    queries.errorGroups({
      ...range(q, now()),
      limit: intParam(q, 'limit', 100, 1, 10_000),
      status: enumParam(q, 'status', ERROR_GROUP_STATUSES),
      category: enumParam(q, 'category', ERROR_CATEGORIES),
    }),
  );
  server.post('/errors/groups/:fingerprint/status', async (body, params): Promise<Actions['/errors/groups/:fingerprint/status']['response']> => {
    const status = (body as { status?: unknown } | null)?.status;
    if (typeof status !== 'string' || !(ERROR_GROUP_STATUSES as readonly string[]).includes(status)) {
      throw new HttpError(400, 'bad_body', `status must be one of ${ERROR_GROUP_STATUSES.join(', ')}`);
    }
    const everything = { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1, fingerprint: params.fingerprint };
    if (queries.errorGroups(everything).length === 0) throw new HttpError(404, 'not_found', 'no error group with that fingerprint');
    await setGroupStatus(params.fingerprint, status as ErrorGroupStatus);
    return queries.errorGroups(everything)[0];
  });
  server.get('/errors/top', (q): Answer<'/errors/top'> => queries.topErrors({ ...range(q, now()), limit: intParam(q, 'limit', 10, 1, 1000) }));
  server.get('/samples', (q): Answer<'/samples'> =>
    queries.samples({ ...range(q, now()), maxPoints: intParam(q, 'maxPoints', 1000, 2, 100_000) }),
  );
  server.get('/alerts', (): Answer<'/alerts'> => alerts());
  server.get('/ingest', (): Answer<'/ingest'> => queries.ingest());
}
