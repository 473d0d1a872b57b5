import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { parseRulesFile } from '../../../agent/alerts/rules-file';
import { fuzzRuns } from '../../fuzz-settings';
import { nastyJson, nastyString, prototypeState } from './hostile-values';

const before = prototypeState();

function check(text: string): void {
  const { rules, errors } = parseRulesFile(text, 'alerts.yaml');
  for (const e of errors) {
    assert.ok(e.message.length > 0, 'an error says what is wrong');
    assert.ok(e.line === null || (Number.isInteger(e.line) && e.line >= 1), `line ${e.line}`);
  }
  if (errors.length > 0) assert.equal(rules.length, 0, 'a file with mistakes adds no rules');
  for (const r of rules) {
    for (const n of [r.forMs, r.keepFiringForMs]) assert.ok(Number.isFinite(n) && n >= 0, `${r.name}: ${n}`);
    for (const v of Object.values(r.spec)) if (typeof v === 'number') assert.ok(!Number.isNaN(v), `${r.name}: NaN in ${JSON.stringify(r.spec)}`);
  }
  assert.equal(prototypeState(), before);
}

const FIELDS = ['name', 'kind', 'phase', 'threshold', 'window', 'for', 'keep_firing_for', 'severity', 'labels', 'annotations', 'enabled', 'min_runs', 'metric', 'budget', 'category', 'action', 'route', 'inhibit', 'silences', '__proto__', 'constructor'];
const VALUES = fc.oneof(nastyJson, fc.constantFrom('failure_rate', 'phase_p95', 'resource', 'anomaly', 'codegen', 'cpu', '5m', '0s', '99999999999999999999d', 'warning', 0.5, -1, 1e308, true));

test('fuzz: rules files of any text or shape are answered with rules or located errors, never a throw', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.record({ version: fc.oneof(fc.constant(1), nastyJson), rules: fc.array(fc.dictionary(fc.constantFrom(...FIELDS), VALUES, { maxKeys: 8 }), { maxLength: 4 }) }, { requiredKeys: [] })
      .map((doc) => stringify(doc)),
    nastyJson.map((v) => stringify(v) ?? ''),
  );
  fc.assert(fc.property(text, check), fuzzRuns(1500));
});

test('an alias bomb and deep nesting are refused with an error, not expanded', () => {
  const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
  const { errors } = parseRulesFile(bomb.join('\n'), 'alerts.yaml');
  assert.ok(errors.length > 0);
  check(`${'['.repeat(5000)}${']'.repeat(5000)}`);
  check(`rules:\n${'  - '.repeat(2000)}x`);
});

test('fuzz: names and strings in rules are kept as given, never evaluated', () => {
  fc.assert(
    fc.property(nastyString, (s) => {
      const { rules } = parseRulesFile(stringify({ version: 1, rules: [{ name: 'Custom', kind: 'failure_rate', threshold: 0.5, annotations: { summary: s }, labels: { team: s } }] }), 'alerts.yaml');
      if (rules.length > 0) assert.equal(rules.find((r) => r.name === 'Custom')?.annotations.summary, s);
    }),
    fuzzRuns(500),
  );
});
