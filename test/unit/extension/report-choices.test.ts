import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSpan, parseUserTime, rangeChoices } from '../../../src/report-choices';

const DAY = 86_400_000;

test('ranges: the template\'s own first and marked, then 24 h, 7 d, 30 d, and Custom…', () => {
  assert.deepEqual(rangeChoices({ defaultRangeMs: 7 * DAY }).map((c) => [c.label, c.description ?? '']), [
    ['Last 7 days', "the template's range"],
    ['Last 24 hours', ''],
    ['Last 30 days', ''],
    ['Custom…', 'from and to dates'],
  ]);
  assert.deepEqual(rangeChoices({ defaultRangeMs: 2 * 3600_000 }).map((c) => c.ms), [2 * 3600_000, DAY, 7 * DAY, 30 * DAY, undefined]);
  assert.equal(describeSpan(90 * 60_000), '90 minutes');
});

test('custom times: local dates and times, ISO with a zone, now; anything else is explained', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  assert.equal(parseUserTime('now', now), now);
  assert.equal(parseUserTime('', now), now);
  assert.equal(parseUserTime('2026-01-02', now), new Date(2026, 0, 2).getTime());
  assert.equal(parseUserTime('2026-01-02 07:30', now), new Date(2026, 0, 2, 7, 30).getTime());
  assert.equal(parseUserTime('2026-01-02T07:30Z', now), Date.UTC(2026, 0, 2, 7, 30));
  assert.equal(parseUserTime('2026-02-30', now), '2026-02-30 is not a date');
  assert.match(String(parseUserTime('yesterday', now)), /use YYYY-MM-DD/);
});
