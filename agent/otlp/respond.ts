/**
 * OTLP/HTTP answers, in the encoding of the request: an Export*ServiceResponse
 * (with `partial_success` when some items were rejected) on success, a
 * google.rpc.Status on failure, as the OTLP/HTTP specification asks.
 */
import type { ServerResponse } from 'node:http';
import { loadProto } from './proto-loader';
import type { Signal } from './model';

/** gRPC status codes used in the Status body. */
export const GRPC = { invalidArgument: 3, resourceExhausted: 8, unavailable: 14, unauthenticated: 16 } as const;

const REJECTED_FIELD: Record<Signal, string> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints' };

export type Encoding = 'json' | 'protobuf';

export function sendExportResponse(res: ServerResponse, signal: Signal, encoding: Encoding, rejected: number, message: string): void {
  const partial = rejected > 0 || message ? { [REJECTED_FIELD[signal]]: rejected, errorMessage: message } : null;
  if (encoding === 'json') {
    const body = partial ? { partialSuccess: { ...partial, [REJECTED_FIELD[signal]]: String(rejected) } } : {};
    return send(res, 200, 'application/json', Buffer.from(JSON.stringify(body)));
  }
  const type = loadProto().RESPONSE_TYPES[signal];
  const bytes = type.encode(type.fromObject(partial ? { partialSuccess: partial } : {})).finish();
  send(res, 200, 'application/x-protobuf', Buffer.from(bytes));
}

export function sendStatus(res: ServerResponse, http: number, encoding: Encoding, code: number, message: string, retryAfterS?: number): void {
  const headers: Record<string, string> = retryAfterS ? { 'Retry-After': String(retryAfterS) } : {};
  if (encoding === 'json') return send(res, http, 'application/json', Buffer.from(JSON.stringify({ code, message })), headers);
  send(res, http, 'application/x-protobuf', Buffer.from(encodeStatus(code, message)), headers);
}

function send(res: ServerResponse, status: number, type: string, body: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length, ...headers });
  res.end(body);
}

function encodeStatus(code: number, message: string): Uint8Array {
  const { STATUS } = loadProto();
  return STATUS.encode(STATUS.fromObject({ code, message })).finish();
}
