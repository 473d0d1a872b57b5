/**
 * Starts the processing rules in the agent: journals a `processing` record
 * whenever the rules or the enrichment values differ from those in force
 * (at start, and when the workspace's git HEAD moves), routes stored events
 * to the sinks, and serves `GET /processing`.
 */
import type { ApiServer } from '../../api/server';
import type { ProcessingStatus, Sample } from '../../api/types';
import type { Store } from '../../store/store';
import { SinkRouter } from '../../sinks/router';
import { readFacts, watchGit } from './facts';
import { processingState } from './pipeline';
import type { ProcessingConfig } from './rules';

export interface ProcessingOptions {
  config: ProcessingConfig | undefined;
  /** The agent's webhook, the webhook sink's default target. */
  webhookUrl: string | null;
  cwd: string;
  version: string;
  store: Store;
  server: ApiServer;
  log: (message: string) => void;
}

export interface RunningProcessing {
  sample(sample: Sample): void;
  stop(): Promise<void>;
}

export async function startProcessing(opts: ProcessingOptions): Promise<RunningProcessing> {
  const { config, store, log } = opts;
  const workspace = config?.enrich && config.enrich.workspace ? config.enrich.workspace : opts.cwd;
  let facts = readFacts(workspace, opts.version);
  const journalIfChanged = async () => {
    const next = JSON.stringify(processingState(config, facts));
    if (next === JSON.stringify(store.processing().state)) return;
    await store.commit([{ header: { kind: 'processing', at: Date.now() }, body: Buffer.from(next) }]);
  };
  await journalIfChanged();
  const enriching = !!config?.enrich && (config.enrich.fields ?? ['git_branch']).some((f) => f === 'git_branch' || f === 'git_commit');
  const stopWatching = enriching
    ? watchGit(workspace, () => {
        facts = readFacts(workspace, opts.version);
        journalIfChanged().catch((err: Error) => log(`could not journal the new git state: ${err.message}`));
      })
    : () => undefined;

  const webhookUrl = config?.sinks?.webhook ? (config.sinks.webhook.url ?? opts.webhookUrl) : null;
  if (config?.sinks?.webhook && !webhookUrl) log('processing.sinks.webhook has no url and the agent has no webhookUrl: the webhook sink is off');
  const router = new SinkRouter({
    otlp: config?.sinks?.otlp,
    webhook: config?.sinks?.webhook && webhookUrl ? { ...config.sinks.webhook, url: webhookUrl } : undefined,
    host: facts.host ?? 'unknown',
    version: opts.version,
    log,
  });
  if (router.active) store.onEvents((events) => router.route(events));

  opts.server.get('/processing', (): ProcessingStatus => {
    const { state, counts } = store.processing();
    return {
      ...counts,
      facts: state.facts as Record<string, string>,
      rules: { transform: state.transform.length, filter: state.filter.length, enrich: state.enrich !== null },
      sinks: router.status(),
    };
  });
  return {
    sample: (s) => router.sample(s),
    stop: async () => {
      stopWatching();
      await router.stop();
    },
  };
}
