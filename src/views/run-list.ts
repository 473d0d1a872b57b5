/**
 * What the Runs tree lists: the newest page of runs, plus runs the user asked
 * to see ("Show Run" on a run older than the page) kept below it until they
 * are in the page again. No `vscode` import: the two fetches are given, so it
 * is unit-tested directly.
 */
import type { RunSummary } from '../../agent/api/types';

export const RUNS_PAGE = 100;
/** Pins beyond this drop the oldest request first. */
const MAX_PINNED = 20;

export interface RunListing {
  page: RunSummary[];
  /** Asked-for runs the page does not hold, newest first. */
  pinned: RunSummary[];
}

export class RunList {
  /** Run ids in the order they were asked for, most recent last. */
  private pins: string[] = [];

  constructor(
    private readonly fetchPage: (limit: number) => Promise<RunSummary[]>,
    /** One run, or null when the agent no longer has it. */
    private readonly fetchRun: (runId: string) => Promise<RunSummary | null>,
  ) {}

  pin(runId: string): void {
    this.pins = [...this.pins.filter((id) => id !== runId), runId].slice(-MAX_PINNED);
  }

  pinned(): readonly string[] {
    return this.pins;
  }

  async load(): Promise<RunListing> {
    const page = await this.fetchPage(RUNS_PAGE);
    const inPage = new Set(page.map((r) => r.runId));
    // A pin is only needed while its run is outside the page; one the agent forgot is dropped.
    this.pins = this.pins.filter((id) => !inPage.has(id));
    const found = await Promise.all(this.pins.map(async (id) => [id, await this.fetchRun(id)] as const));
    const gone = new Set(found.filter(([, r]) => r === null).map(([id]) => id));
    this.pins = this.pins.filter((id) => !gone.has(id));
    const pinned = found.flatMap(([, r]) => (r ? [r] : [])).sort((a, b) => b.startedAt - a.startedAt);
    return { page, pinned };
  }
}
