/**
 * Automated response: a rule's action, requested on the incident its alert
 * opened or joined, claimed by one VS Code window, confirmed there (or not,
 * see docs/alerts.md), run with a timeout, and its outcome recorded on the
 * incident. The agent never runs an action itself; it keeps the record.
 */
import { randomUUID } from 'node:crypto';
import type { ActionOutcome, ActionView, IncidentSummary } from '../api/types';
import type { AlertingQueries } from '../store/alerting-queries';
import type { Effects } from './effects';
import type { AlertRule } from './rules-file';

/** A request or state change the API refuses: the status code and why. */
export class Refused extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** Nobody claimed it in this long: no window is open to run it. */
const UNCLAIMED_MS = 10 * 60_000;
/** A claimed action with no outcome this long after its timeout: the window went away. */
const SILENT_MS = 2 * 60_000;
const OUTPUT_CHARS = 4096;

function describeAction(a: { command: string | null; args: readonly string[]; task: string | null }): string {
  return a.task !== null ? `task "${a.task}"` : [a.command ?? '', ...a.args].map((p) => (/^[\w./:=@+-]+$/.test(p) ? p : JSON.stringify(p))).join(' ');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export class ActionDesk {
  private readonly requested = new Set<string>();

  constructor(
    private readonly queries: AlertingQueries,
    private readonly rulesFile: string | null,
  ) {
    for (const a of queries.actions({})) this.requested.add(`${a.incidentId}/${a.rule}`);
  }

  private save(action: ActionView, fx: Effects, text?: string): ActionView {
    fx.ops.push({ op: 'action.put', action });
    if (text) fx.ops.push({ op: 'incident.event', incidentId: action.incidentId, entry: { ts: action.updatedAt, kind: 'action', text, actionId: action.id, by: action.claimedBy ?? undefined } });
    fx.pushes.push({ type: 'action', action });
    return action;
  }

  /** Requests the rule's action once per incident. */
  request(rule: AlertRule, fingerprint: string, incident: IncidentSummary, now: number, fx: Effects): void {
    const key = `${incident.id}/${rule.name}`;
    if (!rule.action || this.requested.has(key)) return;
    this.requested.add(key);
    const a = rule.action;
    const action: ActionView = {
      id: randomUUID(),
      incidentId: incident.id,
      rule: rule.name,
      alertFingerprint: fingerprint,
      command: a.command,
      args: a.args,
      task: a.task,
      display: describeAction(a),
      timeoutMs: a.timeoutMs,
      unattended: a.unattended,
      origin: rule.origin,
      rulesFile: rule.origin === 'built-in' ? null : this.rulesFile,
      status: 'requested',
      requestedAt: now,
      updatedAt: now,
      claimedBy: null,
      exitCode: null,
      output: null,
      durationMs: null,
    };
    this.save(action, fx, `Action requested by ${rule.name}: ${action.display}${a.unattended ? ' (may run unattended)' : ' (needs confirmation)'}`);
  }

  claim(id: string, by: string, now: number, fx: Effects): ActionView {
    const a = this.queries.action(id);
    if (!a) throw new Refused(404, 'no action with that id');
    if (a.status !== 'requested') throw new Refused(409, `the action is ${a.status}, not requested`);
    return this.save({ ...a, status: 'claimed', claimedBy: by.slice(0, 200), updatedAt: now }, fx);
  }

  outcome(id: string, outcome: ActionOutcome, now: number, fx: Effects): ActionView {
    const a = this.queries.action(id);
    if (!a) throw new Refused(404, 'no action with that id');
    const from = outcome.status === 'running' ? ['claimed'] : outcome.status === 'declined' ? ['claimed'] : ['claimed', 'running'];
    if (!from.includes(a.status)) throw new Refused(409, `the action is ${a.status}; "${outcome.status}" cannot follow it`);
    if (outcome.status === 'running') return this.save({ ...a, status: 'running', updatedAt: now }, fx);
    const output = outcome.output === undefined ? null : outcome.output.slice(-OUTPUT_CHARS);
    const done: ActionView = {
      ...a,
      status: outcome.status,
      updatedAt: now,
      exitCode: outcome.exitCode ?? null,
      output,
      durationMs: outcome.durationMs ?? null,
      claimedBy: outcome.by?.slice(0, 200) ?? a.claimedBy,
    };
    const what = a.display;
    const text =
      outcome.status === 'declined'
        ? `Action declined: ${what}`
        : outcome.status === 'timed_out'
          ? `Action timed out after ${seconds(a.timeoutMs)} and was stopped: ${what}`
          : `Action ${outcome.status}${done.exitCode !== null ? ` (exit ${done.exitCode})` : ''}${done.durationMs !== null ? ` in ${seconds(done.durationMs)}` : ''}: ${what}`;
    return this.save(done, fx, text);
  }

  /** Actions nobody claimed, or whose window went silent, are recorded as expired. */
  expire(now: number, fx: Effects): void {
    for (const a of [...this.queries.actions({ status: 'requested' }), ...this.queries.actions({ status: 'claimed' }), ...this.queries.actions({ status: 'running' })]) {
      const limit = a.status === 'requested' ? UNCLAIMED_MS : a.timeoutMs + SILENT_MS;
      if (now - a.updatedAt < limit) continue;
      const why = a.status === 'requested' ? 'no VS Code window that may run it claimed it' : 'the window running it reported no outcome';
      this.save({ ...a, status: 'expired', updatedAt: now }, fx, `Action expired (${why}): ${a.display}`);
    }
  }
}
