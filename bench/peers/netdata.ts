/**
 * A Netdata agent (Debian's package) started by the bench on its own
 * temporary config, cache, lib and log directories, web API and statsd bound
 * to free loopback ports, collecting every second, anonymous statistics off
 * (the opt-out file and DO_NOT_TRACK); Debian builds it without Netdata Cloud
 * or machine learning. Its scripts would still ask cloud metadata addresses
 * (169.254.169.254) what instance this is, at start, with curl: a `curl` and a
 * `wget` that fail at once come first on its PATH, so nothing it runs leaves
 * the machine. Started in the foreground and stopped by its pid, which takes
 * its plugins down with it.
 *
 * Two configurations:
 * - stock: everything else as the package ships it (proc, apps, cgroups,
 *   diskspace, tc, nfacct, statsd, health, the dbengine, the python.d and
 *   charts.d plugins, each of which keeps what it finds here);
 * - figures: only what Genmon's sampler reports (/proc/stat, meminfo,
 *   loadavg, diskstats, net/dev, and disk space), no other plugin, no
 *   health: the same job, to show what Netdata's own collection costs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep, stopProcess, trackChild } from '../lib';

export const NETDATA = '/usr/sbin/netdata';

export type NetdataConfig = 'stock' | 'figures';

export interface NetdataPeer {
  pid: number;
  /** How many charts it collects, from its API. */
  charts(): Promise<number | null>;
  stop(): Promise<void>;
}

/** Every /proc and /sys module of Netdata 1.37's proc plugin, with the ones Genmon's figures need kept. */
const PROC_MODULES = [
  '/proc/net/dev', '/proc/pagetypeinfo', '/proc/stat', '/proc/uptime', '/proc/loadavg', '/proc/sys/kernel/random/entropy_avail',
  '/proc/pressure', '/proc/interrupts', '/proc/softirqs', '/proc/vmstat', '/proc/meminfo', '/sys/kernel/mm/ksm', '/sys/block/zram',
  '/sys/devices/system/edac/mc', '/sys/devices/system/node', '/proc/net/wireless', '/proc/net/sockstat', '/proc/net/sockstat6',
  '/proc/net/netstat', '/proc/net/sctp/snmp', '/proc/net/softnet_stat', '/proc/net/ip_vs/stats', '/sys/class/infiniband',
  '/proc/net/stat/conntrack', '/proc/net/stat/synproxy', '/proc/diskstats', '/proc/mdstat', '/proc/net/rpc/nfsd', '/proc/net/rpc/nfs',
  '/proc/spl/kstat/zfs/arcstats', '/proc/spl/kstat/zfs/pool/state', '/sys/fs/btrfs', 'ipc', '/sys/class/power_supply',
];
const KEPT = new Set(['/proc/net/dev', '/proc/stat', '/proc/loadavg', '/proc/meminfo', '/proc/diskstats']);
const PLUGINS_OFF = [
  'timex', 'idlejitter', 'netdata monitoring', 'tc', 'cgroups', 'enable running new plugins', 'slabinfo', 'statsd', 'fping', 'apps',
  'ioping', 'python.d', 'perf', 'cups', 'charts.d', 'nfacct',
];

/**
 * A directory of network tools that refuse (curl's exit 7, "could not
 * connect") and write down what they were asked, to put first on the PATH.
 */
function offlineTools(dir: string): string {
  const bin = join(dir, 'offline-bin');
  mkdirSync(bin);
  for (const tool of ['curl', 'wget']) {
    const file = join(bin, tool);
    writeFileSync(file, `#!/bin/sh\necho "${tool} $*" >> '${join(dir, 'refused.log')}'\nexit 7\n`);
    chmodSync(file, 0o755);
  }
  return bin;
}

function configText(dir: string, config: NetdataConfig, webPort: number, statsdPort: number, path: string): string {
  const lines = [
    '[global]',
    // The package runs it as user netdata; the temporary directories are root's.
    '\trun as user = root',
    '[db]',
    '\tupdate every = 1',
    '[directories]',
    ...['config', 'cache', 'lib', 'log', 'home'].map((d) => `\t${d} = ${join(dir, d)}`),
    `\tlock = ${join(dir, 'lib', 'lock')}`,
    '[web]',
    `\tbind to = 127.0.0.1:${webPort}`,
    '[environment variables]',
    `\tPATH = ${path}`,
  ];
  if (config === 'stock') {
    lines.push('[statsd]', `\tbind to = udp:127.0.0.1:${statsdPort} tcp:127.0.0.1:${statsdPort}`);
  } else {
    lines.push('[plugins]', ...PLUGINS_OFF.map((p) => `\t${p} = no`), '\tproc = yes', '\tdiskspace = yes');
    lines.push('[health]', '\tenabled = no');
    lines.push('[plugin:proc]', ...PROC_MODULES.map((m) => `\t${m} = ${KEPT.has(m) ? 'yes' : 'no'}`));
  }
  return `${lines.join('\n')}\n`;
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
  });
}

export async function startNetdata(config: NetdataConfig): Promise<NetdataPeer> {
  const dir = mkdtempSync(join(tmpdir(), `genmon-bench-netdata-${config}-`));
  for (const d of ['config', 'cache', 'lib', 'log', 'home']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'config', '.opt-out-from-anonymous-statistics'), '');
  const webPort = await freePort();
  const statsdPort = await freePort();
  const confFile = join(dir, 'config', 'netdata.conf');
  const path = `${offlineTools(dir)}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`;
  writeFileSync(confFile, configText(dir, config, webPort, statsdPort, path));
  const out = openSync(join(dir, 'stdout.log'), 'w');
  const child: ChildProcess = trackChild(
    spawn(NETDATA, ['-D', '-c', confFile], { stdio: ['ignore', out, out], env: { ...process.env, PATH: path, DO_NOT_TRACK: '1' } }),
  );
  const stop = async () => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const api = `http://127.0.0.1:${webPort}/api/v1`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await getJson(`${api}/info`);
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        let log = '';
        try {
          log = readFileSync(join(dir, 'log', 'error.log'), 'utf8').trim().split('\n').slice(-3).join(' / ');
        } catch {
          log = readFileSync(join(dir, 'stdout.log'), 'utf8').trim().split('\n').slice(-3).join(' / ');
        }
        await stop();
        throw new Error(`Netdata (${config}) did not answer on ${api} (${child.exitCode === null ? 'timed out' : `exited ${child.exitCode}`}): ${log}`);
      }
      await sleep(250);
    }
  }
  return {
    pid: child.pid!,
    charts: async () => {
      try {
        const body = (await getJson(`${api}/charts`)) as { charts?: Record<string, unknown> };
        return body.charts ? Object.keys(body.charts).length : null;
      } catch {
        return null;
      }
    },
    stop,
  };
}
