/**
 * Knobs for the crash harness (`npm run test:crash`) only, read from the
 * environment. None is set in normal use, and each does nothing when unset.
 *
 * | variable                         | effect |
 * | -------------------------------- | ------ |
 * | `GENMON_TEST_SNAPSHOT_MS`        | snapshot this often while there are changes, busy or quiet |
 * | `GENMON_TEST_SNAPSHOT_PAUSE_MS`  | sleep this long halfway through writing a snapshot's temp file and between its two renames |
 * | `GENMON_TEST_SNAPSHOT_PAUSE_AT`  | `empty`: sleep instead once the temp file is created, before its first byte |
 * | `GENMON_TEST_MIGRATION_PAUSE_MS` | sleep this long inside each schema migration, before it commits |
 *
 * Each pause first logs a line starting `test hook:` so the harness can kill
 * the agent inside it.
 */
export interface TestHooks {
  snapshotEveryMs: number | null;
  snapshotPauseMs: number;
  /** Where a snapshot pauses: halfway and between its renames, or with its temp file still empty. */
  snapshotPauseAt: 'half' | 'empty';
  migrationPauseMs: number;
}

function ms(value: string | undefined): number | null {
  const n = Number(value);
  return value && Number.isFinite(n) && n >= 0 ? n : null;
}

export function readTestHooks(env: NodeJS.ProcessEnv = process.env): TestHooks {
  return {
    snapshotEveryMs: ms(env.GENMON_TEST_SNAPSHOT_MS),
    snapshotPauseMs: ms(env.GENMON_TEST_SNAPSHOT_PAUSE_MS) ?? 0,
    snapshotPauseAt: env.GENMON_TEST_SNAPSHOT_PAUSE_AT === 'empty' ? 'empty' : 'half',
    migrationPauseMs: ms(env.GENMON_TEST_MIGRATION_PAUSE_MS) ?? 0,
  };
}

/** Blocks the thread: a migration runs synchronously, and the kill must find it mid-way. */
export function pauseSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
