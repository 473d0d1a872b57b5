import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricDescriptor, MetricStat } from '../../../agent/api/types';
import { describe, labelNodes, metricNodes, metricsOf, metricTitle, primaryLabel, sectionNodes, statQueries } from '../../../src/views/sections';

const metric = (name: string, type: MetricDescriptor['type'], unit: string, area: string, labels: MetricDescriptor['labels'] = [], derived = false): MetricDescriptor => ({
  name, type, unit, area, labels, derived, help: `help of ${name}`, spec: ['1.1 x'],
});

const REGISTRY: MetricDescriptor[] = [
  metric('genmon_generation_success_ratio', 'gauge', 'ratio', 'generation', ['project_type', 'template'], true),
  metric('genmon_generation_runs_total', 'counter', '1', 'generation', ['status', 'project_type', 'template']),
  metric('genmon_phase_duration_seconds', 'histogram', 'seconds', 'generation', ['phase', 'status', 'project_type', 'template']),
  metric('genmon_cpu_usage_ratio', 'gauge', 'ratio', 'compute'),
  metric('genmon_disk_used_bytes', 'gauge', 'bytes', 'storage', ['mount']),
  metric('genmon_network_throughput_bytes_per_second', 'gauge', 'bytes/s', 'network', ['direction']),
  metric('genmon_db_query_duration_seconds', 'histogram', 'seconds', 'database', ['operation']),
  metric('genmon_cost_total_usd', 'gauge', 'usd', 'cost', ['project_type', 'user']),
  metric('genmon_session_completion_ratio', 'gauge', 'ratio', 'sessions', [], true),
  metric('genmon_model_queue_length', 'gauge', '1', 'model', ['model']),
  metric('genmon_brand_new_thing', 'gauge', '1', 'telepathy'),
];

test('sections follow the spec areas in the spec order, resources and usage gather several areas, and unknown areas are not lost', () => {
  const nodes = sectionNodes(REGISTRY);
  assert.deepEqual(nodes.map((n) => n.label), ['Generation', 'Model', 'Database', 'Resources', 'Usage', 'Cost', 'Other']);
  assert.deepEqual(nodes.map((n) => n.description), ['3 figures', '1 figure', '1 figure', '3 figures', '1 figure', '1 figure', '1 figure']);
  assert.ok(nodes.every((n) => n.expandable && !n.children), 'a section holds no values until expanded');
  assert.deepEqual(nodes.filter((n) => n.expanded).map((n) => n.label), [], 'sections start closed: the glance figures above them come first');
  assert.deepEqual(metricsOf(REGISTRY, 'resources').map((d) => d.area), ['compute', 'storage', 'network']);
});

test('titles come from the names: units, the area word and the prefix dropped, ratios of outcomes read as rates', () => {
  const title = (name: string) => metricTitle(REGISTRY.find((d) => d.name === name)!);
  assert.equal(title('genmon_generation_success_ratio'), 'Success rate');
  assert.equal(title('genmon_generation_runs_total'), 'Runs');
  assert.equal(title('genmon_phase_duration_seconds'), 'Phase duration');
  assert.equal(title('genmon_cpu_usage_ratio'), 'CPU usage');
  assert.equal(title('genmon_network_throughput_bytes_per_second'), 'Network throughput');
  assert.equal(title('genmon_db_query_duration_seconds'), 'Query duration');
  assert.equal(title('genmon_cost_total_usd'), 'Total');
  assert.equal(title('genmon_session_completion_ratio'), 'Session completion rate', 'Usage gathers several areas, so the area word stays');
  assert.equal(title('genmon_model_queue_length'), 'Queue length');
  assert.equal(metricTitle({ ...REGISTRY[0], title: 'Given' } as MetricDescriptor), 'Given');
});

test('two figures of one thing in one section say their unit', () => {
  const disk = [metric('genmon_disk_used_bytes', 'gauge', 'bytes', 'storage', ['mount']), metric('genmon_disk_used_ratio', 'gauge', 'ratio', 'storage', ['mount'])];
  assert.deepEqual(metricNodes(disk, []).map((n) => n.label), ['Disk used (bytes)', 'Disk used (%)']);
});

test('what /stat is asked per figure, and which label splits it', () => {
  const byName = (name: string) => REGISTRY.find((d) => d.name === name)!;
  assert.deepEqual(statQueries(byName('genmon_phase_duration_seconds')), ['genmon_phase_duration_seconds:p50', 'genmon_phase_duration_seconds:p95']);
  assert.deepEqual(statQueries(byName('genmon_generation_runs_total')), ['genmon_generation_runs_total:increase']);
  assert.deepEqual(statQueries(byName('genmon_generation_success_ratio')), ['genmon_generation_success_ratio']);
  assert.deepEqual(statQueries(byName('genmon_cost_total_usd')), ['genmon_cost_total_usd:sum']);
  assert.deepEqual(statQueries(byName('genmon_cpu_usage_ratio')), ['genmon_cpu_usage_ratio:avg']);
  assert.equal(primaryLabel(byName('genmon_generation_runs_total')), 'status');
  assert.equal(primaryLabel(byName('genmon_cost_total_usd')), null, 'filter labels do not split the tree');
  assert.equal(primaryLabel(byName('genmon_cpu_usage_ratio')), null);
});

test('figure nodes carry their values in their unit, and only split figures expand', () => {
  const generation = metricsOf(REGISTRY, 'generation');
  const stats: MetricStat[] = [
    { metric: 'genmon_generation_success_ratio', agg: 'avg', value: 0.9123 },
    { metric: 'genmon_generation_runs_total', agg: 'increase', value: 42 },
    { metric: 'genmon_phase_duration_seconds', agg: 'p50', value: 1.5 },
    { metric: 'genmon_phase_duration_seconds', agg: 'p95', value: 65 },
  ];
  const nodes = metricNodes(generation, stats);
  assert.deepEqual(nodes.map((n) => [n.label, n.description, n.expandable]), [
    ['Success rate', '91.2 %', false],
    ['Runs', '42', true],
    ['Phase duration', 'p50 1.5 s · p95 1 m 5 s', true],
  ]);
  assert.equal(nodes[1].id, 'metric/genmon_generation_runs_total');
  assert.match(nodes[2].tooltip!, /histogram, seconds/);
  assert.equal(metricNodes(generation, [])[0].description, '–', 'a figure the agent did not answer shows a dash');
  assert.equal(describe(REGISTRY[4], [3 * 1024 ** 3]), '3.00 GiB');
});

test('a split figure lists its label values, largest first', () => {
  const d = REGISTRY.find((m) => m.name === 'genmon_phase_duration_seconds')!;
  const stats: MetricStat[] = [
    { metric: d.name, agg: 'p50', value: 1, by: [{ labels: { phase: 'blueprint' }, value: 2 }, { labels: { phase: 'codegen' }, value: 20 }] },
    { metric: d.name, agg: 'p95', value: 3, by: [{ labels: { phase: 'blueprint' }, value: 4 }, { labels: { phase: 'codegen' }, value: 50 }, { labels: { phase: 'deployment' }, value: null }] },
  ];
  assert.deepEqual(labelNodes(d, stats).map((n) => [n.label, n.description]), [
    ['codegen', 'p50 20 s · p95 50 s'],
    ['blueprint', 'p50 2.0 s · p95 4.0 s'],
    ['deployment', 'p50 – · p95 –'],
  ]);
  assert.deepEqual(labelNodes(REGISTRY[3], stats), []);
});
