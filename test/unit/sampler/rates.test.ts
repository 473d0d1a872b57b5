import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NET_COUNTERS, parseNetDev, type NetCounters } from '../../../agent/sampler/proc-parse';
import { counterDelta, summedRates } from '../../../agent/sampler/rates';

test('counterDelta is the advance of a counter, and 0 when it went back', () => {
  assert.equal(counterDelta(100, 250), 150);
  assert.equal(counterDelta(100, 100), 0);
  assert.equal(counterDelta(2 ** 32 - 10, 5), 0);
});

const dev = (rxBytes: number, txBytes: number, rxErrors = 0, txErrors = 0): NetCounters => ({ rxBytes, txBytes, rxErrors, txErrors, rxDropped: 0, txDropped: 0 });

test('summedRates sums per-device advances and divides by the elapsed seconds', () => {
  const prev = new Map([
    ['eth0', dev(1000, 500)],
    ['wlan0', dev(0, 0, 1, 0)],
  ]);
  const cur = new Map([
    ['eth0', dev(3000, 1500)],
    ['wlan0', dev(1000, 0, 3, 0)],
  ]);
  assert.deepEqual(summedRates(prev, cur, NET_COUNTERS, 2), { rxBytes: 1500, txBytes: 500, rxErrors: 1, txErrors: 0, rxDropped: 0, txDropped: 0 });
});

test('summedRates: a device that reset counts 0 while the others still count', () => {
  const prev = new Map([
    ['eth0', dev(10_000, 10_000)],
    ['eth1', dev(100, 100)],
  ]);
  const cur = new Map([
    ['eth0', dev(50, 20)],
    ['eth1', dev(300, 200)],
  ]);
  assert.deepEqual(summedRates(prev, cur, NET_COUNTERS, 1), { rxBytes: 200, txBytes: 100, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 });
});

test('summedRates: a new device has no baseline and a vanished one is dropped', () => {
  const prev = new Map([['usb0', dev(500, 500)]]);
  const cur = new Map([['eth0', dev(1e9, 1e9)]]);
  assert.deepEqual(summedRates(prev, cur, NET_COUNTERS, 1), { rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 });
});

test('summedRates is all zeros for the first reading (no time elapsed)', () => {
  const cur = new Map([['eth0', dev(1e9, 1e9)]]);
  assert.deepEqual(summedRates(cur, cur, NET_COUNTERS, 0), { rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 });
});

test('rates from two /proc/net/dev readings one and a half seconds apart', () => {
  const line = (rx: number, tx: number) =>
    `  eth0: ${rx} 10 0 0 0 0 0 0 ${tx} 10 0 0 0 0 0 0\n    lo: 9999999 1 0 0 0 0 0 0 9999999 1 0 0 0 0 0 0\n`;
  const rates = summedRates(parseNetDev(line(1000, 2000)), parseNetDev(line(4000, 2600)), NET_COUNTERS, 1.5);
  assert.deepEqual(rates, { rxBytes: 2000, txBytes: 400, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 });
});
