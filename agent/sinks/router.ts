/**
 * Routing: the local store always has every event; these sinks get the ones
 * their `when` matchers select (all when absent), after the processing
 * rules. Delivery is at most once: what waits in a queue when the agent is
 * killed is not sent.
 */
import type { Sample, SinkStatus } from '../api/types';
import type { EventBase } from '../ingest/events';
import { matches } from '../ingest/processing/pipeline';
import type { DeliveryOptions, OtlpSinkConfig, WebhookSinkConfig } from '../ingest/processing/rules';
import { Batcher, postJson } from './batcher';
import { logsRequest, metricsRequest, resourceOf } from './otlp-export';

export interface SinkRouterOptions {
  otlp?: OtlpSinkConfig;
  webhook?: WebhookSinkConfig & { url: string };
  host: string;
  version: string;
  log: (message: string) => void;
}

interface Route {
  when: DeliveryOptions['when'];
  batcher: Batcher<EventBase>;
}

function delivery(o: DeliveryOptions): { batchSize: number; flushMs: number; timeoutMs: number; retries: number; maxQueue: number } {
  return { batchSize: o.batchSize ?? 256, flushMs: o.flushMs ?? 1000, timeoutMs: o.timeoutMs ?? 10_000, retries: o.retries ?? 3, maxQueue: o.maxQueue ?? 10_000 };
}

export class SinkRouter {
  private readonly routes: Route[] = [];
  private readonly samples: Batcher<Sample> | null = null;

  constructor(opts: SinkRouterOptions) {
    const resource = resourceOf(opts.host, opts.version);
    if (opts.otlp) {
      const base = opts.otlp.endpoint.replace(/\/+$/, '');
      const headers = opts.otlp.headers ?? {};
      const logsUrl = new URL(`${base}/v1/logs`);
      this.routes.push({
        when: opts.otlp.when,
        batcher: new Batcher<EventBase>({
          name: 'otlp', target: logsUrl.href, log: opts.log, ...delivery(opts.otlp),
          send: (events, timeoutMs) => postJson(logsUrl, logsRequest(events, resource, opts.version, Date.now()), headers, timeoutMs),
        }),
      });
      if (opts.otlp.samples) {
        const metricsUrl = new URL(`${base}/v1/metrics`);
        this.samples = new Batcher<Sample>({
          name: 'otlp', target: metricsUrl.href, log: opts.log, ...delivery(opts.otlp), batchSize: 60, flushMs: 10_000,
          send: (samples, timeoutMs) => postJson(metricsUrl, metricsRequest(samples, resource, opts.version), headers, timeoutMs),
        });
      }
    }
    if (opts.webhook) {
      const url = new URL(opts.webhook.url);
      this.routes.push({
        when: opts.webhook.when,
        batcher: new Batcher<EventBase>({
          name: 'webhook', target: url.href, log: opts.log, ...delivery(opts.webhook),
          send: (events, timeoutMs) => postJson(url, { source: 'genmon', host: opts.host, events }, {}, timeoutMs),
        }),
      });
    }
  }

  get active(): boolean {
    return this.routes.length > 0;
  }

  route(events: EventBase[]): void {
    for (const r of this.routes) {
      const chosen = r.when ? events.filter((e) => matches(r.when!, e)) : events;
      if (chosen.length > 0) r.batcher.add(chosen);
    }
  }

  sample(sample: Sample): void {
    this.samples?.add([sample]);
  }

  status(): SinkStatus[] {
    const out = this.routes.map((r) => r.batcher.status());
    if (this.samples) out.push({ ...this.samples.status(), name: 'otlp' });
    return out;
  }

  async drain(): Promise<void> {
    await Promise.all([...this.routes.map((r) => r.batcher.drain()), this.samples?.drain()]);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.routes.map((r) => r.batcher.stop()), this.samples?.stop()]);
  }
}
