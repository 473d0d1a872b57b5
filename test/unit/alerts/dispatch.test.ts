import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dispatcher, type AlertInstance, type RouteTiming } from '../../../agent/alerts/dispatch';
import { formatMatcher, matches, MatcherError, parseMatcher } from '../../../agent/alerts/matchers';
import { inhibitedBy, silencedBy, type Silence } from '../../../agent/alerts/silences';

const timing: RouteTiming = { groupBy: ['alertname'], groupWaitMs: 1000, groupIntervalMs: 10_000, repeatIntervalMs: 60_000 };

function alert(name: string, instance: string, status: 'firing' | 'resolved' = 'firing', extra: Record<string, string> = {}): AlertInstance {
  return {
    fingerprint: `${name}/${instance}`,
    labels: { alertname: name, instance, severity: 'warning', ...extra },
    annotations: {},
    status,
    startsAt: 0,
    endsAt: status === 'resolved' ? 1 : null,
    value: 1,
  };
}

const names = (n: { firing: AlertInstance[]; resolved: AlertInstance[] }) => ({
  firing: n.firing.map((a) => a.fingerprint),
  resolved: n.resolved.map((a) => a.fingerprint),
});

test('alerts of one group arriving within the group wait go out as one notification', () => {
  const d = new Dispatcher(timing);
  d.receive(alert('PhaseSlow', 'codegen'), 0);
  d.receive(alert('PhaseSlow', 'blueprint'), 500);
  d.receive(alert('FailureRate', 'all'), 600);
  assert.deepEqual(d.flush(900), []);
  const out = d.flush(1000);
  assert.equal(out.length, 1);
  assert.deepEqual(names(out[0]), { firing: ['PhaseSlow/codegen', 'PhaseSlow/blueprint'], resolved: [] });
  assert.equal(out[0].reason, 'new');
  const other = d.flush(1600);
  assert.deepEqual(other.map((n) => n.groupLabels), [{ alertname: 'FailureRate' }]);
});

test('a burst after the first notification waits for the group interval, then goes out once', () => {
  const d = new Dispatcher(timing);
  d.receive(alert('E', 'a'), 0);
  assert.equal(d.flush(1000).length, 1);
  for (let i = 0; i < 5; i++) d.receive(alert('E', `b${i}`), 2000 + i);
  assert.deepEqual(d.flush(5000), []);
  const out = d.flush(11_000);
  assert.equal(out.length, 1);
  assert.equal(out[0].firing.length, 6);
  assert.equal(out[0].reason, 'changed');
});

test('nothing new: silence until the repeat interval, then one repeat', () => {
  const d = new Dispatcher(timing);
  d.receive(alert('E', 'a'), 0);
  d.flush(1000);
  for (let t = 11_000; t < 61_000; t += 10_000) assert.deepEqual(d.flush(t), [], `at ${t}`);
  const out = d.flush(61_000);
  assert.equal(out[0]?.reason, 'repeat');
});

test('a resolved alert is notified once as resolved, then the group is gone', () => {
  const d = new Dispatcher(timing);
  d.receive(alert('E', 'a'), 0);
  d.flush(1000);
  d.receive(alert('E', 'a', 'resolved'), 3000);
  const out = d.flush(11_000);
  assert.deepEqual(names(out[0]), { firing: [], resolved: ['E/a'] });
  assert.equal(d.nextDueAt(), null);
});

test('an alert resolved before it was ever notified is not notified at all', () => {
  const d = new Dispatcher(timing);
  d.receive(alert('E', 'a'), 0);
  d.receive(alert('E', 'a', 'resolved'), 500);
  assert.deepEqual(d.flush(1000), []);
});

test('restored state: no duplicate after a restart, and changes still flow', () => {
  const d = new Dispatcher(timing);
  d.receive(alert('E', 'a'), 0);
  d.flush(1000);
  const saved = JSON.parse(JSON.stringify(d.snapshot()));
  const again = new Dispatcher(timing);
  again.restore(saved);
  again.receive(alert('E', 'a'), 12_000); // the rule re-evaluates after the restart
  assert.deepEqual(again.flush(12_000), []);
  again.receive(alert('E', 'a', 'resolved'), 15_000);
  assert.deepEqual(names(again.flush(22_000)[0]), { firing: [], resolved: ['E/a'] });
});

test('silences mute matching alerts until they expire', () => {
  const silences: Silence[] = [{ id: 's1', matchers: [parseMatcher('alertname="E"'), parseMatcher('instance=~"a|b"')], startsAt: 0, endsAt: 20_000, createdBy: 'me', comment: '' }];
  const d = new Dispatcher(timing, (a, now) => silencedBy(silences, a.labels, now) !== null);
  d.receive(alert('E', 'a'), 0);
  d.receive(alert('E', 'c'), 0);
  assert.deepEqual(names(d.flush(1000)[0]), { firing: ['E/c'], resolved: [] });
  const later = d.flush(21_000);
  assert.deepEqual(names(later[0]), { firing: ['E/a', 'E/c'], resolved: [] });
});

test('inhibition: a critical alert hides the warnings it explains, on the same labels only', () => {
  const rule = { source: [parseMatcher('severity="critical"')], target: [parseMatcher('severity="warning"')], equal: ['phase'] };
  const critical = { alertname: 'NoSuccess', severity: 'critical', phase: 'codegen' };
  assert.deepEqual(inhibitedBy([rule], [critical], { alertname: 'Slow', severity: 'warning', phase: 'codegen' }), critical);
  assert.equal(inhibitedBy([rule], [critical], { alertname: 'Slow', severity: 'warning', phase: 'deployment' }), null);
  assert.equal(inhibitedBy([rule], [critical], critical), null, 'never itself');
  const both = { source: [parseMatcher('alertname=~".+"')], target: [parseMatcher('alertname=~".+"')], equal: [] };
  assert.equal(inhibitedBy([both], [critical], { ...critical }), null, 'not by an identical alert either');
});

test('matcher syntax', () => {
  assert.deepEqual(parseMatcher('severity!="info"'), { name: 'severity', op: '!=', value: 'info' });
  assert.deepEqual(parseMatcher('phase=~"code.*"'), { name: 'phase', op: '=~', value: 'code.*' });
  assert.deepEqual(parseMatcher('model=gpt-4o'), { name: 'model', op: '=', value: 'gpt-4o' });
  assert.equal(matches(parseMatcher('phase=~"code"'), { phase: 'codegen' }), false, 'anchored');
  assert.equal(matches(parseMatcher('team=""'), {}), true, 'absent is empty');
  assert.equal(formatMatcher(parseMatcher('a!~"x|y"')), 'a!~"x|y"');
  assert.throws(() => parseMatcher('no operator'), MatcherError);
  assert.throws(() => parseMatcher('a=~"("'), /bad regular expression/);
});
