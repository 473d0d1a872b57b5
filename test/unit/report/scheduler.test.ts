import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { DeliveryView } from '../../../agent/api/types';
import { storeReportData } from '../../../agent/report/data';
import { archive } from '../../../agent/report/files';
import { parseReportsConfig } from '../../../agent/report/schedule-config';
import { ReportScheduler } from '../../../agent/report/scheduler';
import { AlertingQueries } from '../../../agent/store/alerting-queries';
import { Queries } from '../../../agent/store/queries';
import { lastReportRuns } from '../../../agent/store/report-apply';
import { Store } from '../../../agent/store/store';

const H = 3600_000;
const T0 = Date.UTC(2026, 5, 1, 7, 30);

test('archival keeps the newest runs, compresses the next ones, deletes the rest, and leaves other files alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-archive-'));
  try {
    const stamps = Array.from({ length: 6 }, (_, i) => new Date(T0 + i * H).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, ''));
    for (const s of stamps) for (const ext of ['md', 'html']) writeFileSync(join(dir, `daily-${s}.${ext}`), `report ${s} ${ext}`);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'daily-latest.md'), 'not a report name');
    const result = await archive(dir, 2, 2);
    assert.equal(result.compressed.length, 4);
    assert.equal(result.deleted.length, 4);
    const names = readdirSync(dir).sort();
    assert.deepEqual(names, [
      `daily-${stamps[2]}.html.gz`, `daily-${stamps[2]}.md.gz`,
      `daily-${stamps[3]}.html.gz`, `daily-${stamps[3]}.md.gz`,
      `daily-${stamps[4]}.html`, `daily-${stamps[4]}.md`,
      `daily-${stamps[5]}.html`, `daily-${stamps[5]}.md`,
      'daily-latest.md',
      'notes.txt',
    ]);
    assert.equal(gunzipSync(readFileSync(join(dir, `daily-${stamps[3]}.md.gz`))).toString(), `report ${stamps[3]} md`);
    assert.deepEqual(await archive(dir, 2, 2), { compressed: [], deleted: [] }, 'a second pass changes nothing');
    assert.deepEqual(await archive(dir, 1, 0), { compressed: [], deleted: [`daily-${stamps[4]}.html`, `daily-${stamps[4]}.md`, `daily-${stamps[3]}.html.gz`, `daily-${stamps[3]}.md.gz`, `daily-${stamps[2]}.html.gz`, `daily-${stamps[2]}.md.gz`] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the scheduler: the due slot once, the latest missed one after a gap, nothing again after a restart; the delivery journaled with the slot', async () => {
  const root = mkdtempSync(join(tmpdir(), 'genmon-scheduler-'));
  const dbPath = join(root, 'genmon.db');
  let now = T0;
  const delivered: { delivery: DeliveryView; payload: string }[] = [];
  const { config } = parseReportsConfig({ dir: join(root, 'out'), schedules: [{ template: 'daily', every: '1h', formats: ['md', 'csv'], keep: 2, keepCompressed: 1, webhook: true }] }, root, 'UTC');
  const open = async () => {
    const store = await Store.open({ dbPath, log: () => undefined, now: () => now });
    const scheduler = new ReportScheduler({
      config: config!,
      store,
      data: storeReportData(store.st, new Queries(store.st), () => now),
      deliver: (delivery, payload) => delivered.push({ delivery, payload }),
      log: () => undefined,
      now: () => now,
    });
    return { store, scheduler };
  };
  const folder = join(root, 'out', 'daily-1h');
  let { store, scheduler } = await open();
  try {
    await scheduler.start();
    assert.deepEqual(readdirSync(folder).sort(), ['daily-2026-06-01T070000Z.csv', 'daily-2026-06-01T070000Z.md'], 'the newest slot (07:00) at start');
    assert.equal(delivered.length, 1);
    const payload = JSON.parse(delivered[0].payload);
    assert.equal(payload.kind, 'report');
    assert.equal(payload.template, 'daily');
    assert.equal(payload.from, '2026-06-01T06:00:00.000Z');
    assert.equal(payload.to, '2026-06-01T07:00:00.000Z');
    assert.deepEqual(payload.files, ['daily-2026-06-01T070000Z.md', 'daily-2026-06-01T070000Z.csv']);
    assert.match(payload.text, /^Genmon report: Daily summary, 2026-06-01 06:00 to 2026-06-01 07:00 \(UTC\)\nRuns started: 0/);
    assert.match(payload.markdown, /^# Daily summary/);
    const pending = new AlertingQueries(store.st).undelivered();
    assert.deepEqual(pending.map((p) => [p.delivery.id, p.delivery.status, p.delivery.channel]), [[delivered[0].delivery.id, 'pending', 'webhook']], 'journaled with the slot, for the outbox to resume');

    await scheduler.wake();
    assert.equal(delivered.length, 1, 'nothing new within the same slot');

    now = T0 + 3 * H + 5 * 60_000;
    await scheduler.wake();
    assert.equal(delivered.length, 2, 'three slots passed; only the latest is written');
    assert.equal(JSON.parse(delivered[1].payload).to, '2026-06-01T10:00:00.000Z');
    now += H;
    await scheduler.wake();
    now += H;
    await scheduler.wake();
    assert.deepEqual(readdirSync(folder).sort(), [
      'daily-2026-06-01T100000Z.csv.gz', 'daily-2026-06-01T100000Z.md.gz',
      'daily-2026-06-01T110000Z.csv', 'daily-2026-06-01T110000Z.md',
      'daily-2026-06-01T120000Z.csv', 'daily-2026-06-01T120000Z.md',
    ], 'keep 2, one compressed, the first run deleted');
    await scheduler.stop();
    await store.close();

    ({ store, scheduler } = await open());
    assert.equal(lastReportRuns(store.st).get('daily-1h')?.slot, Date.UTC(2026, 5, 1, 12));
    await scheduler.start();
    assert.equal(delivered.length, 4, 'a restart in the same slot writes nothing');
    assert.equal(readdirSync(folder).length, 6);
  } finally {
    await scheduler.stop();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a slot that cannot be written is not journaled and is tried again at the next wake', async () => {
  const root = mkdtempSync(join(tmpdir(), 'genmon-scheduler-fail-'));
  const now = T0;
  const store = await Store.open({ dbPath: join(root, 'genmon.db'), log: () => undefined, now: () => now });
  const logs: string[] = [];
  // The report folder's place is taken by a file, so the folder cannot be made.
  mkdirSync(join(root, 'out'));
  writeFileSync(join(root, 'out', 'daily-1h'), 'in the way');
  const { config } = parseReportsConfig({ dir: join(root, 'out'), schedules: [{ template: 'daily', every: '1h' }] }, root, 'UTC');
  const scheduler = new ReportScheduler({ config: config!, store, data: storeReportData(store.st, new Queries(store.st), () => now), log: (m) => logs.push(m), now: () => now });
  try {
    await scheduler.start();
    assert.match(logs.join('\n'), /report daily-1h for 2026-06-01T07:00:00\.000Z could not be written: EEXIST/);
    assert.equal(lastReportRuns(store.st).size, 0);
    rmSync(join(root, 'out', 'daily-1h'));
    await scheduler.wake();
    assert.equal(lastReportRuns(store.st).get('daily-1h')?.slot, Date.UTC(2026, 5, 1, 7));
  } finally {
    await scheduler.stop();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
