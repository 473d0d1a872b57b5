import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_RULES, effectiveRules } from '../../../agent/alerts/builtin';
import { AlertEngine, type Evaluation } from '../../../agent/alerts/engine';
import type { AlertRule } from '../../../agent/alerts/rules-file';

const rule: AlertRule = {
  name: 'Failing',
  severity: 'error',
  forMs: 0,
  keepFiringForMs: 0,
  labels: { team: 'gen' },
  annotations: { summary: '{{value}} failed in {{phase}}' },
  enabled: true,
  action: null,
  templates: null,
  channels: null,
  activeTimeIntervals: [],
  muteTimeIntervals: [],
  escalation: null,
  spec: { kind: 'failure_rate', windowMs: 60_000, threshold: 0.5, minRuns: 1 },
  origin: 'test',
};

test('a rule that holds fires once with filled annotations, then resolves once', () => {
  const engine = new AlertEngine();
  let figures: Evaluation[] = [{ labels: { phase: 'codegen' }, holds: true, value: 0.75 }];
  const first = engine.evaluate([rule], () => figures, 0);
  assert.equal(first.length, 1);
  assert.equal(first[0].instance!.status, 'firing');
  assert.deepEqual(first[0].instance!.labels, { alertname: 'Failing', severity: 'error', team: 'gen', phase: 'codegen' });
  assert.equal(first[0].instance!.annotations.summary, '0.75 failed in codegen');
  assert.deepEqual(engine.evaluate([rule], () => figures, 1000), [], 'still firing: nothing new');
  figures = [{ labels: { phase: 'codegen' }, holds: false, value: 0.1 }];
  const resolved = engine.evaluate([rule], () => figures, 2000);
  assert.equal(resolved[0].instance!.status, 'resolved');
  assert.equal(resolved[0].instance!.startsAt, 0);
  assert.equal(resolved[0].instance!.endsAt, 2000);
  assert.equal(engine.active().length, 0);
});

test('instances are independent, and one that stops being reported resolves', () => {
  const engine = new AlertEngine();
  const two = engine.evaluate([rule], () => [
    { labels: { group: 'a' }, holds: true, value: 1 },
    { labels: { group: 'b' }, holds: true, value: 1 },
  ], 0);
  assert.equal(two.length, 2);
  const later = engine.evaluate([rule], () => [{ labels: { group: 'a' }, holds: true, value: 1 }], 1000);
  assert.deepEqual(later.map((c) => [c.instance!.labels.group, c.instance!.status]), [['b', 'resolved']]);
});

test('a rule whose figures cannot be read keeps its alerts as they were', () => {
  const engine = new AlertEngine();
  engine.evaluate([rule], () => [{ labels: {}, holds: true, value: 1 }], 0);
  const changes = engine.evaluate([rule], () => {
    throw new Error('store closed');
  }, 1000);
  assert.deepEqual(changes, []);
  assert.equal(engine.active().length, 1);
});

test('state survives a snapshot and restore: no second firing', () => {
  const engine = new AlertEngine();
  engine.evaluate([rule], () => [{ labels: {}, holds: true, value: 1 }], 0);
  const restored = new AlertEngine();
  restored.restore(JSON.parse(JSON.stringify(engine.snapshot())));
  assert.deepEqual(restored.evaluate([rule], () => [{ labels: {}, holds: true, value: 1 }], 5000), []);
});

test('a rules file overrides and disables built-ins by name', () => {
  const override = { ...BUILTIN_RULES.find((r) => r.name === 'CodegenSlow')!, forMs: 0, origin: 'alerts.yaml:3' };
  const disabled = { ...BUILTIN_RULES.find((r) => r.name === 'HighCpu')!, enabled: false };
  const rules = effectiveRules([override, disabled, rule]);
  assert.equal(rules.find((r) => r.name === 'CodegenSlow')?.origin, 'alerts.yaml:3');
  assert.equal(rules.some((r) => r.name === 'HighCpu'), false);
  assert.equal(rules.length, BUILTIN_RULES.length);
});
