import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, parseRulesFile } from '../../../agent/alerts/rules-file';

const good = `
version: 1
rules:
  - name: CodegenSlow
    kind: phase_p95
    phase: codegen
    threshold: 30s
    window: 15m
    for: 2m
    keep_firing_for: 5m
    severity: warning
    labels: { team: generator }
  - name: Failing
    kind: failure_rate
    threshold: 0.3
    severity: error
    action:
      command: npm
      args: [run, regenerate, --, --phase, codegen]
      timeout: 2m
`;

test('a good file gives checked rules with durations in ms', () => {
  const { rules, errors } = parseRulesFile(good, 'alerts.yaml');
  assert.deepEqual(errors, []);
  assert.equal(rules.length, 2);
  assert.deepEqual(rules[0].spec, { kind: 'phase_p95', phase: 'codegen', windowMs: 900_000, thresholdMs: 30_000, minRuns: 5 });
  assert.equal(rules[0].forMs, 120_000);
  assert.equal(rules[0].keepFiringForMs, 300_000);
  assert.equal(rules[0].origin, 'alerts.yaml:4');
  assert.deepEqual(rules[1].action, { command: 'npm', args: ['run', 'regenerate', '--', '--phase', 'codegen'], task: null, timeoutMs: 120_000, unattended: false });
});

test('JSON works too', () => {
  const { rules, errors } = parseRulesFile('{"rules":[{"name":"Cpu","kind":"resource","metric":"cpu","threshold":90,"for":"1m"}]}', 'alerts.json');
  assert.deepEqual(errors, []);
  assert.deepEqual(rules[0].spec, { kind: 'resource', metric: 'cpu', threshold: 90 });
});

test('errors name the line, the field and what was expected', () => {
  const bad = `rules:
  - name: A
    kind: phase_p95
    phase: compile
    threshold: soon
  - name: B
    kind: failure_rate
    threshhold: 0.5
`;
  const { rules, errors } = parseRulesFile(bad, 'alerts.yaml');
  assert.deepEqual(rules, []);
  const text = errors.map((e) => `${e.line}: ${e.message}`);
  assert.ok(text.includes('4: /rules/0/phase must be one of blueprint, codegen, validation, deployment'), text.join('\n'));
  assert.ok(text.includes('5: /rules/0/threshold must be a duration such as 30s, 5m, 1h'), text.join('\n'));
  assert.ok(text.includes('8: unknown field "threshhold"'), text.join('\n'));
  assert.ok(text.some((t) => /^6: missing field "threshold"/.test(t)), text.join('\n'));
});

test('YAML syntax errors and duplicate names are reported with lines', () => {
  const syntax = parseRulesFile('rules:\n  - name: A\n    kind: [unclosed\n', 'x.yaml');
  assert.equal(syntax.errors.length > 0, true);
  assert.equal(typeof syntax.errors[0].line, 'number');
  const dup = parseRulesFile('rules:\n  - name: A\n    kind: regressed_error_group\n  - name: A\n    kind: regressed_error_group\n', 'x.yaml');
  assert.deepEqual(dup.errors.map((e) => [e.line, e.message]), [[4, 'a rule named "A" is defined twice']]);
});

test('durations', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.throws(() => parseDuration('2 hours'));
});

const pipeline = `
version: 1
route:
  group_by: [alertname, phase]
  group_wait: 1s
  repeat_interval: 1h
  mute_time_intervals: [weekends]
templates:
  webhook: { title: "[{{status}}] {{alertname}}" }
inhibit_rules:
  - source_matchers: ['alertname="NoSuccessfulGeneration"']
    target_matchers: ['alertname=~"GenerationFailureRate|CodegenSlow"']
    equal: []
time_intervals:
  - name: weekends
    time_intervals:
      - weekdays: ['saturday', 'sunday']
  - name: working_hours
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{ start_time: '09:00', end_time: '17:30' }]
        location: Europe/Berlin
escalation:
  - { after: 30m, severity: critical, channels: [webhook] }
incidents: { min_severity: warning, resolve_after: 5m }
rules:
  - name: Failing
    kind: failure_rate
    threshold: 0.3
    severity: error
    title: "Generations failing: {{value}}"
    templates: { webhook: { body: "see {{link}}" } }
    channels: [vscode, webhook]
    active_time_intervals: [working_hours]
    action: { task: "Regenerate failed phase", unattended: true, timeout: 30s }
  - name: CostSpike
    kind: anomaly
    metric: cost_per_hour
    baseline: daily
`;

test('route, templates, inhibition, time intervals, escalation and incidents are read with the rules', () => {
  const { rules, settings, errors } = parseRulesFile(pipeline, 'alerts.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(settings.route, {
    groupBy: ['alertname', 'phase'], groupWaitMs: 1000, groupIntervalMs: 60_000, repeatIntervalMs: 3600_000, channels: null,
    activeTimeIntervals: [], muteTimeIntervals: ['weekends'],
  });
  assert.deepEqual(settings.templates, { webhook: { title: '[{{status}}] {{alertname}}' } });
  assert.deepEqual(settings.inhibitRules[0].source, [{ name: 'alertname', op: '=', value: 'NoSuccessfulGeneration' }]);
  assert.deepEqual(settings.timeIntervals.map((t) => t.name), ['weekends', 'working_hours']);
  assert.deepEqual(settings.timeIntervals[1].intervals[0].times, [{ start: 540, end: 1050 }]);
  assert.equal(settings.timeIntervals[1].intervals[0].location, 'Europe/Berlin');
  assert.deepEqual(settings.escalation, [{ afterMs: 1_800_000, severity: 'critical', channels: ['webhook'] }]);
  assert.deepEqual(settings.incidents, { minSeverity: 'warning', groupBy: [], resolveAfterMs: 300_000 });
  const failing = rules[0];
  assert.deepEqual(failing.templates, { default: { title: 'Generations failing: {{value}}', body: undefined }, channels: { webhook: { body: 'see {{link}}' } } });
  assert.deepEqual(failing.channels, ['vscode', 'webhook']);
  assert.deepEqual(failing.activeTimeIntervals, ['working_hours']);
  assert.deepEqual(failing.action, { command: null, args: [], task: 'Regenerate failed phase', timeoutMs: 30_000, unattended: true });
  assert.deepEqual(rules[1].spec, {
    kind: 'anomaly', metric: 'cost_per_hour', phase: null, direction: 'up', threshold: 4, minSamples: 20, minRuns: 3,
    bucketMs: 300_000, historyMs: 7 * 86_400_000, baseline: 'daily',
  });
});

test('mistakes in the pipeline sections are reported on their lines', () => {
  const bad = `route:
  mute_time_intervals: [holidays]
inhibit_rules:
  - source_matchers: ['severity="critical']
    target_matchers: ['severity=~"("']
time_intervals:
  - name: nights
    time_intervals:
      - times: [{ start_time: '22:00', end_time: '06:00' }]
      - weekdays: ['funday']
      - location: Mars/Olympus
rules:
  - name: Run
    kind: no_success
    window: 5m
    action: { command: "rm -rf /tmp/x" }
  - name: Both
    kind: no_success
    window: 5m
    action: { command: ls, task: build }
  - name: Spiky
    kind: anomaly
    metric: phase_p95
`;
  const { rules, errors } = parseRulesFile(bad, 'alerts.yaml');
  assert.deepEqual(rules, []);
  const text = errors.map((e) => `${e.line}: ${e.message}`);
  const expect = (re: RegExp) => assert.ok(text.some((t) => re.test(t)), `${re} in\n${text.join('\n')}`);
  expect(/^16: \/rules\/0\/action\/command is run without a shell/);
  expect(/^20: \/rules\/1\/action must have either "command" or "task"/);
  // Schema errors come first and stop there; the semantic checks run on a file that passes the schema.
  const semantic = parseRulesFile(bad.replace('action: { command: "rm -rf /tmp/x" }', 'action: { command: rm, args: [-rf, /tmp/x] }').replace('action: { command: ls, task: build }', 'action: { task: build }'), 'alerts.yaml');
  const lines = semantic.errors.map((e) => `${e.line}: ${e.message}`);
  const has = (re: RegExp) => assert.ok(lines.some((t) => re.test(t)), `${re} in\n${lines.join('\n')}`);
  has(/^2: no time interval named "holidays"/);
  has(/^4: not a matcher/);
  has(/^5: bad regular expression/);
  has(/^9: time range 22:00-06:00 ends before it starts/);
  has(/^10: "funday" is not a weekday/);
  has(/^11: "Mars\/Olympus" is not a time zone/);
  has(/^23: an anomaly rule on phase_p95 needs a "phase"/);
});
