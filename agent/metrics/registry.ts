/**
 * The metric registry: every figure of the spec's sections 1, 2 and 4 (and
 * the error counts of section 3), defined once. The store's rollups, the
 * query API, the Prometheus endpoint and docs/metrics.md all follow it; a
 * unit test walks it against the document.
 *
 * How a figure is kept (`storage`):
 *   counter    each increment: rollups keep count (increments) and sum (the increase)
 *   gauge      each observation: count, sum, min, max, last
 *   histogram  each observation: count, sum, min, max and a quantile sketch
 *   alias      read from another stored metric (its count or sum), e.g. inferences = count of inference durations
 *   derived    computed at query time from stored ones (ratios, per-second figures, distinct users)
 */
import type { MetricDescriptor, MetricLabel, MetricType } from '../api/types';

export type Storage = 'counter' | 'gauge' | 'histogram' | 'alias' | 'derived';

/** A stored figure read by an alias or a formula: its sum (counter increase, gauge total) or count, optionally one label value. */
export interface Ref {
  metric: string;
  field: 'sum' | 'count';
  where?: Partial<Record<MetricLabel, string[]>>;
}

export type Formula =
  /** A sum of refs over a sum of refs. */
  | { op: 'ratio'; num: Ref | Ref[]; den: Ref | Ref[] }
  /** Ratio of averages: sum(num)/count(num) over sum(den)/count(den). */
  | { op: 'ratioOfAvgs'; num: Ref; den: Ref }
  /** num / seconds in the bucket. */
  | { op: 'perSecond'; num: Ref }
  | { op: 'sum'; refs: Ref[] }
  /** Average of a gauge divided by a configured capacity. */
  | { op: 'avgOver'; num: Ref; capacity: 'apiConcurrency' }
  | { op: 'distinctUsers' };

export interface MetricDef extends MetricDescriptor {
  storage: Storage;
  /** Run-derived: its rollups exist with and without the run's project_type and template. */
  runDims?: boolean;
  /** For aliases. */
  alias?: Ref;
  formula?: Formula;
  /** Multiply stored values by this to reach the unit (ms → s). Applied at observation, recorded for the docs. */
  note?: string;
}

const RUN_DIMS: MetricLabel[] = ['project_type', 'template'];

type Spec = Omit<MetricDef, 'name' | 'type' | 'unit' | 'help' | 'labels' | 'spec' | 'area' | 'derived' | 'storage'>;

function def(
  name: string, type: MetricType, storage: Storage, unit: string, area: string, spec: string[], labels: MetricLabel[], help: string, extra: Spec = {},
): MetricDef {
  const all = extra.runDims ? [...labels, ...RUN_DIMS] : labels;
  return { name, type, unit, help, labels: all, spec, area, derived: storage === 'derived' || storage === 'alias', storage, ...extra };
}

const ended = ['success', 'failed', 'partial', 'abandoned'];
const RUNS = 'genmon_generation_runs_total';
const COST_PARTS = ['genmon_cost_compute_usd', 'genmon_cost_storage_usd', 'genmon_cost_api_usd', 'genmon_cost_model_usd'];

export const METRICS: readonly MetricDef[] = [
  // 1.1 Generation
  def('genmon_generation_attempts_total', 'counter', 'counter', '1', 'generation', ['1.1 success.totalAttempts'], [], 'Generation runs started (run.started).', { runDims: true }),
  def(RUNS, 'counter', 'counter', '1', 'generation', ['1.1 success.successfulGenerations', '1.1 success.failedGenerations', '1.1 success.partialSuccesses'], ['status'],
    'Generation runs ended, by outcome: success, failed, partial (run.ended) or abandoned (no run.ended within the abandonment timeout, or run.abandoned).', { runDims: true }),
  def('genmon_generation_success_ratio', 'gauge', 'derived', 'ratio', 'generation', ['1.1 success.rate'], [],
    'Runs that ended in success over runs that ended (abandoned ones count as ended).', {
      formula: { op: 'ratio', num: { metric: RUNS, field: 'sum', where: { status: ['success'] } }, den: { metric: RUNS, field: 'sum', where: { status: ended } } }, runDims: true,
    }),
  def('genmon_phase_duration_seconds', 'histogram', 'histogram', 'seconds', 'generation',
    ['1.1 timing.blueprintGeneration', '1.1 timing.codeGeneration', '1.1 timing.validation', '1.1 timing.deployment'], ['phase', 'status'],
    'Duration of each phase attempt (phase.ended duration_ms), every attempt counted; skipped phases are not observed.', { runDims: true }),
  def('genmon_phases_skipped_total', 'counter', 'counter', '1', 'generation', [], ['phase'],
    'Phases skipped on purpose (phase.ended status skipped), which the duration histogram leaves out.', { runDims: true }),
  def('genmon_generation_duration_seconds', 'histogram', 'histogram', 'seconds', 'generation', ['1.1 timing.total'], ['status'],
    'Whole-run duration (run.ended duration_ms).', { runDims: true }),
  def('genmon_cpu_usage_ratio', 'gauge', 'gauge', 'ratio', 'compute', ['1.1 resources.cpuUsage', '2.2 compute.cpuUsage'], [], 'Whole-machine CPU busy, 0..1, from each machine sample.'),
  def('genmon_memory_used_bytes', 'gauge', 'gauge', 'bytes', 'compute', ['1.1 resources.memoryUsage', '2.2 compute.memoryUsage'], [], 'Memory in use (total minus available), from each machine sample.'),
  def('genmon_disk_io_bytes_total', 'counter', 'counter', 'bytes', 'storage', ['1.1 resources.diskIO'], ['direction'], 'Bytes read and written by the physical disks (direction read|write): each sample\'s rate times its interval.'),
  def('genmon_network_io_bytes_total', 'counter', 'counter', 'bytes', 'network', ['1.1 resources.networkIO'], ['direction'], 'Bytes received and sent on non-loopback interfaces (direction rx|tx).'),

  // 1.2 Quality, satisfaction, accuracy
  def('genmon_quality_lint_score', 'gauge', 'gauge', 'score', 'quality', ['1.2 codeQuality.lintingScore'], [], 'Lint score 0..100 of generated code (quality.lint), averaged over events.', { runDims: true }),
  def('genmon_quality_test_coverage_score', 'gauge', 'gauge', 'score', 'quality', ['1.2 codeQuality.testCoverage'], [], 'Test coverage 0..100 (quality.coverage).', { runDims: true }),
  def('genmon_quality_security_score', 'gauge', 'gauge', 'score', 'quality', ['1.2 codeQuality.securityScore'], [], 'Security score 0..100 (quality.security).', { runDims: true }),
  def('genmon_quality_performance_score', 'gauge', 'gauge', 'score', 'quality', ['1.2 codeQuality.performanceScore'], [], 'Performance score 0..100 (quality.performance).', { runDims: true }),
  def('genmon_feedback_score', 'gauge', 'gauge', 'score', 'satisfaction', ['1.2 userSatisfaction.feedbackScore'], [], 'User feedback score 1..5 (feedback.score), averaged over feedback events.', { runDims: true }),
  def('genmon_modified_runs_total', 'counter', 'counter', '1', 'satisfaction', ['1.2 userSatisfaction.modificationRate'], [], 'Runs the user modified by hand at least once, counted at the first modification event.', { runDims: true }),
  def('genmon_modification_ratio', 'gauge', 'derived', 'ratio', 'satisfaction', ['1.2 userSatisfaction.modificationRate'], [],
    'Runs with at least one modification over runs ended, in the range.', {
      formula: { op: 'ratio', num: { metric: 'genmon_modified_runs_total', field: 'sum' }, den: { metric: RUNS, field: 'sum', where: { status: ended } } }, runDims: true,
    }),
  def('genmon_regenerations_total', 'counter', 'counter', '1', 'satisfaction', ['1.2 userSatisfaction.regenerationRate'], [], 'Runs started that regenerate an earlier run (run.started regenerates).', { runDims: true }),
  def('genmon_regeneration_ratio', 'gauge', 'derived', 'ratio', 'satisfaction', ['1.2 userSatisfaction.regenerationRate'], [], 'Regenerations over runs started.', {
    formula: { op: 'ratio', num: { metric: 'genmon_regenerations_total', field: 'sum' }, den: { metric: 'genmon_generation_attempts_total', field: 'sum' } }, runDims: true,
  }),
  def('genmon_abandonment_ratio', 'gauge', 'derived', 'ratio', 'satisfaction', ['1.2 userSatisfaction.abandonmentRate'], [], 'Abandoned runs over runs started.', {
    formula: { op: 'ratio', num: { metric: RUNS, field: 'sum', where: { status: ['abandoned'] } }, den: { metric: 'genmon_generation_attempts_total', field: 'sum' } }, runDims: true,
  }),
  def('genmon_accuracy_requirements_score', 'gauge', 'gauge', 'score', 'accuracy', ['1.2 accuracy.requirementsFulfillment'], [], 'Requirements fulfilment 0..100 (quality.requirements).', { runDims: true }),
  def('genmon_accuracy_blueprint_score', 'gauge', 'gauge', 'score', 'accuracy', ['1.2 accuracy.blueprintAccuracy'], [], 'Blueprint accuracy 0..100 (quality.blueprint_accuracy).', { runDims: true }),
  def('genmon_accuracy_code_correctness_score', 'gauge', 'gauge', 'score', 'accuracy', ['1.2 accuracy.codeCorrectness'], [], 'Code correctness 0..100 (quality.correctness).', { runDims: true }),
  def('genmon_accuracy_documentation_score', 'gauge', 'gauge', 'score', 'accuracy', ['1.2 accuracy.documentationCompleteness'], [], 'Documentation completeness 0..100 (quality.documentation).', { runDims: true }),

  // 2.1 API, model, database
  def('genmon_api_requests_total', 'counter', 'alias', '1', 'api', ['2.1 api.requestRate'], ['route', 'method', 'status'],
    'HTTP requests of the generator (api.request); status is the class 2xx..5xx, or "none". Request rate is its rate.', { alias: { metric: 'genmon_api_request_duration_seconds', field: 'count' } }),
  def('genmon_api_request_duration_seconds', 'histogram', 'histogram', 'seconds', 'api', ['2.1 api.responseTime'], ['route', 'method', 'status'], 'Response time of each request (api.request duration_ms).'),
  def('genmon_api_request_errors_total', 'counter', 'alias', '1', 'api', ['2.1 api.errorRate'], ['route', 'method', 'status'],
    'Requests answered 5xx (server errors; 4xx are the client\'s and not counted).', {
      alias: { metric: 'genmon_api_request_duration_seconds', field: 'count', where: { status: ['5xx'] } },
    }),
  def('genmon_api_in_flight_requests', 'gauge', 'gauge', '1', 'api', ['2.1 api.saturationLevel'], [], 'Requests in progress when a request was logged (api.request in_flight).'),
  def('genmon_api_saturation_ratio', 'gauge', 'derived', 'ratio', 'api', ['2.1 api.saturationLevel'], [],
    'Average requests in flight over the configured concurrency capacity (apiConcurrency, default 16).', { formula: { op: 'avgOver', num: { metric: 'genmon_api_in_flight_requests', field: 'sum' }, capacity: 'apiConcurrency' } }),
  def('genmon_model_inference_duration_seconds', 'histogram', 'histogram', 'seconds', 'model', ['2.1 aiModel.inferenceTime'], ['model', 'phase'], 'Latency of each model call, queueing included (model.inference latency_ms).'),
  def('genmon_model_queue_length', 'gauge', 'gauge', '1', 'model', ['2.1 aiModel.queueLength'], ['model'], 'Requests waiting for the model when a call was sent (model.inference queue_length).'),
  def('genmon_model_batch_size', 'histogram', 'histogram', '1', 'model', ['2.1 aiModel.batchSize'], ['model'], 'Requests served together in a call\'s batch (model.inference batch_size).'),
  def('genmon_model_busy_seconds_total', 'counter', 'counter', 'seconds', 'model', ['2.1 aiModel.utilizationRate'], ['model'], 'Seconds the model spent serving calls: latency minus queueing, per call.'),
  def('genmon_model_utilization_ratio', 'gauge', 'derived', 'ratio', 'model', ['2.1 aiModel.utilizationRate'], ['model'],
    'Model-seconds of service per second of wall time; above 1 when calls overlap.', { formula: { op: 'perSecond', num: { metric: 'genmon_model_busy_seconds_total', field: 'sum' } } }),
  def('genmon_db_query_duration_seconds', 'histogram', 'histogram', 'seconds', 'database', ['2.1 database.queryTime'], ['operation'], 'Duration of each database query (db.query duration_ms).'),
  def('genmon_db_connection_pool_in_use', 'gauge', 'gauge', '1', 'database', ['2.1 database.connectionPool'], [], 'Connections in use (db.query pool_in_use).'),
  def('genmon_db_connection_pool_size', 'gauge', 'gauge', '1', 'database', ['2.1 database.connectionPool'], [], 'Connections in the pool (db.query pool_size).'),
  def('genmon_db_connection_pool_ratio', 'gauge', 'derived', 'ratio', 'database', ['2.1 database.connectionPool'], [], 'Average connections in use over average pool size.', {
    formula: { op: 'ratioOfAvgs', num: { metric: 'genmon_db_connection_pool_in_use', field: 'sum' }, den: { metric: 'genmon_db_connection_pool_size', field: 'sum' } },
  }),
  def('genmon_db_deadlocks_total', 'counter', 'counter', '1', 'database', ['2.1 database.deadlocks'], [], 'Queries that hit a deadlock (db.query deadlock true).'),
  def('genmon_db_replication_lag_seconds', 'gauge', 'gauge', 'seconds', 'database', ['2.1 database.replicationLag'], [], 'Replication lag of the replica a query read from (db.query replication_lag_ms).'),

  // 2.2 Resources
  def('genmon_threads', 'gauge', 'gauge', '1', 'compute', ['2.2 compute.threadCount'], [], 'Threads on the machine, from each sample.'),
  def('genmon_processes', 'gauge', 'gauge', '1', 'compute', ['2.2 compute.processCount'], [], 'Processes on the machine, from each sample.'),
  def('genmon_disk_used_bytes', 'gauge', 'gauge', 'bytes', 'storage', ['2.2 storage.diskUsage'], ['mount'], 'Bytes used per mounted file system, each minute.'),
  def('genmon_disk_used_ratio', 'gauge', 'gauge', 'ratio', 'storage', ['2.2 storage.diskUsage'], ['mount'], 'Used over size per mounted file system, 0..1.'),
  def('genmon_disk_operations_total', 'counter', 'counter', '1', 'storage', ['2.2 storage.iops'], ['direction'], 'Read and write operations completed by the physical disks; IOPS is its rate.'),
  def('genmon_disk_io_latency_seconds', 'histogram', 'histogram', 'seconds', 'storage', ['2.2 storage.latency'], [],
    'Average time per disk operation in each sample interval (Δ time spent on I/O / Δ operations, /proc/diskstats); intervals without I/O are not observed.'),
  def('genmon_disk_throughput_bytes_per_second', 'gauge', 'gauge', 'bytes/s', 'storage', ['2.2 storage.throughput'], ['direction'], 'Disk bytes per second, read|write, from each sample.'),
  def('genmon_network_throughput_bytes_per_second', 'gauge', 'gauge', 'bytes/s', 'network', ['2.2 network.bandwidth'], ['direction'], 'Network bytes per second, rx|tx, from each sample.'),
  def('genmon_network_packets_dropped_total', 'counter', 'counter', '1', 'network', ['2.2 network.packetLoss'], ['direction'], 'Packets dropped or in error on non-loopback interfaces, rx|tx.'),
  def('genmon_network_latency_seconds', 'histogram', 'histogram', 'seconds', 'network', ['2.2 network.latency'], [],
    'Round-trip latency the generator measured to a service it depends on (network.probe events, latency_ms).'),
  def('genmon_network_connections', 'gauge', 'gauge', '1', 'network', ['2.2 network.connectionCount'], [], 'Open TCP connections on the machine (established), from each sample.'),

  // 3 Errors
  def('genmon_errors_total', 'counter', 'counter', '1', 'errors', ['3.1 patterns.frequency'], ['category', 'severity', 'phase'], 'Error events (error), by category, severity and phase ("none" outside phases).', { runDims: true }),

  // 4.1 Usage
  def('genmon_session_duration_seconds', 'histogram', 'histogram', 'seconds', 'sessions', ['4.1 sessions.duration'], [],
    'Session length, from its first run start to its last event, observed when the session closes (no event for the session timeout, default 30 min).'),
  def('genmon_session_interactions_total', 'counter', 'counter', '1', 'sessions', ['4.1 sessions.interactions'], [], 'Interactions of users: runs started, feedback given and modifications made.'),
  def('genmon_sessions_total', 'counter', 'counter', '1', 'sessions', ['4.1 sessions.completionRate', '4.1 sessions.bounceRate'], ['status'],
    'Sessions closed, by status: completed (at least one run succeeded) or not_completed.'),
  def('genmon_session_bounces_total', 'counter', 'counter', '1', 'sessions', ['4.1 sessions.bounceRate'], [], 'Sessions closed with a single interaction.'),
  def('genmon_session_completion_ratio', 'gauge', 'derived', 'ratio', 'sessions', ['4.1 sessions.completionRate'], [], 'Completed sessions over sessions closed.', {
    formula: { op: 'ratio', num: { metric: 'genmon_sessions_total', field: 'sum', where: { status: ['completed'] } }, den: { metric: 'genmon_sessions_total', field: 'sum' } },
  }),
  def('genmon_session_bounce_ratio', 'gauge', 'derived', 'ratio', 'sessions', ['4.1 sessions.bounceRate'], [], 'Sessions with a single interaction over sessions closed.', {
    formula: { op: 'ratio', num: { metric: 'genmon_session_bounces_total', field: 'sum' }, den: { metric: 'genmon_sessions_total', field: 'sum' } },
  }),
  def('genmon_feature_requests_total', 'counter', 'counter', '1', 'features', ['4.1 features.popularity'], ['feature'], 'Features asked for by runs started (run.started features), one per feature.', { runDims: true }),
  def('genmon_features_per_run', 'histogram', 'histogram', '1', 'features', ['4.1 features.usagePatterns'], [], 'Number of features a run asks for, observed at run start.', { runDims: true }),
  def('genmon_feature_runs_total', 'counter', 'counter', '1', 'features', ['4.1 features.successRate', '4.1 features.abandonmentRate'], ['feature', 'status'],
    'Runs ended per feature they asked for, by outcome.', { runDims: true }),
  def('genmon_feature_success_ratio', 'gauge', 'derived', 'ratio', 'features', ['4.1 features.successRate'], ['feature'], 'Runs asking for the feature that succeeded, over those that ended.', {
    formula: { op: 'ratio', num: { metric: 'genmon_feature_runs_total', field: 'sum', where: { status: ['success'] } }, den: { metric: 'genmon_feature_runs_total', field: 'sum', where: { status: ended } } },
    runDims: true,
  }),
  def('genmon_feature_abandonment_ratio', 'gauge', 'derived', 'ratio', 'features', ['4.1 features.abandonmentRate'], ['feature'], 'Runs asking for the feature that were abandoned, over runs started asking for it.', {
    formula: { op: 'ratio', num: { metric: 'genmon_feature_runs_total', field: 'sum', where: { status: ['abandoned'] } }, den: { metric: 'genmon_feature_requests_total', field: 'sum' } },
    runDims: true,
  }),
  def('genmon_journey_step_reached_total', 'counter', 'counter', '1', 'journey', ['4.1 journey.pathAnalysis', '4.1 journey.dropoffPoints'], ['step'],
    'Runs reaching each step of started → blueprint → codegen → validation → deployed (a phase ended ok; deployed: deployment ok).', { runDims: true }),
  def('genmon_journey_step_duration_seconds', 'histogram', 'histogram', 'seconds', 'journey', ['4.1 journey.timePerStep'], ['step'],
    'Time from reaching the previous step to reaching this one, retries included.', { runDims: true }),
  def('genmon_journey_conversion_ratio', 'gauge', 'derived', 'ratio', 'journey', ['4.1 journey.conversionRate'], [], 'Runs deployed over runs started.', {
    formula: {
      op: 'ratio', num: { metric: 'genmon_journey_step_reached_total', field: 'sum', where: { step: ['deployed'] } },
      den: { metric: 'genmon_journey_step_reached_total', field: 'sum', where: { step: ['started'] } },
    },
    runDims: true,
  }),

  // 4.2 Business, consumption, cost
  def('genmon_generations_total', 'counter', 'alias', '1', 'business', ['4.2 statistics.totalGenerations'], [], 'Total generations: runs ended, any outcome.', {
    alias: { metric: RUNS, field: 'sum' }, runDims: true,
  }),
  def('genmon_unique_users', 'gauge', 'derived', '1', 'business', ['4.2 statistics.uniqueUsers'], [], 'Distinct user_id of runs started in the range (from per-hour user activity facts).', {
    formula: { op: 'distinctUsers' },
  }),
  def('genmon_project_type_generations_total', 'counter', 'alias', '1', 'business', ['4.2 statistics.projectTypes'], [], 'Runs ended per project type (group by project_type).', {
    alias: { metric: RUNS, field: 'sum' }, runDims: true,
  }),
  def('genmon_feature_usage_total', 'counter', 'alias', '1', 'business', ['4.2 statistics.featureUsage'], ['feature'], 'Features delivered: per feature, runs asking for it that ended in success.', {
    alias: { metric: 'genmon_feature_runs_total', field: 'sum', where: { status: ['success'] } }, runDims: true,
  }),
  def('genmon_compute_units_total', 'counter', 'counter', '1', 'consumption', ['4.2 consumption.computeUnits'], ['phase'],
    'Compute units: one unit is one second of phase execution (phase.ended duration_ms / 1000), every attempt counted.', { runDims: true }),
  def('genmon_storage_usage_bytes', 'gauge', 'counter', 'bytes', 'consumption', ['4.2 consumption.storageUsage'], [],
    'Bytes of generated artifacts stored by runs ended in the range (run.ended artifact_bytes).', { runDims: true }),
  def('genmon_api_calls_total', 'counter', 'alias', '1', 'consumption', ['4.2 consumption.apiCalls'], ['route', 'method', 'status'], 'API calls made or served by the generator (api.request).', {
    alias: { metric: 'genmon_api_request_duration_seconds', field: 'count' },
  }),
  def('genmon_model_inferences_total', 'counter', 'alias', '1', 'consumption', ['4.2 consumption.modelInferences'], ['model', 'phase'], 'Model calls (model.inference).', {
    alias: { metric: 'genmon_model_inference_duration_seconds', field: 'count' },
  }),
  def('genmon_model_tokens_total', 'counter', 'counter', '1', 'consumption', ['4.2 consumption.modelInferences'], ['model', 'direction'], 'Tokens sent to (input) and received from (output) models.'),
  def('genmon_cost_compute_usd', 'gauge', 'counter', 'usd', 'cost', ['4.2 costs.computeCost'], ['phase'], 'Compute units times the compute price, per phase.', { runDims: true }),
  def('genmon_cost_storage_usd', 'gauge', 'counter', 'usd', 'cost', ['4.2 costs.storageCost'], [], 'Artifact bytes times the storage price for one month, charged when the run ends.', { runDims: true }),
  def('genmon_cost_api_usd', 'gauge', 'counter', 'usd', 'cost', ['4.2 costs.apiCost'], [], 'API calls times the price per call.', { runDims: true }),
  def('genmon_cost_model_usd', 'gauge', 'counter', 'usd', 'cost', ['4.2 costs.apiCost'], ['model', 'phase'],
    'Model calls: cost_usd of the event, else tokens times the model\'s price per million tokens in the price table.', { runDims: true }),
  def('genmon_cost_total_usd', 'gauge', 'derived', 'usd', 'cost', ['4.2 costs.totalCost'], [], 'Compute + storage + API + model cost.', {
    formula: {
      op: 'sum',
      refs: COST_PARTS.map((metric) => ({ metric, field: 'sum' as const })),
    },
    runDims: true,
  }),
  def('genmon_cost_per_successful_deployment_usd', 'gauge', 'derived', 'usd', 'cost', ['4.2 costs.totalCost'], [], 'Total cost over runs ended in success (a successful deployment).', {
    formula: {
      op: 'ratio',
      num: COST_PARTS.map((metric) => ({ metric, field: 'sum' as const })),
      den: { metric: RUNS, field: 'sum', where: { status: ['success'] } },
    },
    runDims: true,
  }),
  def('genmon_cost_wasted_usd', 'gauge', 'counter', 'usd', 'cost', ['4.2 costs.totalCost'], ['kind'],
    'Cost that bought no result, by kind: failed and abandoned runs (their whole cost), retry (attempts of a phase that failed and were retried, in runs that still ended well), regeneration (runs ended well that a later run regenerated).',
    { runDims: true }),
];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

export function metricDef(name: string): MetricDef | undefined {
  return BY_NAME.get(name);
}

/** The public descriptors (GET /metrics/registry). */
export function descriptors(): MetricDescriptor[] {
  return METRICS.map(({ name, type, unit, help, labels, spec, area, derived }) => ({ name, type, unit, help, labels: [...labels], spec: [...spec], area, derived }));
}
