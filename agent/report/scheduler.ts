/**
 * Scheduled reports. One unref'd timer wakes at the next slot of any
 * schedule (never polls); then each schedule whose newest slot is not done
 * writes its report in every format into its folder, journals the slot
 * together with its webhook delivery, hands the delivery to the outbox,
 * and archives the folder.
 *
 * At start, a schedule whose newest slot is not done (the agent was down
 * when it fell due, or the schedule is new) writes that slot once: the
 * latest missed report, not every one missed. A slot journaled before a
 * crash is never written again; one not journaled is written again under
 * the same file names, so a crash can leave neither two reports nor two
 * deliveries of one slot.
 */
import { join } from 'node:path';
import type { DeliveryView } from '../api/types';
import { encodeReportRun, lastReportRuns, type ReportRun } from '../store/report-apply';
import type { Store } from '../store/store';
import type { ReportData } from './data';
import { reportDelivery, reportPayload } from './distribute';
import { archive, ensureDir, syncDir, writeDurably } from './files';
import { renderBody, reportStem } from './render';
import type { ReportSchedule, ReportsConfig } from './schedule-config';
import { latestSlot, nextSlot, slotRange } from './slots';
import { generateReport } from './template';
import { findTemplate } from './templates';

/**
 * The longest the timer sleeps. Node's timers run on a clock that stands
 * still while the machine is suspended; waking at least this often bounds
 * how late a report is after a resume or a change of the wall clock.
 */
const MAX_SLEEP_MS = 15 * 60_000;

export interface SchedulerOptions {
  config: ReportsConfig;
  store: Store;
  data: ReportData;
  /** Hands a journaled delivery to the webhook channel's outbox; absent when no webhook is configured. */
  deliver?: (delivery: DeliveryView, payload: string) => void;
  log: (message: string) => void;
  now?: () => number;
}

export class ReportScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly done = new Map<string, number>();
  /** The slot that last failed, per schedule: tried again at the next wake, not at once. */
  private readonly failed = new Map<string, number>();

  constructor(private readonly opts: SchedulerOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  get schedules(): readonly ReportSchedule[] {
    return this.opts.config.schedules;
  }

  /** Reads the slots done from the store and writes what is due; resolves when that first round is over. */
  start(): Promise<void> {
    for (const [name, run] of lastReportRuns(this.opts.store.st)) this.done.set(name, run.slot);
    return this.wake();
  }

  /** Writes what is due now, then sleeps until the next slot. Skipped while a round is under way. */
  wake(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.runDue()
      .catch((err: Error) => this.opts.log(`scheduled reports failed: ${err.message}`))
      .finally(() => {
        this.running = null;
        this.arm();
      });
    return this.running;
  }

  private async runDue(): Promise<void> {
    for (const schedule of this.schedules) {
      if (this.stopped) return;
      const slot = latestSlot(schedule, this.now());
      if ((this.done.get(schedule.name) ?? -Infinity) >= slot) continue;
      try {
        await this.produce(schedule, slot);
        this.failed.delete(schedule.name);
      } catch (err) {
        // Not journaled, so the slot is tried again at the next wake.
        this.failed.set(schedule.name, slot);
        this.opts.log(`report ${schedule.name} for ${new Date(slot).toISOString()} could not be written: ${(err as Error).message}`);
      }
    }
  }

  private arm(): void {
    if (this.stopped || this.schedules.length === 0) return;
    const now = this.now();
    // A slot that fell due while the last round ran is written at once.
    const missed = this.schedules.some((s) => {
      const slot = latestSlot(s, now);
      return slot > (this.done.get(s.name) ?? -Infinity) && this.failed.get(s.name) !== slot;
    });
    const next = missed ? now : Math.min(...this.schedules.map((s) => nextSlot(s, now)));
    this.timer = setTimeout(() => void this.wake(), Math.min(Math.max(0, next - now), MAX_SLEEP_MS));
    this.timer.unref();
  }

  /** Writes one slot's report: files, journal record, delivery, archival. */
  async produce(schedule: ReportSchedule, slot: number): Promise<ReportRun> {
    const template = findTemplate(schedule.template)!;
    const now = this.now();
    const doc = generateReport(template, this.opts.data, { ...slotRange(schedule, slot), generatedAt: now, timezone: schedule.timezone });
    const dir = join(this.opts.config.dir, schedule.name);
    await ensureDir(dir);
    const stem = reportStem(doc);
    const files: string[] = [];
    let markdown = '';
    for (const format of schedule.formats) {
      const body = renderBody(doc, format);
      if (format === 'md') markdown = body;
      await writeDurably(join(dir, `${stem}.${format}`), body);
      files.push(`${stem}.${format}`);
    }
    await syncDir(dir);
    const run: ReportRun = { schedule: schedule.name, slot, at: now, files };
    if (schedule.webhook && this.opts.deliver) {
      const payload = reportPayload(doc, markdown || renderBody(doc, 'md'), schedule.name, files);
      run.delivery = { delivery: reportDelivery(doc, now), payload: JSON.stringify(payload) };
    }
    await this.opts.store.commit([{ header: { kind: 'report', at: now }, body: encodeReportRun(run) }]);
    this.done.set(schedule.name, slot);
    if (run.delivery) this.opts.deliver!(run.delivery.delivery, run.delivery.payload);
    const archived = await archive(dir, schedule.keep, schedule.keepCompressed);
    const extra = [archived.compressed.length ? `compressed ${archived.compressed.length}` : '', archived.deleted.length ? `deleted ${archived.deleted.length}` : ''].filter(Boolean);
    this.opts.log(`report ${schedule.name}: wrote ${files.join(', ')} in ${dir}${run.delivery ? ', sending it to the webhook' : ''}${extra.length ? `; ${extra.join(', ')} older files` : ''}`);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
