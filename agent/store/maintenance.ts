/**
 * Keeps the store within its retention: seals finished periods into
 * partition files, deletes raw rows past the raw window, drops partitions
 * past their tier's retention. Each decision is a journal record carrying
 * its time, so a replay deletes and drops exactly what the live agent did.
 * Runs once a minute at a quiet moment (a seal holds ingest for its
 * duration), one step after another until nothing is due.
 */
import { tierRetentionMs, type Retention } from '../metrics/settings';
import type { PartTier } from './journal';
import { DAY_MS, periodOf } from './partition-files';
import type { PartitionSet } from './partitions';
import type { Store } from './store';

const HOUR = 3_600_000;
/** How long after a period ends it is sealed, so late events (feedback minutes later, a slow writer) still land in the hot database. */
const GRACE: Record<PartTier, number> = { '1m': HOUR, '1h': DAY_MS, facts: 2 * DAY_MS };
const EVERY_MS = 60_000;
const QUIET_MS = 2000;

export interface MaintenanceOptions {
  store: Store;
  parts: PartitionSet;
  retention: () => Retention;
  now?: () => number;
  log: (m: string) => void;
}

export class Maintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly opts: MaintenanceOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Runs every minute, and `firstAfterMs` after start, whenever the store has been quiet for a moment. */
  start(firstAfterMs = 5000): void {
    const tick = () => {
      if (this.opts.store.idleMs >= QUIET_MS) void this.run();
    };
    this.timer = setInterval(tick, EVERY_MS).unref();
    setTimeout(tick, firstAfterMs).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Every step that is due, one after another; never rejects. */
  run(): Promise<void> {
    this.running ??= (async () => {
      try {
        while (await this.step());
      } catch (err) {
        this.opts.log(`storage maintenance failed: ${(err as Error).message}`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Does the first thing due; false when nothing is. */
  async step(): Promise<boolean> {
    const { store, parts } = this.opts;
    const at = this.now();
    const retention = this.opts.retention();
    const st = store.st;
    const min = (sql: string): number | null => {
      const v = st.one<{ m: number | null }>(sql)?.m;
      return v === null || v === undefined ? null : Number(v);
    };
    const sealable: [PartTier, string][] = [
      ['1m', 'SELECT MIN(bucket) AS m FROM rollup_1m'],
      ['1h', 'SELECT MIN(bucket) AS m FROM rollup_1h'],
      ['facts', "SELECT MIN(started_at) AS m FROM runs WHERE status != 'running'"],
    ];
    for (const [tier, sql] of sealable) {
      const oldest = min(sql);
      if (oldest === null) continue;
      const period = periodOf(tier, oldest);
      const keep = tier === '1m' ? retention.minuteDays * DAY_MS : retention.hourDays * DAY_MS;
      if (period.to + GRACE[tier] > at || period.to <= at - keep) continue;
      await parts.seal(store, tier, period.from, period.to, at);
      return true;
    }
    const dropped = parts.list().filter((p) => p.to <= at - tierRetentionMs(retention, p.tier === 'facts' ? '1h' : p.tier)).map((p) => p.name);
    if (dropped.length > 0) {
      await store.commit([{ header: { kind: 'drop', at, parts: dropped }, body: Buffer.alloc(0) }]);
      parts.refresh();
      return true;
    }
    if (this.retireDue(at, retention)) {
      await store.commit([{ header: { kind: 'retire', at }, body: Buffer.alloc(0) }]);
      return true;
    }
    return false;
  }

  /** Anything older than its tier keeps, found through each table's time index. */
  private retireDue(at: number, r: Retention): boolean {
    const st = this.opts.store.st;
    const older = (sql: string, cutoff: number) => {
      const v = st.one<{ m: number | null }>(sql)?.m;
      return v !== null && v !== undefined && Number(v) < cutoff;
    };
    const raw = at - r.rawHours * HOUR;
    const samples = at - r.samplesRawHours * HOUR;
    return (
      older('SELECT MIN(ts) AS m FROM inferences', raw) ||
      older('SELECT MIN(ts) AS m FROM errors', raw) ||
      older('SELECT MIN(ts) AS m FROM events', raw) ||
      older('SELECT MIN(received_at) AS m FROM raw_chunks', raw) ||
      older('SELECT MIN(ts) AS m FROM samples', samples) ||
      older('SELECT MIN(bucket) AS m FROM rollup_1m', at - r.minuteDays * DAY_MS) ||
      older('SELECT MIN(bucket) AS m FROM rollup_1h', at - r.hourDays * DAY_MS) ||
      older('SELECT MIN(bucket) AS m FROM rollup_1d', at - r.dayDays * DAY_MS)
    );
  }
}
