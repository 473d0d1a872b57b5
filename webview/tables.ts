/** The top-errors and recent-runs tables. Every value from a log reaches the DOM as text. */
import type { RunSummary, TopError } from '../agent/api/types';
import { formatCount, formatDuration } from './data/format';
import { formatTimestamp } from './data/time';
import { dataGrid, type Grid } from './ui';

interface ErrorRow {
  count: string;
  severity: string;
  category: string;
  message: string;
  lastSeen: string;
  lastRunId: string;
}

interface RunRow {
  status: string;
  app: string;
  runId: string;
  started: string;
  duration: string;
  phase: string;
  errors: string;
}

const RECENT_RUNS = 30;
/** Long messages are cut here; the whole one is in the run's log. */
const MESSAGE_CHARS = 300;

/** A grid with a note above it, for what the table does not cover (e.g. filters it ignores). */
abstract class NotedTable<R extends object> {
  readonly element = document.createElement('div');
  private readonly note = document.createElement('p');

  protected constructor(protected readonly grid: Grid<R>) {
    this.note.className = 'note';
    this.note.hidden = true;
    this.element.append(this.note, grid.element);
  }

  setNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
  }
}

export class ErrorTable extends NotedTable<ErrorRow> {

  constructor(onOpenRun: (runId: string) => void) {
    super(
      dataGrid<ErrorRow>(
      [
        { key: 'count', title: 'Count', width: '10ch' },
        { key: 'severity', title: 'Severity', width: '12ch' },
        { key: 'category', title: 'Category', width: '14ch' },
        { key: 'message', title: 'Message', width: 'minmax(20ch, 1fr)' },
        { key: 'lastSeen', title: 'Last seen', width: '20ch' },
        { key: 'lastRunId', title: 'Last run', width: '24ch' },
      ],
        'Top errors',
        (row) => onOpenRun(row.lastRunId),
      ),
    );
    this.grid.element.classList.add('errors-table');
  }

  render(errors: readonly TopError[]): void {
    this.grid.setRows(
      errors.map((e) => ({
        count: formatCount(e.count),
        severity: e.severity,
        category: e.category,
        message: e.message.length > MESSAGE_CHARS ? `${e.message.slice(0, MESSAGE_CHARS)}…` : e.message,
        lastSeen: formatTimestamp(e.lastSeen),
        lastRunId: e.lastRunId,
      })),
    );
  }
}

export class RunTable extends NotedTable<RunRow> {
  constructor(onOpenRun: (runId: string) => void) {
    super(
      dataGrid<RunRow>(
      [
        { key: 'status', title: 'Status', width: '12ch' },
        { key: 'app', title: 'App', width: 'minmax(14ch, 1fr)' },
        { key: 'runId', title: 'Run', width: 'minmax(18ch, 1fr)' },
        { key: 'started', title: 'Started', width: '20ch' },
        { key: 'duration', title: 'Duration', width: '13ch' },
        { key: 'phase', title: 'Phase', width: '14ch' },
        { key: 'errors', title: 'Errors', width: '10ch' },
      ],
        'Recent runs',
        (row) => onOpenRun(row.runId),
      ),
    );
    this.grid.element.classList.add('runs-table');
  }

  render(runs: readonly RunSummary[]): void {
    this.grid.setRows(
      runs.slice(0, RECENT_RUNS).map((r) => ({
        status: r.status,
        app: r.app ?? '–',
        runId: r.runId,
        started: formatTimestamp(r.startedAt),
        duration: r.status === 'running' ? 'running' : formatDuration(r.durationMs),
        phase: r.currentPhase ?? '–',
        errors: formatCount(r.errorCount),
      })),
    );
  }
}
