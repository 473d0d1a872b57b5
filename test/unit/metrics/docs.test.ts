/** docs/metrics.md and the registry walked against each other: every metric in both, with the same type, unit, labels and spec figures. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { METRIC_LABELS } from '../../../agent/api/types';
import { descriptors, METRICS } from '../../../agent/metrics/registry';

const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'metrics.md'), 'utf8');

/** Each `### \`name\`` section: its table row and its text up to the next heading. */
function sections(): Map<string, { type: string; unit: string; labels: string[]; spec: string[]; text: string }> {
  const out = new Map<string, { type: string; unit: string; labels: string[]; spec: string[]; text: string }>();
  for (const m of doc.matchAll(/^### `([^`]+)`\n([\s\S]*?)(?=^##|(?![\s\S]))/gm)) {
    const row = /^\| (?!type |---)(.+) \|$/m.exec(m[2]);
    assert.ok(row, `a table row for ${m[1]}`);
    const [type, unit, labels, spec] = row[1].split(' | ');
    out.set(m[1], {
      type, unit,
      labels: labels === '—' ? [] : labels.split(', '),
      spec: spec === '—' ? [] : spec.split('; '),
      text: m[2],
    });
  }
  return out;
}

test('every metric of the registry is documented with its type, unit, labels and spec figures, and nothing else is', () => {
  const documented = sections();
  for (const m of METRICS) {
    const d = documented.get(m.name);
    assert.ok(d, `docs/metrics.md has a section for ${m.name}`);
    assert.deepEqual({ type: d.type, unit: d.unit, labels: d.labels, spec: d.spec }, { type: m.type, unit: m.unit, labels: m.labels, spec: m.spec }, m.name);
    if (m.storage === 'derived') assert.match(d.text, /Formula: /, `${m.name} gives its formula`);
  }
  assert.deepEqual([...documented.keys()].filter((name) => !METRICS.some((m) => m.name === name)), [], 'sections without a metric');
});

test('the spec coverage table lists every spec figure the registry answers, with the metrics that answer it', () => {
  const table = new Map<string, string[]>();
  for (const m of doc.matchAll(/^\| (\d\.\d [\w.]+) \| (.+) \|$/gm)) table.set(m[1], [...m[2].matchAll(/`([^`]+)`/g)].map((x) => x[1]).sort());
  const expected = new Map<string, string[]>();
  for (const m of METRICS) for (const s of m.spec) expected.set(s, [...(expected.get(s) ?? []), m.name].sort());
  assert.deepEqual(Object.fromEntries([...table].sort()), Object.fromEntries([...expected].sort()));
  // Sections 1, 2 and 4 of the spec hold 72 figures, 12 per subsection, plus the error frequency of 3.1.
  const counts = new Map<string, number>();
  for (const s of table.keys()) counts.set(s.slice(0, 3), (counts.get(s.slice(0, 3)) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(counts), { '1.1': 14, '1.2': 12, '2.1': 12, '2.2': 12, '3.1': 1, '4.1': 12, '4.2': 12 });
});

test('names and labels are valid Prometheus names, with units and _total where the conventions want them', () => {
  for (const m of descriptors()) {
    assert.match(m.name, /^genmon_[a-z][a-z0-9_]*$/, m.name);
    if (m.type === 'counter') assert.match(m.name, /_total$/, `${m.name}: counters end in _total`);
    if (m.unit === 'seconds') assert.match(m.name, /_seconds(_total)?$/, m.name);
    if (m.unit === 'bytes') assert.match(m.name, /_bytes(_total)?$/, m.name);
    if (m.unit === 'ratio') assert.match(m.name, /_ratio$/, m.name);
    for (const l of m.labels) assert.ok((METRIC_LABELS as readonly string[]).includes(l) && l !== 'user' && l !== 'session', `${m.name}: label ${l}`);
  }
});
