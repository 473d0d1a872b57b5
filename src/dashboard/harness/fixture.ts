/**
 * Recorded or made-up agent answers for the dashboard harness. A fixture is
 * plain JSON (`Fixture`), so one recorded from a real agent with
 * `--record` replays exactly like the built-in synthetic one.
 */
import type { ErrorCategory, Phase, Severity } from '../../../agent/ingest/events';
import type { Health, PhaseStats, RunStatus, RunSummary, Sample, Summary, TopError } from '../../../agent/api/types';
import type { DashboardSource } from '../controller';
import { RANGE_SPANS } from '../controller';
import type { RangeKey } from '../protocol';

export interface Fixture {
  /** The fixture's "now": what it holds ends here. */
  capturedAt: number;
  health: Health;
  summary: Summary;
  phases: PhaseStats;
  topErrors: TopError[];
  /** Newest first. */
  runs: RunSummary[];
  /** Oldest first. */
  samples: Sample[];
}

/** Fetches everything one range shows from an agent, as a fixture. */
export async function recordFixture(source: DashboardSource, range: RangeKey, now = Date.now()): Promise<Fixture> {
  const from = now - RANGE_SPANS[range];
  const [health, summary, phases, topErrors, samples] = await Promise.all([
    source.get('/health'),
    source.get('/summary', { from, to: now }),
    source.get('/phases', { from, to: now }),
    source.get('/errors/top', { from, to: now, limit: 50 }),
    source.get('/samples', { from, to: now, maxPoints: 2000 }),
  ]);
  const runs: RunSummary[] = [];
  for (let before: number | undefined; ; ) {
    const page = await source.get('/runs', before === undefined ? { limit: 1000 } : { limit: 1000, before });
    runs.push(...page.filter((r) => r.startedAt >= from));
    if (page.length < 1000 || page[page.length - 1].startedAt < from) break;
    before = page[page.length - 1].startedAt;
  }
  return { capturedAt: now, health, summary, phases, topErrors, runs, samples };
}

/** A small deterministic PRNG (mulberry32), so the synthetic fixture is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = ['shop-front', 'crm-lite', 'blog-engine', 'todo-pro', 'invoice-hub', '<img src=x onerror=alert(1)>'];
const ERRORS: { category: ErrorCategory; severity: Severity; message: string; weight: number }[] = [
  { category: 'generation', severity: 'error', message: 'model returned truncated JSON for component tree', weight: 9 },
  { category: 'validation', severity: 'warning', message: 'eslint: 14 problems (3 errors, 11 warnings)', weight: 7 },
  { category: 'deployment', severity: 'critical', message: 'container failed health check after 120 s', weight: 3 },
  { category: 'system', severity: 'error', message: 'ENOSPC: no space left on device, write', weight: 1 },
  { category: 'validation', severity: 'error', message: 'TypeScript: TS2322 Type "string" is not assignable to type "number"', weight: 5 },
  { category: 'generation', severity: 'warning', message: '<script>alert("not markup")</script> in generated README', weight: 2 },
];
const PHASE_MEDIAN_MS: Record<Phase, number> = { blueprint: 9_000, codegen: 48_000, validation: 14_000, deployment: 22_000 };

function percentiles(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => (v.length ? v[Math.min(v.length - 1, Math.floor(q * v.length))] : null);
  return { count: v.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: v.length ? v[v.length - 1] : null };
}

/**
 * Seven days of plausible runs (busier in the day, a bad hour of
 * deployments yesterday) and machine samples, ending at `now`. Includes
 * app names and error messages that look like markup, to show they stay text.
 */
export function syntheticFixture(now = Date.now(), seed = 7): Fixture {
  const random = prng(seed);
  const logNormal = (median: number, spread: number) => median * Math.exp(spread * Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random()));
  const from = now - RANGE_SPANS['7d'];
  const runs: RunSummary[] = [];
  const phaseDurations: Record<Phase, number[]> = { blueprint: [], codegen: [], validation: [], deployment: [] };
  const phaseCounts: Record<Phase, { ok: number; failed: number; skipped: number }> = {
    blueprint: { ok: 0, failed: 0, skipped: 0 }, codegen: { ok: 0, failed: 0, skipped: 0 }, validation: { ok: 0, failed: 0, skipped: 0 }, deployment: { ok: 0, failed: 0, skipped: 0 },
  };
  let t = from;
  let n = 0;
  while (t < now) {
    const hour = new Date(t).getHours();
    const perHour = hour >= 8 && hour < 20 ? 14 : 4;
    t += (-Math.log(random() || 1e-9) * 3600_000) / perHour;
    if (t >= now) break;
    const badHour = now - t > 20 * 3600_000 && now - t < 21 * 3600_000;
    let duration = 0;
    let status: RunStatus = 'success';
    let currentPhase: Phase | null = null;
    for (const phase of Object.keys(PHASE_MEDIAN_MS) as Phase[]) {
      const d = Math.round(logNormal(PHASE_MEDIAN_MS[phase], 0.45));
      duration += d;
      const failP = phase === 'deployment' ? (badHour ? 0.6 : 0.05) : phase === 'validation' ? 0.06 : 0.02;
      if (random() < failP) {
        status = phase === 'deployment' && random() < 0.5 ? 'partial' : 'failed';
        currentPhase = phase;
        phaseCounts[phase].failed++;
        phaseDurations[phase].push(d);
        break;
      }
      phaseCounts[phase].ok++;
      phaseDurations[phase].push(d);
    }
    const startedAt = Math.round(t);
    const running = startedAt + duration > now;
    runs.push({
      runId: `run-${(n++).toString(36).padStart(5, '0')}-${Math.floor(random() * 0xffff).toString(16)}`,
      status: running ? 'running' : status,
      app: APPS[Math.floor(random() * APPS.length)],
      projectType: random() < 0.6 ? 'web' : 'api',
      template: null, userId: `user-${Math.floor(random() * 40)}`, sessionId: null, regenerates: null, features: ['auth'],
      startedAt,
      endedAt: running ? null : startedAt + duration,
      durationMs: running ? null : duration,
      errorCount: status === 'success' ? 0 : 1 + Math.floor(random() * 3),
      currentPhase: running ? 'codegen' : currentPhase,
      source: null,
    });
  }
  runs.reverse();

  const samples: Sample[] = [];
  const GiB = 1024 ** 3;
  for (let ts = from, i = 0; ts <= now; ts += now - ts > 3600_000 ? 60_000 : 5_000, i++) {
    const busy = 25 + 20 * Math.sin(i / 40) + 25 * random();
    samples.push({
      ts, cpu: Math.min(100, busy), cores: [], memUsed: (9 + 3 * Math.sin(i / 90) + random()) * GiB, memAvailable: 6 * GiB, memTotal: 16 * GiB,
      swapUsed: (0.4 + 0.2 * random()) * GiB, swapTotal: 2 * GiB, load1: busy / 25, load5: busy / 30, load15: busy / 35, processes: 410, threads: 1900,
      diskReadBytes: 2e6 * random() ** 3, diskWriteBytes: 8e6 * random() ** 2, diskReadOps: 40 * random(), diskWriteOps: 90 * random(),
      netRxBytes: 4e5 + 3e6 * random() ** 4, netTxBytes: 1e5 + 6e5 * random() ** 3, netRxErrors: 0, netTxErrors: 0,
    });
  }

  const topErrors: TopError[] = ERRORS.map((e, i) => ({
    category: e.category, severity: e.severity, message: e.message,
    count: Math.round(e.weight * (20 + 10 * random())),
    lastSeen: now - Math.round(random() * 3 * 3600_000),
    lastRunId: runs[Math.min(runs.length - 1, i * 3)]?.runId ?? 'run-none',
  })).sort((a, b) => b.count - a.count);

  const phases: PhaseStats = {
    from, to: now,
    phases: Object.fromEntries((Object.keys(PHASE_MEDIAN_MS) as Phase[]).map((p) => [p, { ...percentiles(phaseDurations[p]), ...phaseCounts[p] }])) as PhaseStats['phases'],
    total: percentiles(runs.flatMap((r) => (r.durationMs === null ? [] : [r.durationMs]))),
  };
  const health: Health = { ok: true, version: 'fixture', pid: 0, startedAt: from, dbPath: '', logDirs: [], schemaVersion: 1 };
  const summary = summarize(runs, topErrors, phases, samples, from, now);
  return { capturedAt: now, health, summary, phases, topErrors, runs, samples };
}

/** A summary of the fixture's runs in [from, to], the way the agent counts them. */
export function summarize(runs: readonly RunSummary[], topErrors: readonly TopError[], phases: PhaseStats, samples: readonly Sample[], from: number, to: number): Summary {
  const inRange = runs.filter((r) => r.startedAt >= from && r.startedAt <= to);
  const count = (s: RunStatus) => inRange.filter((r) => r.status === s).length;
  const successes = count('success');
  const failures = count('failed');
  const partials = count('partial');
  const errors = topErrors.filter((e) => e.lastSeen >= from && e.lastSeen <= to);
  const errorsByCategory = { validation: 0, generation: 0, deployment: 0, system: 0 };
  const errorsBySeverity = { critical: 0, error: 0, warning: 0, info: 0 };
  for (const e of errors) {
    errorsByCategory[e.category] += e.count;
    errorsBySeverity[e.severity] += e.count;
  }
  const ended = successes + failures + partials;
  const inSamples = samples.filter((s) => s.ts >= from && s.ts <= to);
  const peak = (pick: (s: Sample) => number) => (inSamples.length ? Math.max(...inSamples.map(pick)) : null);
  return {
    from, to, attempts: inRange.length, successes, failures, partials, running: count('running'),
    successRate: ended ? successes / ended : null,
    phases: phases.phases,
    total: percentiles(inRange.flatMap((r) => (r.durationMs === null ? [] : [r.durationMs]))),
    errorsByCategory, errorsBySeverity,
    lastRun: inRange[0] ?? null,
    latestSample: inSamples[inSamples.length - 1] ?? null,
    mounts: [],
    peaks: {
      from, to, cpu: peak((s) => s.cpu), memUsed: peak((s) => s.memUsed), diskReadBytes: peak((s) => s.diskReadBytes), diskWriteBytes: peak((s) => s.diskWriteBytes),
      netRxBytes: peak((s) => s.netRxBytes), netTxBytes: peak((s) => s.netTxBytes), load1: peak((s) => s.load1),
    },
  };
}
