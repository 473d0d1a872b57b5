/**
 * The OTLP/HTTP intake: `POST /v1/traces`, `/v1/logs`, `/v1/metrics` on the
 * agent's API server (same token, Host and Origin rules, checked before this
 * runs). A request is decoded, turned into lines of the run log format, and
 * committed as one `lines` journal record of a virtual source
 * (`otlp:traces`, ...), so it takes the same way as a log file: parsing,
 * processing rules, bad-line accounting, the raw-line archive, exactly-once
 * replay. The client gets its answer only once that record is durable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import type { OtlpSignalStatus, OtlpStatus } from '../api/types';
import type { SourceRef } from '../store/journal';
import { packLines } from '../store/pack';
import type { CommitItem } from '../store/store';
import { TraceBook } from './book';
import { decodeRequest, DecodeError } from './decode';
import { mapLogs } from './map-logs';
import { mapMetrics } from './map-metrics';
import { mapSpans, type Mapped, type OutEvent } from './map-traces';
import type { Signal } from './model';
import { TokenBucket } from './rate-limit';
import { GRPC, sendExportResponse, sendStatus, type Encoding } from './respond';

export const OTLP_PATHS: Record<Signal, string> = { traces: '/v1/traces', logs: '/v1/logs', metrics: '/v1/metrics' };

export interface OtlpLimits {
  /** Largest body on the wire (compressed or not). Default 4 MiB. */
  maxBodyBytes: number;
  /** Largest body after gunzip. Default 16 MiB. */
  maxDecodedBytes: number;
  /** Requests per second over all three endpoints, and the burst allowed above it. */
  requestsPerSecond: number;
  burst: number;
}

export const DEFAULT_OTLP_LIMITS: OtlpLimits = { maxBodyBytes: 4 * 1024 * 1024, maxDecodedBytes: 16 * 1024 * 1024, requestsPerSecond: 50, burst: 100 };

export interface IntakeStore {
  commit(items: CommitItem[]): Promise<{ lines: number; bad: number }[]>;
}

export interface OtlpIntakeOptions {
  store: IntakeStore;
  /** Whether a run is in the store already (after a restart, or from a log file). */
  runExists: (runId: string) => boolean;
  /** Where each virtual source's checkpoint stands, so offsets go on after a restart. */
  offsetOf: (key: string) => number;
  log: (message: string) => void;
  limits?: Partial<OtlpLimits>;
  now?: () => number;
}

const MAPPERS: Record<Signal, (body: Buffer, encoding: Encoding, book: TraceBook) => Mapped> = {
  traces: (b, e, book) => mapSpans(decodeRequest('traces', b, e), book),
  logs: (b, e, book) => mapLogs(decodeRequest('logs', b, e), book),
  metrics: (b, e) => mapMetrics(decodeRequest('metrics', b, e)),
};

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class OtlpIntake {
  private readonly limits: OtlpLimits;
  private readonly bucket: TokenBucket;
  private readonly book: TraceBook;
  private readonly offsets = new Map<Signal, number>();
  private readonly counters: Record<Signal, OtlpSignalStatus>;

  constructor(private readonly opts: OtlpIntakeOptions) {
    this.limits = { ...DEFAULT_OTLP_LIMITS, ...opts.limits };
    this.bucket = new TokenBucket(this.limits.requestsPerSecond, this.limits.burst, opts.now);
    this.book = new TraceBook(opts.runExists);
    const zero = (): OtlpSignalStatus => ({ requests: 0, bytes: 0, items: 0, events: 0, rejected: 0, ignored: 0, refused: 0, failed: 0, lastAt: null });
    this.counters = { traces: zero(), logs: zero(), metrics: zero() };
  }

  status(): OtlpStatus {
    return { paths: OTLP_PATHS, limits: { ...this.limits }, signals: structuredClone(this.counters) };
  }

  /** Answers one request; never rejects. */
  handle(signal: Signal, req: IncomingMessage, res: ServerResponse): void {
    const counter = this.counters[signal];
    counter.requests++;
    const encoding = encodingOf(req.headers['content-type']);
    const wait = this.bucket.take();
    if (wait > 0) {
      counter.refused++;
      req.resume();
      return sendStatus(res, 429, encoding ?? 'json', GRPC.resourceExhausted, `too many OTLP requests; retry after ${wait} s`, wait);
    }
    void this.process(signal, encoding, req, res).catch((err: Error) => {
      counter.failed++;
      if (err instanceof HttpFailure) return sendStatus(res, err.status, encoding ?? 'json', err.code, err.message, err.status === 503 ? 5 : undefined);
      this.opts.log(`OTLP ${signal} request failed: ${err.stack ?? err.message}`);
      sendStatus(res, 500, encoding ?? 'json', GRPC.unavailable, 'the agent could not take this request; see its log');
    });
  }

  private async process(signal: Signal, encoding: Encoding | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (encoding === null) {
      req.resume();
      throw new HttpFailure(415, GRPC.invalidArgument, 'send application/x-protobuf or application/json');
    }
    const body = await this.readBody(req);
    const counter = this.counters[signal];
    counter.bytes += body.length;
    let mapped: Mapped;
    try {
      mapped = MAPPERS[signal](body, encoding, this.book);
    } catch (err) {
      if (err instanceof DecodeError) throw new HttpFailure(400, GRPC.invalidArgument, err.message);
      throw err;
    }
    const events = ordered(mapped.events);
    let bad = 0;
    if (events.length > 0) {
      try {
        bad = await this.commit(signal, events);
      } catch (err) {
        this.book.forget(mapped.started);
        throw new HttpFailure(503, GRPC.unavailable, `the agent could not store the request: ${(err as Error).message}`);
      }
    }
    counter.items += events.length + mapped.rejected;
    counter.events += events.length - bad;
    counter.rejected += mapped.rejected + bad;
    counter.ignored += mapped.ignored;
    counter.lastAt = (this.opts.now ?? Date.now)();
    const messages = [...mapped.messages];
    if (mapped.rejected > mapped.messages.length && mapped.rejected > 0) messages.push(`${mapped.rejected} item(s) had missing or malformed ids or timestamps`);
    if (bad > 0) messages.push(`${bad} event(s) made from this request were set aside; GET /api/v1/ingest names the reasons`);
    sendExportResponse(res, signal, encoding, mapped.rejected + bad, messages.join('; '));
  }

  /** Journals the events as lines of the signal's virtual source; resolves to the number set aside as bad. */
  private async commit(signal: Signal, events: OutEvent[]): Promise<number> {
    const body = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    // Compressed before the offsets are taken, so records reach the store's queue in offset order.
    const packed = await packLines(body);
    const key = `otlp:${signal}`;
    const start = this.offsets.get(signal) ?? this.opts.offsetOf(key);
    const end = start + body.length;
    this.offsets.set(signal, end);
    const src: SourceRef = { key, path: `otlp:${OTLP_PATHS[signal]}`, fingerprint: null };
    const at = (this.opts.now ?? Date.now)();
    const [result] = await this.opts.store.commit([{ header: { kind: 'lines', at, src, start, end, size: end }, body, packed }]);
    return result?.bad ?? 0;
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const { maxBodyBytes, maxDecodedBytes } = this.limits;
    const coding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (!['gzip', 'x-gzip', 'identity', ''].includes(coding)) {
      req.resume();
      return Promise.reject(new HttpFailure(415, GRPC.invalidArgument, `Content-Encoding ${JSON.stringify(coding.slice(0, 40))} is not supported (use gzip or none)`));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          req.removeAllListeners('data');
          req.resume();
          reject(new HttpFailure(413, GRPC.invalidArgument, `the body is over ${maxBodyBytes} bytes; export smaller batches`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (coding !== 'gzip' && coding !== 'x-gzip') return resolve(raw);
        gunzip(raw, { maxOutputLength: maxDecodedBytes }, (err, out) => {
          if (!err) return resolve(out);
          const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|too large/i.test(err.message);
          reject(tooBig
            ? new HttpFailure(413, GRPC.invalidArgument, `the body is over ${maxDecodedBytes} bytes once decompressed`)
            : new HttpFailure(400, GRPC.invalidArgument, `the gzip body could not be decompressed: ${err.message}`));
        });
      });
      req.on('error', reject);
    });
  }
}

function encodingOf(contentType: string | undefined): Encoding | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

/** Each run's start first and end last, everything else by time: every event then finds its run started. */
function ordered(events: OutEvent[]): OutEvent[] {
  const rank = (e: OutEvent) => (e.type === 'run.started' ? 0 : e.type === 'run.ended' ? 2 : 1);
  return events.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.e.ts - b.e.ts || a.i - b.i).map((x) => x.e);
}
