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
      command: npm run regenerate -- --phase codegen
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
  assert.deepEqual(rules[1].action, { command: 'npm run regenerate -- --phase codegen', task: null, timeoutMs: 120_000, unattended: false });
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
