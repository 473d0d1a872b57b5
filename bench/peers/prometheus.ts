/**
 * A Prometheus + Alertmanager pair fed the condition Genmon's NewErrorGroup
 * alert watches: an error of a new kind. The bench process serves both ends:
 * an exporter whose counter `genmon_bench_errors_total{kind}` gets a new
 * series when "a line is written", and the webhook Alertmanager posts to.
 *
 * Configuration, all on loopback and temporary directories:
 * - Prometheus with upstream's defaults: no `global` section, so scrape
 *   every 1 m and evaluate rules every 1 m. (Debian's sample config says
 *   15 s; the upstream defaults are what a config that leaves them out gets.)
 * - One rule, `genmon_bench_errors_total > 0`, `for` left at 0.
 * - Alertmanager's route defaults (group_wait 30 s, group_interval 5 m),
 *   grouped by `kind` so that each new kind is its own group and notifies
 *   after group_wait, as each new error group does in Genmon. With the
 *   default grouping (one group for everything) every kind after the first
 *   would wait for group_interval instead: the peer's best case is measured.
 * - Alertmanager's cluster listener, on by default on all interfaces, off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep, stopProcess, trackChild } from '../lib';

export const PROMETHEUS = '/usr/bin/prometheus';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

export interface AlertPair {
  /** "An error of a new kind": a new series at 1, seen at the next scrape. */
  newKind(kind: string): void;
  /** Resolves with performance.now() when Alertmanager posts the kind's alert. */
  waitFor(kind: string, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

async function waitReady(child: ChildProcess, url: string, logFile: string, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await httpOk(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' / ');
      throw new Error(`${name} did not become ready (${child.exitCode === null ? 'timed out' : `exited ${child.exitCode}`}): ${log}`);
    }
    await sleep(200);
  }
}

export async function startAlertPair(): Promise<AlertPair> {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-bench-prometheus-'));
  const series = new Map<string, number>();
  const waiting = new Map<string, (t: number) => void>();
  const arrived = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      const lines = ['# TYPE genmon_bench_errors_total counter', ...[...series].map(([kind, n]) => `genmon_bench_errors_total{kind="${kind}"} ${n}`)];
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      res.writeHead(200).end();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: { status: string; labels: Record<string, string> }[] };
        for (const alert of body.alerts ?? []) {
          const kind = alert.labels.kind;
          if (alert.status !== 'firing' || !kind || arrived.has(kind)) continue;
          arrived.set(kind, now);
          waiting.get(kind)?.(now);
        }
      } catch {
        // Not a webhook post; nothing to time.
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ownPort = (server.address() as { port: number }).port;
  const [promPort, amPort] = [await freePort(), await freePort()];

  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'rule_files: [rules.yml]',
      'alerting:',
      '  alertmanagers:',
      `    - static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]`,
      'scrape_configs:',
      '  - job_name: genmon-bench',
      `    static_configs: [{ targets: ['127.0.0.1:${ownPort}'] }]`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'rules.yml'), ['groups:', '  - name: genmon-bench', '    rules:', '      - alert: NewErrorGroup', '        expr: genmon_bench_errors_total > 0', ''].join('\n'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    ['route:', '  receiver: bench', '  group_by: [kind]', 'receivers:', '  - name: bench', '    webhook_configs:', `      - url: http://127.0.0.1:${ownPort}/webhook`, ''].join('\n'),
  );

  const children: ChildProcess[] = [];
  const start = (command: string, args: string[], name: string) => {
    const logFile = join(dir, `${name}.log`);
    const out = openSync(logFile, 'w');
    const child = trackChild(spawn(command, args, { stdio: ['ignore', out, out] }));
    children.push(child);
    return { child, logFile };
  };
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const am = start(
      ALERTMANAGER,
      [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn'],
      'alertmanager',
    );
    const prom = start(
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'],
      'prometheus',
    );
    await waitReady(am.child, `http://127.0.0.1:${amPort}/-/ready`, am.logFile, 'Alertmanager');
    await waitReady(prom.child, `http://127.0.0.1:${promPort}/-/ready`, prom.logFile, 'Prometheus');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    newKind: (kind) => series.set(kind, 1),
    waitFor: (kind, timeoutMs) => {
      const seen = arrived.get(kind);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiting.set(kind, resolve);
        setTimeout(() => reject(new Error(`no alert for ${kind} within ${timeoutMs / 1000} s`)), timeoutMs).unref();
      });
    },
    stop,
  };
}
