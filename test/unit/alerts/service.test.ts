import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertNotification, PushMessage } from '../../../agent/api/types';
import { DEFAULT_SETTINGS } from '../../../agent/alerts/builtin';
import type { Evaluation } from '../../../agent/alerts/engine';
import type { AlertRule, PipelineSettings } from '../../../agent/alerts/rules-file';
import { Refused } from '../../../agent/alerts/action-desk';
import { AlertService } from '../../../agent/alerts/service';
import { AlertingQueries } from '../../../agent/store/alerting-queries';
import { compileInterval } from '../../../agent/alerts/time-intervals';
import { Store } from '../../../agent/store/store';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const MIN = 60_000;

function rule(name: string, extra: Partial<AlertRule> = {}): AlertRule {
  return {
    name, severity: 'warning', forMs: 0, keepFiringForMs: 0, labels: {}, annotations: { summary: `${name} holds` }, enabled: true, action: null,
    templates: null, channels: null, activeTimeIntervals: [], muteTimeIntervals: [], escalation: null,
    spec: { kind: 'regressed_error_group' }, origin: 'test', ...extra,
  };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition never held');
}

/** A service over a real store in a temporary directory, with a clock and rule figures the test moves. */
async function harness(rules: AlertRule[], settings: PipelineSettings = DEFAULT_SETTINGS, opts: { logFile?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-svc-'));
  const h = {
    dir,
    clock: T0,
    holds: new Map<string, boolean>(),
    /** Rules reporting one instance per listed group instead of one unlabelled instance. */
    groups: new Map<string, string[]>(),
    pushed: [] as PushMessage[],
    store: await Store.open({ dbPath: join(dir, 'genmon.db'), log: () => undefined }),
    service: null as unknown as AlertService,
    logFile: opts.logFile ? join(dir, 'alerts.log') : null,
    start() {
      h.service = new AlertService({
        rules, settings, rulesFile: join(dir, 'alerts.yaml'), store: h.store, log: () => undefined, now: () => h.clock,
        evaluator: (r): Evaluation[] =>
          h.groups.has(r.name)
            ? h.groups.get(r.name)!.map((g) => ({ labels: { group: g }, holds: true, value: 1 }))
            : [{ labels: {}, holds: h.holds.get(r.name) ?? false, value: 1 }],
        push: (m) => h.pushed.push(m),
        logFile: h.logFile,
      });
    },
    /** Evaluates at `t` ms after T0. */
    async at(t: number) {
      h.clock = T0 + t;
      await h.service.tick();
    },
    notifications(): AlertNotification[] {
      return h.pushed.flatMap((m) => (m.type === 'notification' ? [m.notification] : []));
    },
    async restart() {
      await h.service.stop();
      await h.store.close();
      h.store = await Store.open({ dbPath: join(dir, 'genmon.db'), log: () => undefined });
      h.start();
    },
    async dispose() {
      await h.service.stop();
      await h.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  h.start();
  return h;
}

test('flapping input does not flap notifications: one firing, then one resolved after keep_firing_for', async () => {
  const h = await harness([rule('Flappy', { keepFiringForMs: 5 * MIN })]);
  try {
    for (let s = 0; s < 120; s++) {
      h.holds.set('Flappy', s % 2 === 0);
      await h.at(s * 1000);
    }
    assert.deepEqual(h.notifications().map((n) => [n.firing.length, n.resolved.length]), [[1, 0]]);
    h.holds.set('Flappy', false);
    for (let s = 120; s < 120 + 6 * 60; s += 5) await h.at(s * 1000);
    assert.deepEqual(h.notifications().map((n) => [n.firing.length, n.resolved.length]), [[1, 0], [0, 1]]);
  } finally {
    await h.dispose();
  }
});

test('a silence holds notifications back, survives a restart, and once expired the alert is notified', async () => {
  const h = await harness([rule('Noisy')]);
  try {
    const silence = await h.service.createSilence({ matchers: ['alertname="Noisy"'], durationMs: 3600_000, comment: 'deploying', createdBy: 'me' });
    assert.equal(silence.state, 'active');
    h.holds.set('Noisy', true);
    await h.at(0);
    await h.at(1000);
    assert.deepEqual(h.notifications(), []);
    assert.equal(h.service.active()[0].silencedBy, silence.id);

    await h.restart();
    await h.at(2 * MIN);
    assert.deepEqual(h.notifications(), [], 'still silenced after the restart');
    assert.equal(h.service.silenceViews()[0].state, 'active');

    const expired = await h.service.expireSilence(silence.id);
    assert.equal(expired.state, 'expired');
    await h.at(4 * MIN);
    assert.equal(h.notifications().length, 1, 'notified once the silence is gone');
    assert.equal(h.notifications()[0].firing[0].labels.alertname, 'Noisy');
  } finally {
    await h.dispose();
  }
});

test('a restart while an alert fires sends nothing twice', async () => {
  const h = await harness([rule('Firing')]);
  try {
    h.holds.set('Firing', true);
    await h.at(0);
    await h.at(1000);
    assert.equal(h.notifications().length, 1);
    await h.restart();
    for (let t = 2000; t < 10 * MIN; t += 5000) await h.at(t);
    assert.equal(h.notifications().length, 1, 'the new service pushed nothing more');
    assert.equal(h.service.active()[0].state, 'firing');
  } finally {
    await h.dispose();
  }
});

test('a critical alert inhibits the warnings firing beside it', async () => {
  const h = await harness([rule('Down', { severity: 'critical' }), rule('Slow', { severity: 'warning' })]);
  try {
    h.holds.set('Down', true);
    h.holds.set('Slow', true);
    await h.at(0);
    await h.at(1000);
    assert.deepEqual(h.notifications().map((n) => n.groupLabels.alertname), ['Down']);
    const slow = h.service.active().find((a) => a.rule === 'Slow')!;
    assert.equal(slow.inhibitedBy, 'alertname=Down,severity=critical');
  } finally {
    await h.dispose();
  }
});

test('a mute time interval of the route holds notifications back', async () => {
  const always = { name: 'always', intervals: [compileInterval({ location: 'UTC' })] };
  const settings = { ...DEFAULT_SETTINGS, timeIntervals: [always], route: { ...DEFAULT_SETTINGS.route, muteTimeIntervals: ['always'] } };
  const h = await harness([rule('Quiet')], settings);
  try {
    h.holds.set('Quiet', true);
    await h.at(0);
    await h.at(1000);
    assert.deepEqual(h.notifications(), []);
    assert.equal(h.service.active()[0].mutedBy, 'always');
  } finally {
    await h.dispose();
  }
});

test('an unacknowledged alert escalates: severity raised, more channels, written to the log file; an acknowledged one does not', async () => {
  const escalation = [{ afterMs: 10 * MIN, severity: null, channels: ['log_file' as const] }];
  const h = await harness([rule('Stuck', { channels: ['vscode'], escalation }), rule('Seen', { channels: ['vscode'], escalation })], DEFAULT_SETTINGS, { logFile: true });
  try {
    h.holds.set('Stuck', true);
    h.holds.set('Seen', true);
    await h.at(0);
    await h.at(1000);
    assert.deepEqual(h.notifications().map((n) => n.channels), [['vscode'], ['vscode']], 'the rules send to VS Code only');
    await h.service.acknowledge([h.service.active().find((a) => a.rule === 'Seen')!.fingerprint], 'me');
    await h.at(10 * MIN + 1000);
    const escalated = h.notifications().filter((n) => n.reason === 'escalated');
    assert.equal(escalated.length, 1);
    assert.equal(escalated[0].groupLabels.alertname, 'Stuck');
    assert.equal(escalated[0].severity, 'error');
    assert.deepEqual(escalated[0].channels, ['vscode', 'log_file']);
    assert.equal(h.service.active().find((a) => a.rule === 'Stuck')!.severity, 'error');
    await until(() => existsSync(h.logFile!) && readFileSync(h.logFile!, 'utf8').endsWith('\n'));
    const lines = readFileSync(h.logFile!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; severity: string; title: string });
    assert.deepEqual(lines.map((l) => [l.reason, l.severity, l.title]), [['escalated', 'error', 'Stuck']]);
    // Escalated to error, the alert opened an incident.
    assert.equal(h.service.active().find((a) => a.rule === 'Stuck')!.incidentId, 1);
  } finally {
    await h.dispose();
  }
});

test('templates of a rule fill the notification title and body', async () => {
  const h = await harness([rule('Templated', { labels: { team: 'gen' }, templates: { default: { title: '{{alertname}} for {{team}}', body: 'value {{value}}' }, channels: {} } })]);
  try {
    h.holds.set('Templated', true);
    await h.at(0);
    await h.at(1000);
    assert.deepEqual([h.notifications()[0].title, h.notifications()[0].body], ['Templated for gen', 'value 1']);
  } finally {
    await h.dispose();
  }
});

test('an error alert opens an incident; another instance joins it; acks and notes go on its timeline; it resolves once its alerts stay resolved', async () => {
  const settings = { ...DEFAULT_SETTINGS, incidents: { ...DEFAULT_SETTINGS.incidents, resolveAfterMs: 5 * MIN } };
  const h = await harness([rule('Broken', { severity: 'error' }), rule('Meh', { severity: 'warning' })], settings);
  try {
    h.groups.set('Broken', ['a']);
    h.holds.set('Meh', true);
    await h.at(0);
    h.groups.set('Broken', ['a', 'b']);
    await h.at(1000);
    const stored = new AlertingQueries(h.store.st);
    const [incident] = stored.incidents({ limit: 10 });
    assert.equal(incident.id, 1);
    assert.equal(incident.status, 'open');
    assert.deepEqual(incident.labels, {}, 'one open incident collects every serious alert by default');
    assert.deepEqual(incident.alerts.map((a) => [a.labels.group, a.firing]), [['a', true], ['b', true]]);
    assert.equal(stored.incidents({ limit: 10 }).length, 1, 'the warning opened none');
    const a = h.service.active().find((x) => x.labels.group === 'a')!;
    assert.equal(a.incidentId, 1);
    await h.service.acknowledge([a.fingerprint], 'me');
    await h.service.addNote(1, 'looking at the deploy', 'me');
    assert.equal(stored.incident(1)!.acknowledgedBy, 'me');

    h.groups.set('Broken', []);
    await h.at(2 * MIN);
    assert.equal(stored.incident(1)!.status, 'open', 'resolved alerts wait resolve_after');
    await h.at(8 * MIN);
    assert.equal(stored.incident(1)!.status, 'resolved');
    assert.equal(stored.incident(1)!.resolvedBy, 'genmon');
    assert.deepEqual(stored.events(1).map((e) => e.kind), ['opened', 'alert_firing', 'acknowledged', 'note', 'alert_resolved', 'alert_resolved', 'resolved']);

    h.groups.set('Broken', ['a']);
    await h.at(9 * MIN);
    assert.equal(stored.incidents({ status: 'open', limit: 10 })[0].id, 2, 'a new firing after resolution opens a new incident');
    await h.service.resolveIncident(2, 'me', 'rolled back');
    await assert.rejects(h.service.resolveIncident(2, 'me', null), (e: Error) => e instanceof Refused && e.status === 409);
    assert.equal(stored.events(2).at(-1)!.text, 'Resolved by me: rolled back');
  } finally {
    await h.dispose();
  }
});

test("a rule's action is requested once per incident, claimed by one window, and its outcome recorded", async () => {
  const action = { command: 'npm', args: ['run', 'regenerate'], task: null, timeoutMs: 30_000, unattended: false };
  const h = await harness([rule('Fixable', { severity: 'critical', action })]);
  try {
    h.holds.set('Fixable', true);
    await h.at(0);
    await h.at(1000);
    const stored = new AlertingQueries(h.store.st);
    const [requested] = stored.actions({});
    assert.equal(requested.status, 'requested');
    assert.deepEqual([requested.command, requested.args, requested.incidentId, requested.rulesFile?.endsWith('alerts.yaml')], ['npm', ['run', 'regenerate'], 1, true]);
    assert.ok(h.pushed.some((m) => m.type === 'action' && m.action.id === requested.id));
    await h.service.claimAction(requested.id, 'window-1');
    await assert.rejects(h.service.claimAction(requested.id, 'window-2'), (e: Error) => e instanceof Refused && e.status === 409);
    await h.service.actionOutcome(requested.id, { status: 'running' });
    const done = await h.service.actionOutcome(requested.id, { status: 'succeeded', exitCode: 0, output: 'regenerated', durationMs: 2100 });
    assert.equal(done.status, 'succeeded');
    assert.equal(stored.events(1).at(-1)!.text, 'Action succeeded (exit 0) in 2.1 s: npm run regenerate');
    await h.at(2000);
    assert.equal(stored.actions({}).length, 1, 'not requested again while the incident is open');
  } finally {
    await h.dispose();
  }
});

test('an action nobody claims expires and says so on the incident', async () => {
  const action = { command: null, args: [], task: 'Rerun', timeoutMs: 30_000, unattended: true };
  const h = await harness([rule('Lonely', { severity: 'error', action })]);
  try {
    h.holds.set('Lonely', true);
    await h.at(0);
    await h.at(11 * MIN);
    const stored = new AlertingQueries(h.store.st);
    assert.equal(stored.actions({})[0].status, 'expired');
    assert.match(stored.events(1).at(-1)!.text, /^Action expired \(no VS Code window that may run it claimed it\): task "Rerun"/);
  } finally {
    await h.dispose();
  }
});

test('delivered notifications and silences that ended a week ago are pruned', async () => {
  const h = await harness([rule('Once')], DEFAULT_SETTINGS, { logFile: true });
  try {
    await h.service.createSilence({ matchers: ['alertname="Other"'], durationMs: MIN });
    h.holds.set('Once', true);
    await h.at(0);
    await h.at(1000);
    const stored = new AlertingQueries(h.store.st);
    await until(() => stored.deliveries({ status: 'delivered', limit: 10 }).length === 1);
    const [first] = stored.deliveries({ limit: 10 });
    await h.at(2 * 3600_000);
    assert.ok(stored.deliveries({ limit: 10 }).some((d) => d.id === first.id), 'kept for a week');
    h.holds.set('Once', false);
    await h.at(3 * 3600_000);
    await h.at(8 * 24 * 3600_000);
    assert.equal(stored.deliveries({ limit: 10 }).some((d) => d.id === first.id), false, 'gone after a week');
    assert.deepEqual([stored.silences().length, h.service.silenceViews().length], [0, 0]);
  } finally {
    await h.dispose();
  }
});
