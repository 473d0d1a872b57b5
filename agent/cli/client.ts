/** A minimal API client for the CLI and tests: discovery file, token, GET. */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { discoveryPath } from '../api/discovery';
import { API_PREFIX, type DiscoveryFile } from '../api/types';

export function readDiscovery(dataDir: string): DiscoveryFile | null {
  try {
    return JSON.parse(readFileSync(discoveryPath(dataDir), 'utf8')) as DiscoveryFile;
  } catch {
    return null;
  }
}

export interface RawResponse {
  status: number;
  body: string;
}

/** GET with explicit headers (tests use it to send wrong tokens, hosts and origins). */
export function rawGet(url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<RawResponse> {
  return rawRequest('GET', url, headers, undefined, timeoutMs);
}

export function rawRequest(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function apiPost<T>(agent: DiscoveryFile, path: string, body: unknown, timeoutMs = 10_000): Promise<T> {
  const res = await rawRequest('POST', `${agent.url}${API_PREFIX}${path}`, { Authorization: `Bearer ${agent.token}`, 'Content-Type': 'application/json' }, JSON.stringify(body), timeoutMs);
  if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}

export async function apiGet<T>(agent: DiscoveryFile, path: string): Promise<T> {
  const res = await rawGet(`${agent.url}${API_PREFIX}${path}`, { Authorization: `Bearer ${agent.token}` });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}
