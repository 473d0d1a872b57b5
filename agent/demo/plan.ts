/**
 * Plans one made-up run as a list of emitter calls, each at a realistic
 * offset from the start of the run. Pure given the random source: the live
 * generator plays a plan against the wall clock (faster), the history writer
 * against a clock it sets itself.
 */
import type { ApiRequestInput, DbQueryInput, ErrorInput, InferenceInput, ModificationInput, QualityInput, RunHandle, StartRunOptions } from '../ingest/emit';
import { PHASES, type Phase, type PhaseStatus, type RunOutcome } from '../ingest/events';
import { FAILURES, FEEDBACK, MODELS, MODIFICATIONS, PHASE_MS, PROJECTS, QUERIES, ROUTES, SLOW_PHASE_MS, TOKENS, USERS, WARNINGS, type ErrorSample } from './catalog';
import type { Rng } from './prng';

/** Services the generator depends on, with their typical round-trip time in ms. */
const PROBES: readonly (readonly [string, number])[] = [
  ['api.openai.com:443', 38],
  ['api.anthropic.com:443', 42],
  ['registry.npmjs.org:443', 25],
  ['deploy.internal:443', 4],
];

export type DemoOutcome = RunOutcome | 'abandoned';

export type Step = { at: number } & (
  | { call: 'phaseStarted'; phase: Phase }
  | { call: 'phaseEnded'; phase: Phase; status: PhaseStatus; durationMs: number }
  | { call: 'inference'; input: InferenceInput }
  | { call: 'apiRequest'; input: ApiRequestInput }
  | { call: 'dbQuery'; input: DbQueryInput }
  | { call: 'error'; input: ErrorInput }
  | { call: 'quality'; input: QualityInput }
  | { call: 'feedback'; score: number; comment: string }
  | { call: 'modification'; input: ModificationInput }
  | { call: 'end'; status: RunOutcome; durationMs: number; artifactBytes?: number }
  | { call: 'abandon'; reason: string }
  | { call: 'probe'; target: string; latencyMs: number }
);

export interface RunPlan {
  start: StartRunOptions & { runId: string };
  steps: Step[];
  outcome: DemoOutcome;
  /** The phase the run failed or stopped in. */
  stoppedIn: Phase | null;
}

export function playStep(run: RunHandle, step: Step): void {
  switch (step.call) {
    case 'phaseStarted':
      return run.phaseStarted(step.phase);
    case 'phaseEnded':
      return run.phaseEnded(step.phase, step.status, step.durationMs);
    case 'inference':
      return run.inference(step.input);
    case 'apiRequest':
      return run.apiRequest(step.input);
    case 'dbQuery':
      return run.dbQuery(step.input);
    case 'error':
      return run.error(step.input);
    case 'quality':
      return run.quality(step.input);
    case 'feedback':
      return run.feedback(step.score, step.comment);
    case 'modification':
      return run.modification(step.input);
    case 'end':
      return run.end(step.status, step.durationMs, step.artifactBytes);
    case 'abandon':
      return run.abandon(step.reason);
    case 'probe':
      return run.emit({ type: 'network.probe', target: step.target, latency_ms: step.latencyMs });
  }
}

interface UserState {
  sessionId: string;
  sessions: number;
  /** The user's last run, kept so a later one can regenerate it. */
  last: { runId: string; start: StartRunOptions; unhappy: boolean } | null;
}

/** Users, their sessions and their regenerations, across the runs of one generator. */
export class Population {
  private readonly users = new Map<string, UserState>();

  constructor(private readonly rng: Rng) {}

  nextRun(): RunPlan {
    const rng = this.rng;
    const userId = rng.pick(USERS);
    let user = this.users.get(userId);
    if (!user || rng.chance(0.3)) {
      const sessions = (user?.sessions ?? 0) + 1;
      user = { sessionId: `s-${userId.slice(2)}-${sessions}`, sessions, last: user?.last ?? null };
      this.users.set(userId, user);
    }
    const previous = user.last;
    const regenerate = previous !== null && rng.chance(previous.unhappy ? 0.55 : 0.05);
    const start: RunPlan['start'] = regenerate
      ? { ...previous.start, runId: rng.uuid(), sessionId: user.sessionId, regenerates: previous.runId }
      : { ...freshProject(rng), runId: rng.uuid(), userId, sessionId: user.sessionId, regenerates: null };
    const plan = planRun(rng, start);
    const unhappy = plan.outcome !== 'success' || plan.steps.some((s) => s.call === 'feedback' && s.score <= 2);
    user.last = { runId: start.runId, start, unhappy };
    return plan;
  }
}

const REQUEST_NOUN: Record<string, string> = { spa: 'a single-page app', fullstack: 'a full-stack app', api: 'an API', static: 'a static site' };

function freshProject(rng: Rng): StartRunOptions {
  const kind = rng.weighted(PROJECTS);
  const app = rng.pick(kind.apps);
  const features = rng.sample(kind.features, rng.int(1, 4));
  return { app, projectType: kind.projectType, template: rng.pick(kind.templates), features, request: `Build ${REQUEST_NOUN[kind.projectType] ?? 'an app'} "${app}" with ${features.join(', ')}` };
}

/** A run's fate, drawn up front so each phase knows what to write. */
function fate(rng: Rng): { outcome: DemoOutcome; stopIn: Phase | null; partial: 'deployment-skipped' | 'warnings' | null } {
  const outcome = rng.weighted<DemoOutcome>([['success', 66], ['failed', 18], ['partial', 12], ['abandoned', 4]]);
  if (outcome === 'failed') return { outcome, stopIn: rng.weighted<Phase>([['blueprint', 15], ['codegen', 35], ['validation', 30], ['deployment', 20]]), partial: null };
  if (outcome === 'abandoned') return { outcome, stopIn: rng.pick(PHASES), partial: null };
  if (outcome === 'partial') return { outcome, stopIn: null, partial: rng.chance(0.5) ? 'deployment-skipped' : 'warnings' };
  return { outcome, stopIn: null, partial: null };
}

export function planRun(rng: Rng, start: RunPlan['start']): RunPlan {
  const steps: Step[] = [];
  const { outcome, stopIn, partial } = fate(rng);
  const slow = rng.chance(0.08) ? rng.weighted<Phase>([['codegen', 7], ['blueprint', 3]]) : null;
  const retry = outcome !== 'failed' && rng.chance(0.06) ? rng.pick<Phase>(['codegen', 'validation']) : null;
  const model = rng.weighted(MODELS.map((m) => [m, m.weight] as const));
  const facts = { app: start.app ?? 'app', template: start.template ?? 'none', model: model.name, attempt: 1 };
  let t = 0;

  for (const phase of PHASES) {
    t += rng.int(5, 40);
    if (phase === 'deployment' && partial === 'deployment-skipped') {
      steps.push({ at: t, call: 'phaseStarted', phase });
      steps.push({ at: t + 2, call: 'error', input: { category: 'deployment', severity: 'info', message: `Deployment skipped: no deploy target configured for ${facts.app}`, phase } });
      steps.push({ at: t + 6, call: 'phaseEnded', phase, status: 'skipped', durationMs: 6 });
      t += 6;
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      const failsHere = (stopIn === phase && outcome === 'failed') || (retry === phase && attempt === 1);
      const range = slow === phase ? SLOW_PHASE_MS[phase]! : PHASE_MS[phase];
      const duration = Math.round(rng.around(range[0], range[1]));
      steps.push({ at: t, call: 'phaseStarted', phase });
      activity(rng, steps, phase, t, duration, model);
      if (outcome === 'abandoned' && stopIn === phase) {
        const stopAt = t + duration / 2;
        const kept = steps.filter((s) => s.at < stopAt).sort((a, b) => a.at - b.at);
        // Some users say so (the tab closed, a cancel); the rest just stop, and the agent's timeout decides.
        if (rng.chance(0.4)) kept.push({ at: Math.round(stopAt), call: 'abandon', reason: rng.pick(['cancelled by the user', 'browser tab closed']) });
        return { start, steps: kept, outcome, stoppedIn: stopIn };
      }
      if (phase === 'validation') {
        steps.push({ at: t + duration - 30, call: 'quality', input: quality(rng, partial === 'warnings' || failsHere) });
      }
      if (phase === 'validation' && partial === 'warnings' && !failsHere) {
        for (const make of rng.sample(WARNINGS, rng.int(1, 2))) steps.push(errorStep(t + duration - 20, phase, 'warning', make(rng, facts)));
      }
      if (failsHere) {
        facts.attempt = attempt;
        steps.push(errorStep(t + duration - 10, phase, rng.chance(0.15) ? 'critical' : 'error', rng.pick(FAILURES[phase])(rng, facts)));
      }
      steps.push({ at: t + duration, call: 'phaseEnded', phase, status: failsHere ? 'failed' : 'ok', durationMs: duration });
      t += duration;
      if (!failsHere) break;
      if (outcome === 'failed') return finish(rng, start, steps, t, 'failed', phase);
      t += rng.int(200, 1500);
    }
  }
  return finish(rng, start, steps, t, outcome === 'partial' ? 'partial' : 'success', null);
}

function finish(rng: Rng, start: RunPlan['start'], steps: Step[], t: number, status: RunOutcome, stoppedIn: Phase | null): RunPlan {
  steps.sort((a, b) => a.at - b.at);
  const end = t + rng.int(5, 30);
  const artifactBytes = status === 'failed' ? undefined : rng.int(200_000, 40_000_000);
  steps.push({ at: end, call: 'end', status, durationMs: end, artifactBytes });
  const p = status === 'success' ? 0.4 : 0.2;
  let after = end;
  if (rng.chance(p)) {
    after += rng.int(20_000, 240_000);
    const score = status === 'success' ? rng.weighted([[5, 5], [4, 4], [3, 1.5], [2, 0.5]] as const) : status === 'partial' ? rng.int(2, 4) : rng.int(1, 2);
    steps.push({ at: after, call: 'feedback', score, comment: rng.pick(FEEDBACK[score]) });
  }
  if (status !== 'failed' && rng.chance(0.2)) {
    after += rng.int(60_000, 600_000);
    steps.push({ at: after, call: 'modification', input: { filesChanged: rng.int(1, 9), linesChanged: rng.int(3, 400), description: rng.pick(MODIFICATIONS) } });
  }
  return { start, steps, outcome: status, stoppedIn };
}

function errorStep(at: number, phase: Phase, severity: ErrorInput['severity'], e: ErrorSample): Step {
  return { at, call: 'error', input: { ...e, severity, phase } };
}

function quality(rng: Rng, poor: boolean): QualityInput {
  const score = (lo: number, hi: number) => Math.round(rng.around(poor ? lo - 25 : lo, poor ? hi - 20 : hi));
  return {
    lint: score(80, 100),
    coverage: score(45, 90),
    security: score(70, 98),
    performance: score(60, 95),
    requirements: score(75, 100),
    blueprintAccuracy: score(70, 98),
    correctness: score(70, 97),
    documentation: score(40, 85),
  };
}

/** Model calls one after another through the phase, with requests and queries between them. */
function activity(rng: Rng, steps: Step[], phase: Phase, start: number, duration: number, model: (typeof MODELS)[number]): void {
  let t = start + rng.int(10, 60);
  const budget = start + duration - 50;
  const calls = phase === 'codegen' ? rng.int(3, 8) : phase === 'blueprint' ? rng.int(1, 2) : rng.int(0, 2);
  for (let i = 0; i < calls && t < budget; i++) {
    const m = rng.chance(0.8) ? model : rng.pick(MODELS);
    // Each call gets its share of what is left of the phase; the answer is as long as fits in it.
    const slot = (budget - t) / (calls - i);
    const busy = rng.chance(0.1);
    const queueMs = Math.round(Math.min(busy ? rng.around(1500, 8000) : rng.around(0, 400), slot / 2));
    const tokens = TOKENS[phase];
    const input = rng.int(tokens.input[0], tokens.input[1]);
    const fits = Math.floor((slot * 0.95 - queueMs - m.baseMs) / m.perOutputTokenMs);
    const output = Math.max(20, Math.min(rng.int(tokens.output[0], tokens.output[1]), fits));
    const latency = Math.min(queueMs + m.baseMs + output * m.perOutputTokenMs * rng.around(0.85, 1.1), Math.max(budget - t, 50));
    t += latency;
    steps.push({
      at: Math.round(t),
      call: 'inference',
      input: {
        model: m.name,
        phase,
        latencyMs: Math.round(latency),
        queueMs,
        batchSize: rng.int(1, 8),
        inputTokens: input,
        outputTokens: output,
        costUsd: Math.round((input * m.inputPrice + output * m.outputPrice) / 10) / 100_000,
        queueLength: busy ? rng.int(8, 40) : rng.int(0, 5),
      },
    });
  }
  if (rng.chance(0.5)) {
    const [target, base] = rng.pick(PROBES);
    steps.push({ at: Math.round(start + rng.float() * duration), call: 'probe', target, latencyMs: Math.round(rng.around(base * 0.7, base * (rng.chance(0.05) ? 6 : 1.6)) * 10) / 10 });
  }
  for (let i = rng.int(1, 3); i > 0; i--) {
    const [method, route] = rng.pick(ROUTES[phase]);
    const at = Math.round(start + rng.float() * duration);
    const failing = rng.chance(0.04);
    const status = failing ? rng.pick([429, 500, 502, 503]) : method === 'POST' ? 201 : 200;
    steps.push({ at, call: 'apiRequest', input: { route, method, statusCode: status, durationMs: Math.round(rng.around(4, failing ? 2000 : 320) * 10) / 10, inFlight: rng.int(0, 12) } });
  }
  for (let i = rng.int(1, 3); i > 0; i--) {
    const at = Math.round(start + rng.float() * duration);
    const slowQuery = rng.chance(0.05);
    const poolSize = 10;
    steps.push({
      at,
      call: 'dbQuery',
      input: {
        operation: rng.pick(QUERIES[phase]),
        durationMs: Math.round((slowQuery ? rng.around(200, 1200) : rng.around(0.4, 40)) * 10) / 10,
        poolInUse: slowQuery ? rng.int(8, poolSize) : rng.int(1, 6),
        poolSize,
        deadlock: rng.chance(0.005) || undefined,
        replicationLagMs: rng.chance(0.03) ? rng.int(1000, 6000) : rng.int(0, 150),
      },
    });
  }
}
