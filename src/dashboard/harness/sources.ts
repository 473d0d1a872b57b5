/** Where the harness's controller gets its data: a fixture (optionally animated) or a real agent over HTTP. */
import { request, type ClientRequest } from 'node:http';
import { API_PREFIX, type Health, type PushMessage, type RunSummary, type Sample } from '../../../agent/api/types';
import type { AgentEndpoints, ConnectionState } from '../../agent/connection';
import type { DashboardSource } from '../controller';
import { summarize, type Fixture } from './fixture';
import { MetricsFixture } from './metrics-fixture';

class Emitter<T> {
  private readonly listeners = new Set<(value: T) => unknown>();
  readonly event = (listener: (value: T) => unknown) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
}

export interface HarnessSource extends DashboardSource {
  dispose(): void;
}

type Get = DashboardSource['get'];

/**
 * Answers from a fixture the way the agent would for any range. With
 * `live`, it also makes up a sample every second and a run every few
 * seconds, pushed like the agent's stream, so live updates can be watched.
 */
export class FixtureSource implements HarnessSource {
  state: ConnectionState;
  private readonly states = new Emitter<ConnectionState>();
  private readonly pushes = new Emitter<PushMessage>();
  readonly onDidChangeState = this.states.event;
  readonly onDidPush = this.pushes.event;
  private readonly timers: NodeJS.Timeout[] = [];
  private nextRun = 0;
  private readonly metrics: MetricsFixture;

  constructor(private readonly fixture: Fixture, live: boolean) {
    this.metrics = new MetricsFixture(fixture);
    this.state = { kind: 'connected', health: fixture.health };
    if (live) {
      this.timers.push(setInterval(() => this.liveSample(), 1000).unref(), setInterval(() => this.liveRun(), 4000).unref());
    }
  }

  setState(state: ConnectionState): void {
    this.state = state;
    this.states.fire(state);
  }

  push(message: PushMessage): void {
    if (message.type === 'run') {
      const i = this.fixture.runs.findIndex((r) => r.runId === message.run.runId);
      if (i >= 0) this.fixture.runs[i] = message.run;
      else this.fixture.runs.unshift(message.run);
    }
    if (message.type === 'sample') this.fixture.samples.push(message.sample);
    this.pushes.fire(message);
  }

  readonly get = (async (path: keyof AgentEndpoints, query: Record<string, number | string | undefined> = {}, params: Record<string, string> = {}) => {
    if (this.state.kind !== 'connected') throw new Error('the agent is not connected');
    const metric = this.metrics.answer(path, query, params);
    if (metric !== undefined) return metric;
    const f = this.fixture;
    const to = Number(query.to ?? Date.now());
    const from = Number(query.from ?? to - 24 * 3600_000);
    switch (path) {
      case '/health':
        return f.health;
      case '/summary':
        return summarize(f.runs, f.topErrors, f.phases, f.samples, from, to);
      case '/phases':
        return { ...f.phases, from, to };
      case '/errors/top':
        return f.topErrors.filter((e) => e.lastSeen >= from).slice(0, Number(query.limit ?? 10));
      case '/runs': {
        const before = query.before === undefined ? Infinity : Number(query.before);
        return f.runs.filter((r) => r.startedAt < before).slice(0, Number(query.limit ?? 100));
      }
      case '/runs/:id': {
        const run = f.runs.find((r) => r.runId === params.id);
        if (!run) throw new Error(`no run with id ${params.id}`);
        return { run, phases: [], inferences: [], errors: [], quality: [], feedback: [], modifications: 0 };
      }
      case '/samples': {
        const inRange = f.samples.filter((s) => s.ts >= from && s.ts <= to);
        const stride = Math.ceil(inRange.length / Number(query.maxPoints ?? 1000));
        return stride <= 1 ? inRange : inRange.filter((_, i) => i % stride === 0);
      }
      default:
        throw new Error(`the fixture has no answer for ${path}`);
    }
  }) as Get;

  dispose(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private liveSample(): void {
    const last = this.fixture.samples[this.fixture.samples.length - 1];
    const cpu = Math.max(2, Math.min(98, (last?.cpu ?? 30) + (Math.random() - 0.5) * 12));
    const sample: Sample = { ...(last ?? ({} as Sample)), ts: Date.now(), cpu, netRxBytes: 2e5 + Math.random() * 2e6 };
    this.push({ type: 'sample', sample });
  }

  private liveRun(): void {
    const startedAt = Date.now();
    const run: RunSummary = {
      runId: `live-${this.nextRun++}`, status: 'running', app: 'live-demo', projectType: 'web', template: null, userId: null, sessionId: null,
      regenerates: null, features: [], startedAt, endedAt: null, durationMs: null, errorCount: 0, currentPhase: 'blueprint', source: null,
    };
    this.push({ type: 'run', run });
    this.push({ type: 'phase', runId: run.runId, phase: { phase: 'codegen', attempt: 1, status: 'running', startedAt: startedAt + 500, endedAt: null, durationMs: null } });
    const end = setTimeout(() => {
      const failed = Math.random() < 0.25;
      const endedAt = Date.now();
      if (failed) {
        this.push({ type: 'error', error: { id: startedAt, ts: endedAt, runId: run.runId, category: 'validation', severity: 'error', message: 'live demo: validation failed', stack: null, context: null, phase: 'validation' } });
      }
      this.push({ type: 'run', run: { ...run, status: failed ? 'failed' : 'success', endedAt, durationMs: endedAt - startedAt, currentPhase: failed ? 'validation' : null, errorCount: failed ? 1 : 0 } });
    }, 2500);
    end.unref();
    this.timers.push(end);
  }
}

/** A real agent, reached like the extension does: bearer token, no Origin header, the SSE push stream. */
export class AgentHttpSource implements HarnessSource {
  state: ConnectionState = { kind: 'starting' };
  private readonly states = new Emitter<ConnectionState>();
  private readonly pushes = new Emitter<PushMessage>();
  readonly onDidChangeState = this.states.event;
  readonly onDidPush = this.pushes.event;
  private stream: ClientRequest | null = null;
  private retry: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(private readonly url: string, private readonly token: string) {
    void this.connect();
  }

  readonly get = (async (path: keyof AgentEndpoints, query: Record<string, number | string | undefined> = {}, params: Record<string, string> = {}) => {
    const filled = path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
    const { status, body } = await this.request(`${filled}${search.size ? `?${search}` : ''}`);
    if (status !== 200) throw new Error(`GET ${filled}: ${status} ${body.slice(0, 200)}`);
    return JSON.parse(body);
  }) as Get;

  dispose(): void {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.stream?.destroy();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.states.fire(state);
  }

  private async connect(): Promise<void> {
    try {
      const health = (await this.get('/health')) as Health;
      if (this.disposed) return;
      this.setState({ kind: 'connected', health });
      this.openStream();
    } catch (err) {
      this.lost(err instanceof Error ? err.message : String(err));
    }
  }

  private lost(message: string): void {
    if (this.disposed) return;
    this.stream = null;
    this.setState({ kind: 'unreachable', message, retryInMs: 2000 });
    this.retry = setTimeout(() => void this.connect(), 2000);
  }

  private openStream(): void {
    const req = request(`${this.url}${API_PREFIX}/stream`, { headers: { Authorization: `Bearer ${this.token}` } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) this.pushes.fire(JSON.parse(data) as PushMessage);
        }
      });
      res.on('end', () => this.lost('the push stream ended'));
    });
    req.on('error', (err) => this.lost(err.message));
    req.end();
    this.stream = req;
  }

  private request(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(`${this.url}${API_PREFIX}${path}`, { headers: { Authorization: `Bearer ${this.token}` }, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', reject);
      req.end();
    });
  }
}
