import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueEscalation, raise, type EscalationStep } from '../../../agent/alerts/escalation';

const steps: EscalationStep[] = [
  { afterMs: 10 * 60_000, severity: 'error', channels: ['webhook'] },
  { afterMs: 30 * 60_000, severity: 'critical', channels: ['webhook', 'log_file'] },
];

test('nothing is due before the first step', () => {
  assert.equal(dueEscalation(steps, { firedAt: 0, acknowledgedAt: null, step: -1 }, 9 * 60_000), null);
});

test('each step is taken once, in order', () => {
  const first = dueEscalation(steps, { firedAt: 0, acknowledgedAt: null, step: -1 }, 10 * 60_000);
  assert.equal(first?.index, 0);
  assert.equal(dueEscalation(steps, { firedAt: 0, acknowledgedAt: null, step: 0 }, 20 * 60_000), null);
  assert.equal(dueEscalation(steps, { firedAt: 0, acknowledgedAt: null, step: 0 }, 30 * 60_000)?.step.severity, 'critical');
  assert.equal(dueEscalation(steps, { firedAt: 0, acknowledgedAt: null, step: 1 }, 90 * 60_000), null);
});

test('a late evaluation jumps straight to the latest due step', () => {
  assert.equal(dueEscalation(steps, { firedAt: 0, acknowledgedAt: null, step: -1 }, 45 * 60_000)?.index, 1);
});

test('an acknowledged alert is not escalated', () => {
  assert.equal(dueEscalation(steps, { firedAt: 0, acknowledgedAt: 60_000, step: -1 }, 45 * 60_000), null);
});

test('escalation never lowers a severity', () => {
  assert.equal(raise('warning', 'error'), 'error');
  assert.equal(raise('critical', 'error'), 'critical');
});

test('a step without a severity raises by one level, up to critical', () => {
  assert.equal(raise('warning', null), 'error');
  assert.equal(raise('error', null), 'critical');
  assert.equal(raise('critical', null), 'critical');
});
