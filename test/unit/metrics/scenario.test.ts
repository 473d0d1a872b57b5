/**
 * Every figure of the registry checked against values worked out by hand
 * from the scenario's lines (test/unit/metrics/scenario.ts), through the
 * query engine as the API answers them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MetricAgg, MetricFilters, MetricLabel } from '../../../agent/api/types';
import { funnel } from '../../../agent/metrics/funnel';
import { METRICS } from '../../../agent/metrics/registry';
import { HOUR, MIN, S, scenario, T0, type Scenario } from './scenario';

let sc: Scenario;
before(async () => {
  sc = await scenario();
});
after(() => sc.dispose());

const FROM = T0 - HOUR;
const TO = T0 + 3 * HOUR;
const ALPHA = 0.01;

function stat(metric: string, agg?: MetricAgg, filters: MetricFilters = {}): number | null {
  return sc.engine.stat(metric, agg, FROM, TO, [], filters).value;
}

function by(metric: string, label: MetricLabel, agg?: MetricAgg, filters: MetricFilters = {}): Record<string, number | null> {
  const rows = sc.engine.stat(metric, agg, FROM, TO, [label], filters).by ?? [];
  return Object.fromEntries(rows.map((r) => [r.labels[label] ?? '', r.value]));
}

function near(actual: number | null, expected: number, what: string, rel = 1e-9): void {
  assert.ok(actual !== null, `${what}: no value`);
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * rel + 1e-12, `${what}: ${actual} is not ${expected}`);
}

/** Every expected value; the last test checks that each metric of the registry is here. */
const checked = new Set<string>();
const check = (metric: string, fn: () => void) => {
  checked.add(metric);
  fn();
};

// Costs worked out from the default price table: gpt-4o $2.5 / $10 per million tokens, claude-sonnet $3 / $15,
// $0.0001 per compute unit (second of phase), $0.00001 per API call, $0.023 per GB-month.
const R1_MODEL = (1000 * 2.5 + 500 * 10) / 1e6 + 0.05; // 0.0575, the second call's cost_usd overrides the table
const R2_MODEL = (2000 * 3 + 1000 * 15) / 1e6; // 0.021
const R1_COMPUTE = 22 * 0.0001;
const R2_COMPUTE = 16 * 0.0001;
const R3_COMPUTE = 3 * 0.0001;
const STORAGE = 0.023;
const API = 2 * 0.00001;
const TOTAL = R1_MODEL + R2_MODEL + R1_COMPUTE + R2_COMPUTE + R3_COMPUTE + STORAGE + API;
const R1_TOTAL = R1_MODEL + R1_COMPUTE + 0.00001 + STORAGE;
const R2_TOTAL = R2_MODEL + R2_COMPUTE + 0.00001;

test('generation: attempts, outcomes, success rate, durations', () => {
  check('genmon_generation_attempts_total', () => assert.equal(stat('genmon_generation_attempts_total'), 4));
  check('genmon_generation_runs_total', () => assert.deepEqual(by('genmon_generation_runs_total', 'status'), { success: 1, failed: 1, abandoned: 2 }));
  check('genmon_generations_total', () => assert.equal(stat('genmon_generations_total'), 4));
  check('genmon_project_type_generations_total', () =>
    assert.deepEqual(by('genmon_project_type_generations_total', 'project_type'), { spa: 2, api: 1, static: 1 }));
  check('genmon_generation_success_ratio', () => near(stat('genmon_generation_success_ratio'), 1 / 4, 'success ratio'));
  check('genmon_phase_duration_seconds', () => {
    assert.equal(stat('genmon_phase_duration_seconds', 'count'), 9);
    near(stat('genmon_phase_duration_seconds', 'avg'), (2 + 10 + 4 + 6 + 1 + 5 + 7 + 3 + 3) / 9, 'mean phase');
    const codegen = sc.engine.stat('genmon_phase_duration_seconds', 'p50', FROM, TO, ['phase'], {}).by!.find((r) => r.labels.phase === 'codegen')!;
    near(codegen.value, 7, 'codegen p50 (of 5, 7, 10)', ALPHA);
    near(stat('genmon_phase_duration_seconds', 'max'), 10, 'max phase');
  });
  check('genmon_phases_skipped_total', () => assert.deepEqual(by('genmon_phases_skipped_total', 'phase'), { blueprint: 1 }));
  check('genmon_generation_duration_seconds', () => {
    near(stat('genmon_generation_duration_seconds', 'p50'), 17, 'run p50 (of 17, 23: lower rank)', ALPHA);
    // DDSketch's rank rule, q·(n−1) rounded down: of two runs, p99 is still the faster one.
    near(stat('genmon_generation_duration_seconds', 'p99'), 17, 'run p99 of two', ALPHA);
    near(stat('genmon_generation_duration_seconds', 'max'), 23, 'run max');
  });
});

test('resources from the machine samples and mounts', () => {
  check('genmon_cpu_usage_ratio', () => near(stat('genmon_cpu_usage_ratio'), 0.6, 'cpu'));
  check('genmon_memory_used_bytes', () => near(stat('genmon_memory_used_bytes'), 4e9, 'memory'));
  check('genmon_threads', () => near(stat('genmon_threads', 'last'), 900, 'threads'));
  check('genmon_processes', () => near(stat('genmon_processes', 'max'), 200, 'processes'));
  // The first sample counts one second, the second the second since it: 1000 B/s read over 2 s.
  check('genmon_disk_io_bytes_total', () => assert.deepEqual(by('genmon_disk_io_bytes_total', 'direction'), { read: 2000, write: 1000 }));
  check('genmon_network_io_bytes_total', () => assert.deepEqual(by('genmon_network_io_bytes_total', 'direction'), { rx: 4000, tx: 200 }));
  check('genmon_disk_operations_total', () => assert.deepEqual(by('genmon_disk_operations_total', 'direction'), { read: 20, write: 10 }));
  check('genmon_disk_throughput_bytes_per_second', () => assert.deepEqual(by('genmon_disk_throughput_bytes_per_second', 'direction'), { read: 1000, write: 500 }));
  check('genmon_network_throughput_bytes_per_second', () => assert.deepEqual(by('genmon_network_throughput_bytes_per_second', 'direction'), { rx: 2000, tx: 100 }));
  check('genmon_network_packets_dropped_total', () => assert.deepEqual(by('genmon_network_packets_dropped_total', 'direction'), { rx: 2, tx: 0 }));
  check('genmon_network_connections', () => near(stat('genmon_network_connections'), 42, 'connections'));
  check('genmon_disk_io_latency_seconds', () => near(stat('genmon_disk_io_latency_seconds', 'p50'), 0.002, 'disk latency', ALPHA));
  check('genmon_disk_used_bytes', () => assert.deepEqual(by('genmon_disk_used_bytes', 'mount', 'last'), { '/': 50 }));
  check('genmon_disk_used_ratio', () => assert.deepEqual(by('genmon_disk_used_ratio', 'mount', 'last'), { '/': 0.5 }));
  check('genmon_network_latency_seconds', () => near(stat('genmon_network_latency_seconds', 'p95'), 0.04, 'network latency', ALPHA));
});

test('quality, satisfaction and accuracy', () => {
  const scores: [string, number][] = [
    ['genmon_quality_lint_score', 90], ['genmon_quality_test_coverage_score', 70], ['genmon_quality_security_score', 80],
    ['genmon_quality_performance_score', 60], ['genmon_accuracy_requirements_score', 100], ['genmon_accuracy_blueprint_score', 90],
    ['genmon_accuracy_code_correctness_score', 80], ['genmon_accuracy_documentation_score', 50], ['genmon_feedback_score', 5],
  ];
  for (const [metric, value] of scores) check(metric, () => near(stat(metric), value, metric));
  check('genmon_modified_runs_total', () => assert.equal(stat('genmon_modified_runs_total'), 1));
  check('genmon_modification_ratio', () => near(stat('genmon_modification_ratio'), 1 / 4, 'modification ratio'));
  check('genmon_regenerations_total', () => assert.equal(stat('genmon_regenerations_total'), 1));
  check('genmon_regeneration_ratio', () => near(stat('genmon_regeneration_ratio'), 1 / 4, 'regeneration ratio'));
  check('genmon_abandonment_ratio', () => near(stat('genmon_abandonment_ratio'), 2 / 4, 'abandonment ratio'));
});

test('API, model and database performance', () => {
  check('genmon_api_request_duration_seconds', () => {
    assert.equal(stat('genmon_api_request_duration_seconds', 'count'), 2);
    near(stat('genmon_api_request_duration_seconds', 'max'), 0.4, 'slowest request');
  });
  check('genmon_api_requests_total', () => assert.deepEqual(by('genmon_api_requests_total', 'status'), { '2xx': 1, '5xx': 1 }));
  check('genmon_api_calls_total', () => assert.equal(stat('genmon_api_calls_total'), 2));
  check('genmon_api_request_errors_total', () => assert.equal(stat('genmon_api_request_errors_total'), 1));
  check('genmon_api_in_flight_requests', () => near(stat('genmon_api_in_flight_requests'), 4, 'in flight'));
  check('genmon_api_saturation_ratio', () => near(stat('genmon_api_saturation_ratio'), 4 / 16, 'saturation'));
  check('genmon_model_inference_duration_seconds', () => {
    assert.deepEqual(by('genmon_model_inference_duration_seconds', 'model', 'count'), { 'gpt-4o': 2, 'claude-sonnet': 1 });
    near(stat('genmon_model_inference_duration_seconds', 'max'), 8, 'slowest call');
  });
  check('genmon_model_inferences_total', () => assert.deepEqual(by('genmon_model_inferences_total', 'phase'), { blueprint: 1, codegen: 2 }));
  check('genmon_model_queue_length', () => near(stat('genmon_model_queue_length'), 3, 'queue length'));
  check('genmon_model_batch_size', () => near(stat('genmon_model_batch_size', 'p50'), 2, 'batch size', ALPHA));
  check('genmon_model_busy_seconds_total', () => assert.deepEqual(by('genmon_model_busy_seconds_total', 'model'), { 'gpt-4o': 9.4, 'claude-sonnet': 2 }));
  check('genmon_model_utilization_ratio', () => {
    const q = sc.engine.query({ metric: 'genmon_model_utilization_ratio', from: T0, to: T0 + HOUR, step: HOUR, by: ['model'] });
    const gpt = q.series.find((s) => s.labels.model === 'gpt-4o')!;
    near(gpt.points[0][1], 9.4 / 3600, 'utilization per second of the hour');
  });
  check('genmon_model_tokens_total', () => {
    const rows = sc.engine.stat('genmon_model_tokens_total', 'increase', FROM, TO, ['model', 'direction'], {}).by!;
    const get = (model: string, direction: string) => rows.find((r) => r.labels.model === model && r.labels.direction === direction)?.value;
    assert.deepEqual([get('gpt-4o', 'input'), get('gpt-4o', 'output'), get('claude-sonnet', 'input'), get('claude-sonnet', 'output')], [5000, 2500, 2000, 1000]);
  });
  check('genmon_db_query_duration_seconds', () => near(stat('genmon_db_query_duration_seconds', 'avg'), 0.0125, 'mean query'));
  check('genmon_db_connection_pool_in_use', () => near(stat('genmon_db_connection_pool_in_use'), 3, 'pool in use'));
  check('genmon_db_connection_pool_size', () => near(stat('genmon_db_connection_pool_size'), 10, 'pool size'));
  check('genmon_db_connection_pool_ratio', () => near(stat('genmon_db_connection_pool_ratio'), 0.3, 'pool ratio'));
  check('genmon_db_deadlocks_total', () => assert.equal(stat('genmon_db_deadlocks_total'), 1));
  check('genmon_db_replication_lag_seconds', () => near(stat('genmon_db_replication_lag_seconds'), 2, 'replication lag'));
  check('genmon_errors_total', () => {
    assert.equal(stat('genmon_errors_total'), 2);
    assert.deepEqual(by('genmon_errors_total', 'severity'), { error: 1, critical: 1 });
  });
});

test('sessions, features and the journey', () => {
  check('genmon_session_interactions_total', () => assert.equal(stat('genmon_session_interactions_total'), 6));
  check('genmon_sessions_total', () => assert.deepEqual(by('genmon_sessions_total', 'status'), { completed: 1, not_completed: 2 }));
  check('genmon_session_bounces_total', () => assert.equal(stat('genmon_session_bounces_total'), 2));
  check('genmon_session_completion_ratio', () => near(stat('genmon_session_completion_ratio'), 1 / 3, 'completion'));
  check('genmon_session_bounce_ratio', () => near(stat('genmon_session_bounce_ratio'), 2 / 3, 'bounce'));
  check('genmon_session_duration_seconds', () => near(stat('genmon_session_duration_seconds', 'max'), 360, 'longest session'));
  check('genmon_feature_requests_total', () => assert.deepEqual(by('genmon_feature_requests_total', 'feature'), { auth: 2, payments: 1, search: 1 }));
  check('genmon_features_per_run', () => near(stat('genmon_features_per_run', 'avg'), 1, 'features per run'));
  check('genmon_feature_runs_total', () => assert.equal(stat('genmon_feature_runs_total'), 4));
  check('genmon_feature_usage_total', () => assert.deepEqual(by('genmon_feature_usage_total', 'feature'), { auth: 1, payments: 1 }));
  check('genmon_feature_success_ratio', () => assert.deepEqual(by('genmon_feature_success_ratio', 'feature'), { auth: 0.5, payments: 1, search: 0 }));
  check('genmon_feature_abandonment_ratio', () => assert.deepEqual(by('genmon_feature_abandonment_ratio', 'feature'), { auth: 0, payments: 0, search: 1 }));
  check('genmon_journey_step_reached_total', () =>
    assert.deepEqual(by('genmon_journey_step_reached_total', 'step'), { started: 4, blueprint: 3, codegen: 2, validation: 1, deployed: 1 }));
  check('genmon_journey_step_duration_seconds', () => {
    const p = sc.engine.stat('genmon_journey_step_duration_seconds', 'max', FROM, TO, ['step'], {}).by!;
    // r2 reached codegen after its retry: 13 s after blueprint's end at 1 s.
    assert.deepEqual(Object.fromEntries(p.map((r) => [r.labels.step, r.value])), { blueprint: 3, codegen: 12, validation: 4, deployed: 6 });
  });
  check('genmon_journey_conversion_ratio', () => near(stat('genmon_journey_conversion_ratio'), 1 / 4, 'conversion'));
  const f = funnel(sc.engine, FROM, TO, {});
  assert.deepEqual(f.steps.map((s) => [s.step, s.reached, s.droppedBefore]), [['started', 4, 0], ['blueprint', 3, 1], ['codegen', 2, 1], ['validation', 1, 1], ['deployed', 1, 0]]);
  near(f.conversionRate, 0.25, 'funnel conversion');
  // Times to codegen: 10 s (r1) and 12 s (r2); by the lower-rank rule both p50 and p95 of two are the first.
  near(f.steps[2].p50Seconds, 10, 'time to codegen p50', ALPHA);
});

test('business figures, consumption and cost', () => {
  check('genmon_unique_users', () => assert.equal(stat('genmon_unique_users'), 3));
  check('genmon_compute_units_total', () => near(stat('genmon_compute_units_total'), 41, 'compute units'));
  check('genmon_storage_usage_bytes', () => near(stat('genmon_storage_usage_bytes'), 1e9, 'storage'));
  check('genmon_cost_compute_usd', () => near(stat('genmon_cost_compute_usd'), R1_COMPUTE + R2_COMPUTE + R3_COMPUTE, 'compute cost', 1e-9));
  check('genmon_cost_storage_usd', () => near(stat('genmon_cost_storage_usd'), STORAGE, 'storage cost'));
  check('genmon_cost_api_usd', () => near(stat('genmon_cost_api_usd'), API, 'api cost'));
  check('genmon_cost_model_usd', () => assert.deepEqual(roundAll(by('genmon_cost_model_usd', 'model')), roundAll({ 'gpt-4o': R1_MODEL, 'claude-sonnet': R2_MODEL })));
  check('genmon_cost_total_usd', () => near(stat('genmon_cost_total_usd'), TOTAL, 'total cost'));
  check('genmon_cost_per_successful_deployment_usd', () => near(stat('genmon_cost_per_successful_deployment_usd'), TOTAL, 'per success (one success)'));
  check('genmon_cost_wasted_usd', () =>
    assert.deepEqual(roundAll(by('genmon_cost_wasted_usd', 'kind')), roundAll({ failed: R2_TOTAL, abandoned: R3_COMPUTE, regeneration: R1_TOTAL })));
});

test('the cost breakdown: per day and project type from rollups, per model and user from run facts', () => {
  const day = sc.cost(sc.engine, sc.facts, 'day', FROM, TO, {});
  assert.deepEqual(day.rows.map((r) => [r.key, r.runs, r.successes]), [['2026-11-25', 4, 1]]);
  near(day.total.totalUsd, TOTAL, 'total');
  near(day.total.perSuccessUsd, TOTAL, 'per success');
  const users = sc.cost(sc.engine, sc.facts, 'user', FROM, TO, {});
  const u1 = users.rows.find((r) => r.key === 'u1')!;
  near(u1.totalUsd, R1_TOTAL + R3_COMPUTE, 'u1 spent r1 and r3');
  // r1 was regenerated by r3 and r3 was abandoned: all of u1's spend bought nothing that stayed.
  near(u1.wastedUsd, R1_TOTAL + R3_COMPUTE, 'u1 waste');
  const models = sc.cost(sc.engine, sc.facts, 'model', FROM, TO, {});
  assert.deepEqual(models.rows.map((r) => [r.key, r.runs, r.successes]), [['gpt-4o', 1, 1], ['claude-sonnet', 1, 0], ['none', 2, 0]]);
  const types = sc.cost(sc.engine, sc.facts, 'project_type', FROM, TO, {});
  near(types.rows.find((r) => r.key === 'api')!.wastedUsd, R2_TOTAL, 'api projects waste r2');
});

test('user and model filters are answered from per-run facts', () => {
  assert.equal(stat('genmon_generation_attempts_total', undefined, { user: 'u1' }), 2);
  near(stat('genmon_generation_success_ratio', undefined, { user: 'u1' }), 1 / 2, 'u1 success ratio');
  assert.equal(stat('genmon_generation_attempts_total', undefined, { model: 'claude-sonnet' }), 1);
  near(stat('genmon_phase_duration_seconds', 'max', { user: 'u2' }), 7, 'u2 slowest phase');
  const q = sc.engine.query({ metric: 'genmon_generation_runs_total', from: T0, to: T0 + HOUR, step: HOUR, by: ['status'], filters: { user: 'u1' } });
  assert.equal(q.tier, 'facts');
  assert.deepEqual(Object.fromEntries(q.series.map((s) => [s.labels.status, s.points[0][1]])), { success: 1, abandoned: 1 });
  const cpu = sc.engine.query({ metric: 'genmon_cpu_usage_ratio', from: T0, to: T0 + HOUR, filters: { user: 'u1' } });
  assert.deepEqual(cpu.ignoredFilters, ['user']);
});

test('a time series puts each observation in its step', () => {
  const q = sc.engine.query({ metric: 'genmon_generation_attempts_total', from: T0, to: T0 + 5 * MIN, step: MIN });
  assert.equal(q.tier, '1m');
  assert.deepEqual(q.series[0].points.map((p) => p[1]), [1, 1, 1, 1, null]);
  const rate = sc.engine.query({ metric: 'genmon_generation_attempts_total', from: T0, to: T0 + 5 * MIN, step: MIN, agg: 'rate' });
  near(rate.series[0].points[0][1], 1 / 60, 'per second');
  assert.equal(S, 1000);
});

test('every metric of the registry has a hand-computed check above', () => {
  const missing = METRICS.map((m) => m.name).filter((name) => !checked.has(name));
  assert.deepEqual(missing, []);
});

function roundAll(o: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round((v ?? NaN) * 1e9) / 1e9]));
}
