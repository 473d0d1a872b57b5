/**
 * The agent's local HTTP API and its Server-Sent Events push stream.
 *
 * Plain node:http rather than a framework: the API is a dozen GET routes,
 * and every request must pass the Host, Origin and token checks before
 * anything else looks at it, which is clearest written out in one place.
 * Loopback only; no CORS headers are ever sent, so a browser page cannot
 * read an answer even if it guessed the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PREFIX, type ApiError, type PushMessage } from './types';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Query = URLSearchParams;
export type Handler = (query: Query, params: Record<string, string>) => unknown;
export type ActionHandler = (body: unknown, params: Record<string, string>) => Promise<unknown>;
/** Takes the request as it comes (after the Host, Origin and token checks) and answers it itself. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;
/** A GET answered with its own content type, at a path outside the API prefix (`/metrics`). */
export type RawGetHandler = () => Promise<{ contentType: string; body: string }>;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  names: string[];
  handler: (query: Query, params: Record<string, string>, body: unknown) => unknown;
}

/** Largest request body accepted (the API's actions are small JSON objects). */
const MAX_BODY = 64 * 1024;

export interface ApiServerOptions {
  token: string;
  host?: string;
  port?: number;
  log: (message: string) => void;
  /** First message of every push stream. */
  hello: () => PushMessage;
}

const PING_MS = 15_000;
/** A push client this far behind is dropped rather than buffered without bound. */
const MAX_CLIENT_BUFFER = 4 * 1024 * 1024;

export class ApiServer {
  private readonly routes: Route[] = [];
  private readonly rawRoutes = new Map<string, RawHandler>();
  private readonly rawGets = new Map<string, RawGetHandler>();
  private readonly clients = new Set<ServerResponse>();
  private server: Server | null = null;
  private ping: NodeJS.Timeout | null = null;
  private readonly tokenDigest: Buffer;
  private port = 0;

  constructor(private readonly opts: ApiServerOptions) {
    this.tokenDigest = digest(opts.token);
  }

  /** Registers `GET /api/v1<path>`; `:name` segments become params. */
  get(path: string, handler: Handler): void {
    this.route('GET', path, (query, params) => handler(query, params));
  }

  /** Registers `GET <path>` (no API prefix), under the same Host, Origin and token checks. */
  getRaw(path: string, handler: RawGetHandler): void {
    this.rawGets.set(path, handler);
  }

  /** Registers `POST /api/v1<path>` taking a JSON body. */
  post(path: string, handler: ActionHandler): void {
    this.route('POST', path, (_query, params, body) => handler(body, params));
  }

  /** Registers `POST <path>` outside the API prefix, read and answered by `handler` (the OTLP intake). */
  rawPost(path: string, handler: RawHandler): void {
    this.rawRoutes.set(path, handler);
  }

  private route(method: Route['method'], path: string, handler: Route['handler']): void {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${API_PREFIX}${path.replace(/\//g, '\\/').replace(/:(\w+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, names, handler });
  }

  async listen(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.ping = setInterval(() => this.broadcastRaw(': ping\n\n'), PING_MS).unref();
    return `http://127.0.0.1:${this.port}`;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  push(message: PushMessage): void {
    if (this.clients.size > 0) this.broadcastRaw(`data: ${JSON.stringify(message)}\n\n`);
  }

  private broadcastRaw(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_CLIENT_BUFFER) {
        res.destroy();
        this.clients.delete(res);
        continue;
      }
      res.write(text);
    }
  }

  async close(): Promise<void> {
    if (this.ping) clearInterval(this.ping);
    for (const res of this.clients) res.end();
    this.clients.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Why a request is refused before routing, or null to let it through. */
  private refusal(req: IncomingMessage): HttpError | null {
    const host = req.headers.host ?? '';
    const allowed = [`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`];
    if (!allowed.includes(host.toLowerCase())) {
      return new HttpError(403, 'forbidden_host', 'the Host header must name this agent on loopback');
    }
    if (req.headers.origin !== undefined) {
      return new HttpError(403, 'forbidden_origin', 'requests from web pages (with an Origin header) are refused');
    }
    const auth = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(auth);
    if (!match) return new HttpError(401, 'unauthorized', 'missing bearer token (see the discovery file)');
    if (!timingSafeEqual(digest(match[1]), this.tokenDigest)) return new HttpError(401, 'unauthorized', 'wrong token');
    return null;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const refused = this.refusal(req);
    if (refused) {
      req.resume();
      return this.fail(res, refused);
    }
    if (req.method !== 'GET' && req.method !== 'POST') return this.fail(res, new HttpError(405, 'method_not_allowed', `${req.method} is not supported`));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    } catch {
      return this.fail(res, new HttpError(400, 'bad_url', 'the request URL could not be parsed'));
    }
    if (url.pathname === `${API_PREFIX}/stream`) return this.stream(req, res);
    const rawGet = this.rawGets.get(url.pathname);
    if (rawGet && req.method === 'GET') {
      void rawGet().then(
        (answer) => {
          res.writeHead(200, { 'Content-Type': answer.contentType });
          res.end(answer.body);
        },
        (err: Error) => {
          this.opts.log(`GET ${url.pathname} failed: ${err.stack ?? err}`);
          this.fail(res, new HttpError(500, 'internal', 'the agent could not answer; see its log'));
        },
      );
      return;
    }
    const raw = this.rawRoutes.get(url.pathname);
    if (raw) {
      if (req.method !== 'POST') return this.fail(res, new HttpError(405, 'method_not_allowed', `use POST for ${url.pathname}`));
      return raw(req, res);
    }
    // A path may have both a GET and a POST route (list and create).
    const matching = this.routes.filter((r) => r.pattern.test(url.pathname));
    const route = matching.find((r) => r.method === req.method);
    if (route) {
      void this.answer(req, res, route, url, route.pattern.exec(url.pathname)!);
      return;
    }
    if (matching.length > 0) return this.fail(res, new HttpError(405, 'method_not_allowed', `use ${matching[0].method} for ${url.pathname}`));
    this.fail(res, new HttpError(404, 'not_found', `no endpoint ${url.pathname}`));
  }

  private async answer(req: IncomingMessage, res: ServerResponse, route: Route, url: URL, m: RegExpExecArray): Promise<void> {
    try {
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodePathSegment(m[i + 1])));
      const body = route.method === 'POST' ? await readJson(req) : undefined;
      const answer = JSON.stringify(await route.handler(url.searchParams, params, body));
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(answer);
    } catch (err) {
      if (err instanceof HttpError) return this.fail(res, err);
      this.opts.log(`${req.method} ${url.pathname} failed: ${(err as Error).stack ?? err}`);
      this.fail(res, new HttpError(500, 'internal', 'the agent could not answer; see its log'));
    }
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    res.write(`data: ${JSON.stringify(this.opts.hello())}\n\n`);
    this.clients.add(res);
    req.socket.setNoDelay(true);
    req.on('close', () => this.clients.delete(res));
  }

  private fail(res: ServerResponse, err: HttpError): void {
    const body: ApiError = { error: err.code, message: err.message };
    res.writeHead(err.status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

/** A JSON request body, refused past `MAX_BODY` or without a JSON content type. */
function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    req.resume();
    return Promise.reject(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'body_too_large', `the body is over ${MAX_BODY} bytes`));
        // Keep draining without storing, so the answer still reaches the client.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'bad_json', 'the body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'bad_url', `the path segment ${JSON.stringify(segment.slice(0, 60))} is not valid percent-encoding`);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Reads an optional integer query parameter, refusing anything else with a clear 400. */
export function intParam(query: Query, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d{1,16}$/.test(raw)) throw new HttpError(400, 'bad_parameter', `${name} must be an integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  const value = Number(raw);
  if (value < min || value > max) throw new HttpError(400, 'bad_parameter', `${name} must be between ${min} and ${max}`);
  return value;
}

/** Reads an optional parameter that must be one of `allowed`. */
export function enumParam<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new HttpError(400, 'bad_parameter', `${name} must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}
