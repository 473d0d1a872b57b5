import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from '../../../agent/config';
import { parseInterval, parseReportsConfig, type ReportSchedule } from '../../../agent/report/schedule-config';
import { latestSlot, nextSlot, slotRange } from '../../../agent/report/slots';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const H = 3600_000;

function one(raw: Record<string, unknown>): ReportSchedule {
  const { config, errors } = parseReportsConfig({ schedules: [raw] }, '/data', 'UTC');
  assert.deepEqual(errors, []);
  return config!.schedules[0];
}

test('a schedule gets its defaults: name, 07:00, the given zone, md and html, keep 7, 90 compressed, no webhook', () => {
  const { config } = parseReportsConfig({ schedules: [{ template: 'daily', every: 'daily' }] }, '/data', 'Europe/Berlin');
  assert.deepEqual(config, {
    dir: '/data/reports',
    schedules: [{ name: 'daily-daily', template: 'daily', every: { kind: 'daily' }, at: '07:00', timezone: 'Europe/Berlin', formats: ['md', 'html'], keep: 7, keepCompressed: 90, webhook: false }],
  });
  assert.equal(parseReportsConfig({ dir: '/srv/reports', schedules: [] }, '/data', 'UTC').config?.dir, '/srv/reports');
  assert.equal(parseReportsConfig({ dir: 'out', schedules: [] }, '/data', 'UTC').config?.dir, '/data/out', 'relative to the data directory');
  assert.deepEqual(one({ template: 'weekly', every: 'weekly', weekday: 'Friday', at: '18:30' }).every, { kind: 'weekly', weekday: 'friday' });
  assert.deepEqual(one({ template: 'cost', every: '15m', name: 'quarter' }).every, { kind: 'interval', ms: 15 * 60_000 });
  assert.equal(parseInterval('2s'), 2000);
  assert.equal(parseInterval('1d'), 86_400_000);
  assert.equal(parseInterval('1w'), null);
});

test('every mistake is named by its path', () => {
  const { config, errors } = parseReportsConfig(
    {
      dir: '',
      color: 'red',
      schedules: [
        { template: 'monthly', every: 'hourly', at: '7am', timezone: 'Mars/Olympus', formats: ['pdf'], keep: 0, keepCompressed: -1, webhook: 'yes', extra: 1 },
        { template: 'daily', every: 'daily', weekday: 'monday' },
        { template: 'daily', every: '5m', at: '07:00' },
        { template: 'errors', every: 'daily', name: 'same' },
        { template: 'cost', every: 'daily', name: 'same' },
        { template: 'daily', every: '500ms', name: '../escape' },
        'daily',
      ],
    },
    '/data',
    'UTC',
  );
  assert.equal(config, null);
  assert.deepEqual(errors, [
    'reports.color is not a reports setting (known: dir, schedules)',
    'reports.dir must be a folder path',
    'reports.schedules[0].extra is not a schedule setting (known: name, template, every, at, weekday, timezone, formats, keep, keepCompressed, webhook)',
    'reports.schedules[0].template must be one of daily, weekly, cost, errors, incidents',
    'reports.schedules[0].every must be daily, weekly or an interval such as 30s, 15m, 6h, 1d (at least 1s), got "hourly"',
    'reports.schedules[0].at must be HH:MM on a 24-hour clock, got "7am"',
    'reports.schedules[0].timezone must be an IANA time zone such as Europe/Berlin, got "Mars/Olympus"',
    'reports.schedules[0].formats must be a non-empty list of md, html, csv, json',
    'reports.schedules[0].keep must be a whole number from 1 to 100000',
    'reports.schedules[0].keepCompressed must be a whole number from 0 to 100000',
    'reports.schedules[0].webhook must be true or false',
    'reports.schedules[1].weekday applies to every: "weekly" only',
    'reports.schedules[2].at applies to daily and weekly schedules only',
    'reports.schedules[5].every must be daily, weekly or an interval such as 30s, 15m, 6h, 1d (at least 1s), got "500ms"',
    'reports.schedules[5].name must be 1 to 64 letters, digits, - or _ (it names a folder)',
    'reports.schedules[6] must be an object',
    'reports.schedules[4].name "same" is used twice; give each schedule its own name',
  ]);
});

test('the config file: reports read and checked, a webhook schedule needs a webhook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-reports-config-'));
  const file = join(dir, 'reports-config.json');
  writeFileSync(file, JSON.stringify({ reports: { schedules: [{ template: 'daily', every: 'daily', webhook: true }] } }));
  assert.throws(() => resolveConfig({ config: file, dataDir: dir }, {}), (err: Error) => err instanceof ConfigError && /reports schedule "daily-daily" sends to the webhook, but no webhookUrl is set/.test(err.message));
  const ok = resolveConfig({ config: file, dataDir: dir, webhookUrl: 'http://127.0.0.1:9/hook' }, {});
  assert.equal(ok.reports?.dir, join(dir, 'reports'));
  writeFileSync(file, JSON.stringify({ reports: { schedules: [{ template: 'daily', every: 'weekly', weekday: 'someday' }] } }));
  assert.throws(() => resolveConfig({ config: file, dataDir: dir }, {}), /reports\.schedules\[0\]\.weekday must be one of sunday, monday/);
  assert.equal(resolveConfig({ dataDir: dir, config: undefined }, {}).reports, null, 'no section: no schedules');
});

test('daily slots are wall-clock times in the zone, across daylight saving', () => {
  const s = one({ template: 'daily', every: 'daily', at: '07:00', timezone: 'Europe/Berlin' });
  const before = Date.UTC(2026, 2, 29, 4, 59); // 06:59 CEST, the day clocks went forward
  assert.equal(latestSlot(s, before), Date.UTC(2026, 2, 28, 6, 0), 'yesterday 07:00 CET');
  assert.equal(nextSlot(s, before), Date.UTC(2026, 2, 29, 5, 0), 'today 07:00 CEST');
  assert.equal(latestSlot(s, Date.UTC(2026, 2, 29, 5, 0)), Date.UTC(2026, 2, 29, 5, 0), 'a slot is due at its own instant');
  assert.equal(nextSlot(s, Date.UTC(2026, 2, 29, 5, 0)), Date.UTC(2026, 2, 30, 5, 0));
  const range = slotRange(s, Date.UTC(2026, 2, 29, 5, 0));
  assert.equal(range.to - range.from, 23 * H, 'the short day is 23 hours');
});

test('weekly slots fall on the weekday; intervals count from the epoch', () => {
  const s = one({ template: 'weekly', every: 'weekly', weekday: 'monday', at: '09:30', timezone: 'UTC' });
  const wednesday = Date.UTC(2026, 0, 7, 12);
  assert.equal(latestSlot(s, wednesday), Date.UTC(2026, 0, 5, 9, 30));
  assert.equal(nextSlot(s, wednesday), Date.UTC(2026, 0, 12, 9, 30));
  assert.deepEqual(slotRange(s, Date.UTC(2026, 0, 12, 9, 30)), { from: Date.UTC(2026, 0, 5, 9, 30), to: Date.UTC(2026, 0, 12, 9, 30) });
  const i = one({ template: 'daily', every: '2s' });
  assert.equal(latestSlot(i, 10_999), 10_000);
  assert.equal(nextSlot(i, 10_000), 12_000);
  assert.deepEqual(slotRange(i, 12_000), { from: 10_000, to: 12_000 });
});
