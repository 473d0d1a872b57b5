import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileInterval, inInterval, IntervalError, mutedBy, type NamedInterval } from '../../../agent/alerts/time-intervals';

const at = (iso: string) => Date.parse(iso);

test('working hours: weekdays and times of day, end exclusive, in a time zone', () => {
  const spec = compileInterval({ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }], location: 'Europe/Berlin' });
  // 2026-11-25 is a Wednesday; Berlin is UTC+1 in November.
  assert.equal(inInterval(spec, at('2026-11-25T08:00:00Z')), true, '09:00 Berlin');
  assert.equal(inInterval(spec, at('2026-11-25T07:59:00Z')), false, '08:59 Berlin');
  assert.equal(inInterval(spec, at('2026-11-25T15:59:00Z')), true, '16:59 Berlin');
  assert.equal(inInterval(spec, at('2026-11-25T16:00:00Z')), false, '17:00 Berlin is past the end');
  assert.equal(inInterval(spec, at('2026-11-28T10:00:00Z')), false, 'Saturday');
});

test('the same instant is another weekday in another zone', () => {
  const saturday = compileInterval({ weekdays: ['saturday'], location: 'Asia/Tokyo' });
  // Friday 20:00 UTC is Saturday 05:00 in Tokyo.
  assert.equal(inInterval(saturday, at('2026-11-27T20:00:00Z')), true);
  assert.equal(inInterval(compileInterval({ weekdays: ['saturday'], location: 'UTC' }), at('2026-11-27T20:00:00Z')), false);
});

test('days of the month count from the end when negative; months and years by name or number', () => {
  const lastTwo = compileInterval({ days_of_month: ['-2:-1'], location: 'UTC' });
  assert.equal(inInterval(lastTwo, at('2026-02-27T12:00:00Z')), true, 'February has 28 days in 2026');
  assert.equal(inInterval(lastTwo, at('2026-02-26T12:00:00Z')), false);
  assert.equal(inInterval(lastTwo, at('2026-03-30T12:00:00Z')), true);
  const q1 = compileInterval({ months: ['january:march'], years: ['2026'], location: 'UTC' });
  assert.equal(inInterval(q1, at('2026-03-31T23:59:00Z')), true);
  assert.equal(inInterval(q1, at('2026-04-01T00:00:00Z')), false);
  assert.equal(inInterval(q1, at('2027-01-15T00:00:00Z')), false);
  assert.equal(inInterval(compileInterval({ months: ['12'], location: 'UTC' }), at('2026-12-01T00:00:00Z')), true);
});

test('mistakes are refused with the reason', () => {
  assert.throws(() => compileInterval({ times: [{ start_time: '18:00', end_time: '09:00' }] }), /ends before it starts/);
  assert.throws(() => compileInterval({ times: [{ start_time: '9:00', end_time: '10:00' }] }), /HH:MM/);
  assert.throws(() => compileInterval({ weekdays: ['friday:monday'] }), /ends before it starts/);
  assert.throws(() => compileInterval({ days_of_month: ['0'] }), /out of range/);
  assert.throws(() => compileInterval({ days_of_month: ['-3:5'] }), /mixes/);
  assert.throws(() => compileInterval({ location: 'Nowhere/Town' }), IntervalError);
});

test('a rule is muted inside a mute interval, and outside all of its active intervals', () => {
  const sets = new Map<string, NamedInterval>([
    ['weekends', { name: 'weekends', intervals: [compileInterval({ weekdays: ['saturday', 'sunday'], location: 'UTC' })] }],
    ['office', { name: 'office', intervals: [compileInterval({ times: [{ start_time: '09:00', end_time: '17:00' }], location: 'UTC' })] }],
  ]);
  assert.equal(mutedBy([], ['weekends'], sets, at('2026-11-28T12:00:00Z')), 'weekends');
  assert.equal(mutedBy([], ['weekends'], sets, at('2026-11-25T12:00:00Z')), null);
  assert.equal(mutedBy(['office'], [], sets, at('2026-11-25T12:00:00Z')), null);
  assert.equal(mutedBy(['office'], [], sets, at('2026-11-25T20:00:00Z')), 'outside office');
});
