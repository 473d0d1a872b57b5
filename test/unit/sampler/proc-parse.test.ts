import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  busyPercent,
  countEstablished,
  countProcesses,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
  wholeDisks,
} from '../../../agent/sampler/proc-parse';

const STAT_BEFORE = `cpu  1000 0 500 8000 100 0 0 0 0 0
cpu0 600 0 200 4000 0 0 0 0 0 0
cpu1 400 0 300 4000 100 0 0 0 0 0
intr 201159 0 0 0
ctxt 502406
processes 4500
`;
// 200 jiffies later: cpu0 fully busy, cpu1 idle or waiting on I/O.
const STAT_AFTER = `cpu  1090 10 500 8090 110 0 0 0 0 0
cpu0 690 10 200 4000 0 0 0 0 0 0
cpu1 400 0 300 4090 110 0 0 0 0 0
intr 201300 0 0 0
`;

test('parseProcStat reads the total and every core; iowait counts as idle', () => {
  const stat = parseProcStat(STAT_BEFORE);
  assert.deepEqual(stat.all, { busy: 1500, total: 9600 });
  assert.deepEqual(stat.cores, [
    { busy: 800, total: 4800 },
    { busy: 700, total: 4800 },
  ]);
});

test('parseProcStat does not add guest time, which user time already holds', () => {
  const stat = parseProcStat('cpu  100 0 0 100 0 0 0 0 50 0\n');
  assert.deepEqual(stat.all, { busy: 100, total: 200 });
});

test('parseProcStat places cores by number, an offline core reading as zero', () => {
  const stat = parseProcStat('cpu  2 0 0 2 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\ncpu2 1 0 0 1 0 0 0 0 0 0\n');
  assert.equal(stat.cores.length, 3);
  assert.deepEqual(stat.cores[1], { busy: 0, total: 0 });
});

test('busyPercent is the busy share of the jiffies between two readings, whole machine and per core', () => {
  const before = parseProcStat(STAT_BEFORE);
  const after = parseProcStat(STAT_AFTER);
  // 100 busy of 200 jiffies on both cores together; cpu0 busy throughout, cpu1 not at all.
  assert.equal(busyPercent(before.all, after.all), 50);
  assert.equal(busyPercent(before.cores[0], after.cores[0]), 100);
  assert.equal(busyPercent(before.cores[1], after.cores[1]), 0);
});

test('busyPercent gives 0 when counters stood still or went back', () => {
  const a = { busy: 100, total: 200 };
  assert.equal(busyPercent(a, a), 0);
  assert.equal(busyPercent(a, { busy: 50, total: 300 }), 0);
  assert.equal(busyPercent(a, { busy: 150, total: 100 }), 0);
});

test('parseMeminfo gives bytes, used = total - available, swap used = total - free', () => {
  const mem = parseMeminfo(`MemTotal:       16000000 kB
MemFree:         1000000 kB
MemAvailable:    6000000 kB
Buffers:          100000 kB
Cached:          4000000 kB
SwapCached:            0 kB
SwapTotal:       2000000 kB
SwapFree:        1500000 kB
`);
  assert.deepEqual(mem, {
    memTotal: 16000000 * 1024,
    memAvailable: 6000000 * 1024,
    memUsed: 10000000 * 1024,
    swapTotal: 2000000 * 1024,
    swapUsed: 500000 * 1024,
  });
});

test('parseMeminfo estimates available memory on kernels without MemAvailable, matching keys at line starts only', () => {
  const mem = parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nSwapCached: 999 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n');
  assert.equal(mem.memAvailable, 400 * 1024);
  assert.equal(mem.memUsed, 600 * 1024);
  assert.equal(mem.swapUsed, 0);
});

test('parseLoadavg reads the three averages and the thread count', () => {
  assert.deepEqual(parseLoadavg('0.52 0.61 1.05 3/1234 98765\n'), { load1: 0.52, load5: 0.61, load15: 1.05, threads: 1234 });
});

test('countProcesses counts the numeric /proc entries only', () => {
  assert.equal(countProcesses(['1', '2', '4487', 'self', 'thread-self', 'stat', 'net', 'sys']), 3);
});

test('wholeDisks keeps physical disks and drops loop, ram, zram, device-mapper and md', () => {
  const disks = wholeDisks(['sda', 'nvme0n1', 'vda', 'sr0', 'loop0', 'loop7', 'ram0', 'zram0', 'dm-0', 'md127']);
  assert.deepEqual([...disks].sort(), ['nvme0n1', 'sda', 'sr0', 'vda']);
});

const DISKSTATS = `   7       0 loop0 50 0 800 0 0 0 0 0 0 4 4 0 0 0 0 0 0
   8       0 sda 1000 20 40000 500 2000 30 80000 900 0 1200 1400 0 0 0 0 0 0
   8       1 sda1 900 20 36000 450 1900 30 76000 850 0 1100 1300 0 0 0 0 0 0
 259       0 nvme0n1 10 0 100 1 20 0 200 2 0 3 3 0 0 0 0 0 0
 259       1 nvme0n1p1 10 0 100 1 20 0 200 2 0 3 3 0 0 0 0 0 0
 253       0 dm-0 1000 0 40000 500 2000 0 80000 900 0 1200 1400 0 0 0 0 0 0
`;

test('parseDiskstats reads whole disks only, so partitions and stacked devices are not counted twice', () => {
  const counters = parseDiskstats(DISKSTATS, wholeDisks(['sda', 'nvme0n1', 'loop0', 'dm-0']));
  assert.deepEqual([...counters.keys()], ['sda', 'nvme0n1']);
  // Time spent: 500 ms reading and 900 ms writing.
  assert.deepEqual(counters.get('sda'), { readOps: 1000, readBytes: 40000 * 512, writeOps: 2000, writeBytes: 80000 * 512, ioMs: 1400 });
});

test('parseDiskstats accepts the 14-field lines of old kernels', () => {
  const counters = parseDiskstats('   8       0 sda 1 0 2 0 3 0 4 0 0 0 0\n', new Set(['sda']));
  assert.deepEqual(counters.get('sda'), { readOps: 1, readBytes: 1024, writeOps: 3, writeBytes: 2048, ioMs: 0 });
});

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  eth0: 186292311    5825    2    7    0     0          0         0   664458    4315    1    3    0     0       0          0
wlan0:123456789 100 0 0 0 0 0 0 987 10 0 0 0 0 0 0
`;

test('parseNetDev reads every interface but loopback, also when a counter touches the colon', () => {
  const counters = parseNetDev(NET_DEV);
  assert.deepEqual([...counters.keys()], ['eth0', 'wlan0']);
  assert.deepEqual(counters.get('eth0'), { rxBytes: 186292311, rxErrors: 2, rxDropped: 7, txBytes: 664458, txErrors: 1, txDropped: 3 });
  assert.deepEqual(counters.get('wlan0'), { rxBytes: 123456789, rxErrors: 0, rxDropped: 0, txBytes: 987, txErrors: 0, txDropped: 0 });
});

test('countEstablished counts the connections in state 01 of a /proc/net/tcp table', () => {
  const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0000000000000000 20 4 30 10 -1
   2: 0A00020F:C352 8EFA4A2E:01BB 01 00000000:00000000 02:00000A2B 00000000  1000        0 3 2 0000000000000000 20 4 30 10 -1
   3: 0A00020F:C354 8EFA4A2E:01BB 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000
`;
  assert.equal(countEstablished(table), 2);
  assert.equal(countEstablished(''), 0);
});
