import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertInstance } from '../../../agent/alerts/dispatch';
import { pickTemplate, renderGroup, renderTemplate, type RuleTemplates } from '../../../agent/alerts/templates';

const input = {
  labels: { alertname: 'CodegenSlow', phase: 'codegen', severity: 'warning' },
  annotations: { summary: 'p95 is 41 s' },
  value: 41_234.5678,
  status: 'firing' as const,
  startsAt: Date.parse('2026-11-25T10:00:00Z'),
  endsAt: null,
  link: 'vscode://genmon.genmon/alert?fingerprint=x',
};

test('placeholders: bare labels, labels.*, annotations.*, and the alert fields', () => {
  assert.equal(
    renderTemplate('{{ alertname }} in {{phase}} ({{labels.severity}}): {{annotations.summary}} value={{value}} since {{startsAt}} {{link}}', input),
    'CodegenSlow in codegen (warning): p95 is 41 s value=41234.568 since 2026-11-25T10:00:00.000Z vscode://genmon.genmon/alert?fingerprint=x',
  );
});

test('unknown names are empty, and label values are never evaluated', () => {
  assert.equal(renderTemplate('[{{nope}}][{{annotations.nope}}][{{other.x}}]', input), '[][][]');
  const hostile = { ...input, labels: { ...input.labels, phase: '{{value}}' } };
  assert.equal(renderTemplate('{{phase}}', hostile), '{{value}}', 'a value that looks like a placeholder stays text');
});

test('template choice: rule per channel, then rule, then channel, then default, field by field', () => {
  const rule: RuleTemplates = { default: { title: 'rule title' }, channels: { webhook: { body: 'rule webhook body' } } };
  const channel = { webhook: { title: 'channel title', body: 'channel body' }, log_file: { body: 'log body' } };
  assert.deepEqual(pickTemplate(rule, 'webhook', channel), { title: 'rule title', body: 'rule webhook body' });
  assert.deepEqual(pickTemplate(rule, 'log_file', channel), { title: 'rule title', body: 'log body' });
  assert.deepEqual(pickTemplate(null, 'webhook', channel), { title: 'channel title', body: 'channel body' });
  assert.deepEqual(pickTemplate(null, 'vscode', {}), { title: '{{alertname}}', body: '{{annotations.summary}}' });
});

function alert(name: string, status: 'firing' | 'resolved', summary: string): AlertInstance {
  return { fingerprint: name, labels: { alertname: name }, annotations: { summary }, status, startsAt: 0, endsAt: status === 'resolved' ? 1 : null, value: 1 };
}

test('a group of one is its own message; a larger group counts and lists', () => {
  const pick = () => pickTemplate(null, 'vscode', {});
  assert.deepEqual(renderGroup([alert('A', 'firing', 'a is bad')], { alertname: 'A' }, pick), { title: 'A', body: 'a is bad' });
  assert.deepEqual(renderGroup([alert('A', 'resolved', 'a is bad')], { alertname: 'A' }, pick), { title: '[RESOLVED] A', body: 'a is bad' });
  const many = renderGroup([alert('A', 'firing', 'one'), alert('A', 'firing', 'two'), alert('A', 'resolved', 'three')], { alertname: 'A' }, pick);
  assert.equal(many.title, '[FIRING:2 RESOLVED:1] A');
  assert.equal(many.body, 'A: one\nA: two\n[resolved] A: three');
});
