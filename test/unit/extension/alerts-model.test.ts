import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertNotification, AlertView, ErrorGroup, IncidentDetail, SilenceView } from '../../../agent/api/types';
import { decideAction, isInside } from '../../../src/alerts/action-policy';
import { alertStatus, alertToast, alertTree, errorGroupTree, groupMatchers, incidentTree } from '../../../src/alerts/model';
import { runCommand } from '../../../src/alerts/run-command';

const NOW = Date.parse('2026-11-25T10:30:00Z');

function alert(rule: string, extra: Partial<AlertView> = {}): AlertView {
  return {
    fingerprint: `alertname=${rule}`, rule, labels: { alertname: rule, severity: extra.severity ?? 'warning' }, annotations: { summary: `${rule} holds` },
    state: 'firing', activeAt: NOW - 300_000, firedAt: NOW - 300_000, value: 1, severity: 'warning', escalations: 0, acknowledgedAt: null, acknowledgedBy: null,
    silencedBy: null, inhibitedBy: null, mutedBy: null, incidentId: null, ...extra,
  };
}

const silence: SilenceView = { id: 's1', matchers: ['alertname="Noisy"'], startsAt: NOW - 60_000, endsAt: NOW + 1800_000, createdBy: 'ana', comment: 'deploy', createdAt: NOW - 60_000, state: 'active' };

test('the Alerts tree: firing (most severe first), pending, silenced and silences, each with a count', () => {
  const tree = alertTree(
    [
      alert('Slow'),
      alert('Down', { severity: 'critical', acknowledgedAt: NOW, acknowledgedBy: 'ana' }),
      alert('Warming', { state: 'pending', firedAt: null }),
      alert('Noisy', { silencedBy: 's1' }),
      alert('Meh', { inhibitedBy: 'alertname=Down,severity=critical' }),
    ],
    [silence, { ...silence, id: 'old', state: 'expired' }],
    NOW,
  );
  assert.deepEqual(tree.map((n) => [n.label, n.description]), [['Firing', '2'], ['Pending', '1'], ['Silenced', '2'], ['Silences', '1']]);
  const [down, slow] = tree[0].children!;
  assert.equal(down.label, 'Down');
  assert.equal(down.description, 'critical · firing 5m · acked by ana');
  assert.equal(down.contextValue, 'alert firing acked audible');
  assert.equal(slow.contextValue, 'alert firing unacked audible');
  assert.equal(tree[2].children![0].description, 'warning · firing 5m · silenced');
  assert.equal(tree[2].children![0].contextValue, 'alert firing unacked silenced');
  assert.equal(tree[2].children![1].description, 'warning · firing 5m · inhibited by Down');
  assert.deepEqual([tree[3].children![0].label, tree[3].children![0].description, tree[3].children![0].contextValue], ['alertname="Noisy"', '30 min left · deploy', 'silence active']);
  assert.deepEqual(alertTree([], [], NOW), [], 'nothing: the welcome view shows instead');
});

test('an error-group alert is labelled with its message, on one line', () => {
  const [firing] = alertTree([alert('NewErrorGroup', { labels: { alertname: 'NewErrorGroup', group: 'abc', category: 'system' }, annotations: { message: 'Disk\nfull' } })], [], NOW);
  assert.equal(firing.children![0].label, 'NewErrorGroup: Disk full');
});

test('the status bar item: hidden with nothing firing; counts firing, unacknowledged, and turns red for errors', () => {
  assert.equal(alertStatus([alert('Warming', { state: 'pending' })]).visible, false);
  assert.equal(alertStatus([alert('Noisy', { silencedBy: 's' })]).visible, false, 'silenced alerts do not count');
  const s = alertStatus([alert('Slow'), alert('Down', { severity: 'critical', acknowledgedAt: NOW })]);
  assert.deepEqual([s.visible, s.text, s.level], [true, '$(bell-dot) 2 (1 new)', 'error']);
  assert.match(s.tooltip, /^2 alerts firing\nwarning: Slow\ncritical: Down \(acknowledged\)$/);
  assert.equal(alertStatus([alert('Slow')]).level, 'warning');
  assert.equal(alertStatus([alert('Slow', { acknowledgedAt: NOW })]).text, '$(bell) 1', 'all acknowledged: no dot, no count of new ones');
});

function notification(extra: Partial<AlertNotification> = {}): AlertNotification {
  return {
    groupKey: '{}', groupLabels: { alertname: 'CodegenSlow' }, firing: [{ fingerprint: 'f1', labels: {}, annotations: {}, startsAt: 0, value: 1 }], resolved: [],
    reason: 'new', at: NOW, title: 'CodegenSlow', body: 'codegen p95 is 41 s\nmore', severity: 'warning', channels: ['vscode', 'webhook'], ...extra,
  };
}

test('toasts: only for the vscode channel and at or above the level; escalations and repeats say so', () => {
  assert.deepEqual(alertToast(notification(), 'warning'), { severity: 'warning', message: 'CodegenSlow: codegen p95 is 41 s', fingerprints: ['f1'] });
  assert.equal(alertToast(notification(), 'error'), null);
  assert.equal(alertToast(notification({ channels: ['webhook'] }), 'info'), null);
  assert.equal(alertToast(notification(), 'off'), null);
  assert.equal(alertToast(notification({ reason: 'escalated', severity: 'critical' }), 'error')?.message, 'Escalated: CodegenSlow: codegen p95 is 41 s');
  const resolved = alertToast(notification({ firing: [], resolved: [{ fingerprint: 'f1', labels: {}, annotations: {}, startsAt: 0, endsAt: 1 }], severity: 'warning' }), 'critical');
  assert.deepEqual([resolved?.severity, resolved?.fingerprints], ['info', []], 'a resolution is information with nothing to acknowledge');
  assert.deepEqual(groupMatchers({ alertname: 'A "quoted"', phase: '' }), ['alertname="A \\"quoted\\""']);
});

function detail(id: number, status: 'open' | 'resolved'): IncidentDetail {
  return {
    incident: { id, title: `Outage ${id}`, severity: 'critical', status, labels: {}, openedAt: NOW - id * 600_000, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: status === 'resolved' ? NOW : null, resolvedBy: null, alerts: [] },
    timeline: [
      { ts: NOW - 600_000, kind: 'opened', text: 'Incident opened' },
      { ts: NOW - 500_000, kind: 'run_failed', text: 'Run failed', runId: 'r1' },
      { ts: NOW - 400_000, kind: 'note', text: 'looking', by: 'ana' },
    ],
    impact: { runsFailed: 1, runsEnded: 2, usersAffected: 1, errors: 1, costWastedUsd: null },
    errorGroups: [], resources: { cpuPeak: null, memoryPeakPercent: null, load1Peak: null }, actions: [],
  };
}

test('the Incidents tree: open then resolved, newest first, the timeline as children; a failed run opens its run', () => {
  const tree = incidentTree([detail(3, 'resolved'), detail(1, 'open'), detail(2, 'open')], NOW);
  assert.deepEqual(tree.map((n) => [n.label, n.description]), [['Open', '2'], ['Resolved', '1']]);
  assert.deepEqual(tree[0].children!.map((n) => n.label), ['#1 Outage 1', '#2 Outage 2']);
  const first = tree[0].children![0];
  assert.equal(first.contextValue, 'incident open');
  assert.equal(first.incidentId, 1);
  assert.deepEqual(first.children!.map((c) => c.icon?.id), ['flame', 'error', 'note']);
  assert.deepEqual(first.children![1].open, { kind: 'run', runId: 'r1' });
  assert.equal(tree[1].children![0].contextValue, 'incident resolved');
  assert.deepEqual(incidentTree([], NOW), []);
});

function group(fingerprint: string, status: ErrorGroup['status'], category: ErrorGroup['category'] = 'generation'): ErrorGroup {
  return {
    fingerprint, category, severity: 'error', message: `boom ${fingerprint}`, firstSeen: NOW - 3600_000, lastSeen: NOW - 60_000, count: 5, countInRange: 3,
    runsAffected: 2, usersAffected: 1, phases: ['codegen'], models: [], templates: [], status, statusChangedAt: null, resolvedAt: null, reopenCount: 0,
  };
}

test('the Errors tree shows groups by category with their state; menus key on the state', () => {
  const tree = errorGroupTree([group('a', 'resolved'), group('b', 'regressed'), group('c', 'new'), group('d', 'ignored', 'system')], NOW);
  assert.deepEqual(tree.map((n) => [n.label, n.description]), [['generation', '9 errors · 3 groups, 2 open'], ['system', '3 errors · 1 group, 0 open']]);
  assert.deepEqual(tree[0].children!.map((n) => [n.label, n.contextValue]), [
    ['boom b', 'errorGroup status-regressed'],
    ['boom c', 'errorGroup status-new'],
    ['boom a', 'errorGroup status-resolved'],
  ]);
  assert.equal(tree[0].children![0].description, '×3 · regressed · 1m ago');
  assert.equal(tree[0].children![0].fingerprint, 'b');
});

test('action policy: Restricted Mode runs nothing; this workspace may run unattended; elsewhere always asks', () => {
  const folders = ['/work/shop'];
  const own = { status: 'requested' as const, rulesFile: '/work/shop/.genmon/alerts.yaml', unattended: true };
  assert.deepEqual(decideAction(own, { folders, trusted: false }), { kind: 'skip', reason: 'untrusted' });
  assert.deepEqual(decideAction(own, { folders, trusted: true }), { kind: 'run' });
  assert.deepEqual(decideAction({ ...own, unattended: false }, { folders, trusted: true }), { kind: 'confirm' });
  assert.deepEqual(decideAction({ ...own, rulesFile: '/work/other/.genmon/alerts.yaml' }, { folders, trusted: true }), { kind: 'confirm' });
  assert.deepEqual(decideAction({ ...own, rulesFile: '/work/shop-evil/alerts.yaml' }, { folders, trusted: true }), { kind: 'confirm' }, 'a sibling with a common prefix is not inside');
  assert.deepEqual(decideAction({ ...own, status: 'claimed' }, { folders, trusted: true }), { kind: 'skip', reason: 'not_requested' });
  assert.equal(isInside('/a/b/../../etc/passwd', '/a'), false);
});

test('a command runs without a shell, with its output kept; a slow one is stopped at its timeout', async () => {
  const ok = await runCommand(process.execPath, ['-e', 'console.log(process.argv[1]); process.exit(3)', '$(touch /tmp/x); `id`'], { cwd: process.cwd(), env: process.env, timeoutMs: 10_000 });
  assert.deepEqual([ok.status, ok.exitCode, ok.output.trim()], ['failed', 3, '$(touch /tmp/x); `id`']);
  const slow = await runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: process.cwd(), env: process.env, timeoutMs: 200 });
  assert.equal(slow.status, 'timed_out');
  const missing = await runCommand('genmon-no-such-program', [], { cwd: process.cwd(), env: process.env, timeoutMs: 1000 });
  assert.equal(missing.status, 'failed');
  assert.match(missing.output, /ENOENT/);
});
