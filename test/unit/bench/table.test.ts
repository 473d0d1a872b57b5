import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentileOf } from '../../../bench/lib';
import { formatNumber, holds, ratioOf, renderTable, resolveRow, targetText, verdictOf, type Row } from '../../../bench/table';

const cpu: Row = {
  id: 'cpu.agent',
  figure: 'agent CPU',
  value: 0.2,
  unit: '% of a core',
  target: { op: '<', value: 0.3, spec: 1 },
  peers: [
    { name: 'Netdata', value: 0.9 },
    { name: 'naive poll', value: null, why: 'systeminformation failed' },
  ],
  ratioTarget: { op: '<=', value: 1 / 3 },
};

test('holds compares with each operator, bounds included only by <= and >=', () => {
  assert.equal(holds({ op: '<', value: 1 }, 1), false);
  assert.equal(holds({ op: '<=', value: 1 }, 1), true);
  assert.equal(holds({ op: '>', value: 1 }, 1), false);
  assert.equal(holds({ op: '>=', value: 1 }, 1), true);
  assert.equal(holds({ op: '>', value: 100_000 }, 66_808), false);
});

test('ratioOf is value over peer, and null without both or against zero', () => {
  assert.equal(ratioOf(1, 4), 0.25);
  assert.equal(ratioOf(null, 4), null);
  assert.equal(ratioOf(1, null), null);
  assert.equal(ratioOf(1, 0), null);
  assert.equal(ratioOf(Number.NaN, 2), null);
});

test('verdictOf: met only when every target holds, MISSED when any fails, n/a when one cannot be judged', () => {
  assert.equal(verdictOf(cpu), 'met');
  assert.equal(verdictOf({ ...cpu, value: 0.31 }), 'MISSED');
  // Under the absolute target but over a third of the peer.
  assert.equal(verdictOf({ ...cpu, value: 0.29, peers: [{ name: 'Netdata', value: 0.5 }] }), 'MISSED');
  assert.equal(verdictOf({ ...cpu, peers: [{ name: 'Netdata', value: null, why: 'apt-get failed' }] }), 'n/a');
  assert.equal(verdictOf({ ...cpu, value: null }), 'n/a');
  assert.equal(verdictOf({ id: 'x', figure: 'x', value: 3, unit: 'ms' }), '');
  // A missed target wins over one that cannot be judged.
  assert.equal(verdictOf({ ...cpu, value: 0.5, peers: [{ name: 'Netdata', value: null }] }), 'MISSED');
});

test('resolveRow adds a ratio per peer and the verdict', () => {
  const resolved = resolveRow(cpu);
  assert.equal(resolved.ratios.length, 2);
  assert.ok(Math.abs(resolved.ratios[0]! - 0.2 / 0.9) < 1e-12);
  assert.equal(resolved.ratios[1], null);
  assert.equal(resolved.verdict, 'met');
});

test('formatNumber keeps three significant figures below 1,000 and separators above', () => {
  assert.equal(formatNumber(66_808.4), '66,808');
  assert.equal(formatNumber(464.2), '464');
  assert.equal(formatNumber(11.74), '11.7');
  assert.equal(formatNumber(2.345), '2.35');
  assert.equal(formatNumber(0.1333), '0.133');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(null), 'n/a');
  assert.equal(formatNumber(Number.POSITIVE_INFINITY), 'n/a');
});

test('targetText writes the operator, our target and the spec beside it', () => {
  assert.equal(targetText({ op: '<', value: 0.3, spec: 1 }, '% of a core'), '< 0.3 % of a core (spec < 1)');
  assert.equal(targetText({ op: '<=', value: 1 / 3 }, ''), '≤ 0.333');
  assert.equal(targetText({ op: '>', value: 100_000 }, 'lines/s'), '> 100,000 lines/s');
  assert.equal(targetText(undefined, 'ms'), '');
});

test('renderTable aligns a Markdown table, a line per extra peer, reasons as numbered notes', () => {
  const rows = [resolveRow(cpu), resolveRow({ id: 'ingest.rate', figure: 'ingest', value: 66_808, unit: 'lines/s', target: { op: '>', value: 100_000 } })];
  const lines = renderTable(rows).split('\n');
  assert.match(lines[0], /^\| figure +\| value +\| target +\| verdict +\| peer or bound \(same run\) +\| ratio +\| note +\|$/);
  assert.match(lines[1], /^\| -+ \| -+ \|/);
  assert.equal(lines.slice(0, 5).every((l) => l.length === lines[0].length), true, 'every table line has the same width');
  assert.match(lines[2], /\| agent CPU +\| 0\.200 % of a core \| < 0\.3 % of a core \(spec < 1\) \| met +\| Netdata: 0\.900 % of a core +\| 0\.222 \(target ≤ 0\.333\)/);
  assert.match(lines[3], /^\| +\| +\| +\| +\| naive poll: not run \[1\] +\| n\/a +\|/);
  assert.match(lines[4], /\| ingest +\| 66,808 lines\/s +\| > 100,000 lines\/s +\| MISSED +\|/);
  assert.deepEqual(lines.slice(5), ['', '[1] systeminformation failed']);
});

test('percentileOf interpolates between ranks and leaves its input unsorted', () => {
  const values = [40, 10, 30, 20];
  assert.equal(percentileOf(values, 0.5), 25);
  assert.equal(percentileOf(values, 0), 10);
  assert.equal(percentileOf(values, 1), 40);
  assert.ok(Math.abs(percentileOf(values, 0.99) - 39.7) < 1e-9);
  assert.deepEqual(values, [40, 10, 30, 20]);
  assert.ok(Number.isNaN(percentileOf([], 0.5)));
});
