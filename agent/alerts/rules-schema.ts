/**
 * The alert rules file (`.genmon/alerts.yaml` or `.json`): its JSON Schema,
 * which the loader checks with Ajv and turns into messages with line numbers.
 * Besides `rules`, the file may set the notification route, per-channel
 * templates, inhibition rules, time intervals, escalation and incidents, with
 * Alertmanager's names where it has them.
 */

const duration = { type: 'string', pattern: '^\\d+(ms|s|m|h|d)$' } as const;
const severity = { enum: ['critical', 'error', 'warning', 'info'] } as const;
const labels = { type: 'object', additionalProperties: { type: 'string', maxLength: 1000 } } as const;
const phase = { enum: ['blueprint', 'codegen', 'validation', 'deployment'] } as const;
const names = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 50 } as const;
const channel = { enum: ['vscode', 'webhook', 'log_file'] } as const;
const channels = { type: 'array', items: channel, uniqueItems: true } as const;
const matchers = { type: 'array', items: { type: 'string', maxLength: 1000 }, maxItems: 50 } as const;
const template = {
  type: 'object',
  additionalProperties: false,
  properties: { title: { type: 'string', maxLength: 1000 }, body: { type: 'string', maxLength: 10_000 } },
} as const;
const escalation = {
  type: 'array',
  maxItems: 20,
  items: {
    type: 'object',
    required: ['after'],
    additionalProperties: false,
    properties: { after: duration, severity, channels },
  },
} as const;

const common = {
  name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 200 },
  severity,
  for: duration,
  keep_firing_for: duration,
  labels,
  annotations: labels,
  enabled: { type: 'boolean' },
  title: { type: 'string', maxLength: 1000 },
  body: { type: 'string', maxLength: 10_000 },
  templates: { type: 'object', additionalProperties: false, properties: { vscode: template, webhook: template, log_file: template } },
  channels,
  active_time_intervals: names,
  mute_time_intervals: names,
  escalation,
  action: {
    type: 'object',
    additionalProperties: false,
    oneOf: [{ required: ['command'] }, { required: ['task'] }],
    properties: {
      command: { type: 'string', minLength: 1, maxLength: 4000, pattern: '^\\S+$' },
      args: { type: 'array', items: { type: 'string', maxLength: 4000 }, maxItems: 100 },
      task: { type: 'string', minLength: 1, maxLength: 400 },
      timeout: duration,
      unattended: { type: 'boolean' },
    },
  },
} as const;

function kind<P extends Record<string, unknown>>(name: string, props: P, required: string[]) {
  return {
    type: 'object',
    required: ['name', 'kind', ...required],
    additionalProperties: false,
    properties: { ...common, kind: { const: name }, ...props },
  };
}

const interval = {
  type: 'object',
  additionalProperties: false,
  properties: {
    times: {
      type: 'array',
      items: {
        type: 'object',
        required: ['start_time', 'end_time'],
        additionalProperties: false,
        properties: { start_time: { type: 'string' }, end_time: { type: 'string' } },
      },
    },
    weekdays: { type: 'array', items: { type: 'string' } },
    days_of_month: { type: 'array', items: { type: ['string', 'integer'] } },
    months: { type: 'array', items: { type: ['string', 'integer'] } },
    years: { type: 'array', items: { type: ['string', 'integer'] } },
    location: { type: 'string' },
  },
} as const;

export const ANOMALY_METRICS = ['failure_rate', 'phase_p95', 'run_duration_p95', 'error_rate', 'cpu', 'memory', 'cost_per_hour'] as const;

export const RULES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { enum: ['failure_rate', 'phase_p95', 'no_success', 'resource', 'cost_per_hour', 'new_error_group', 'regressed_error_group', 'anomaly'] } },
        allOf: [
          { if: { properties: { kind: { const: 'failure_rate' } } }, then: kind('failure_rate', { window: duration, threshold: { type: 'number', minimum: 0, maximum: 1 }, min_runs: { type: 'integer', minimum: 1 } }, ['threshold']) },
          { if: { properties: { kind: { const: 'phase_p95' } } }, then: kind('phase_p95', { phase, window: duration, threshold: duration, min_runs: { type: 'integer', minimum: 1 } }, ['phase', 'threshold']) },
          { if: { properties: { kind: { const: 'no_success' } } }, then: kind('no_success', { window: duration, min_attempts: { type: 'integer', minimum: 1 } }, ['window']) },
          { if: { properties: { kind: { const: 'resource' } } }, then: kind('resource', { metric: { enum: ['cpu', 'memory', 'disk'] }, threshold: { type: 'number', minimum: 0, maximum: 100 } }, ['metric', 'threshold']) },
          { if: { properties: { kind: { const: 'cost_per_hour' } } }, then: kind('cost_per_hour', { budget: { type: 'number', minimum: 0 }, window: duration }, ['budget']) },
          { if: { properties: { kind: { const: 'new_error_group' } } }, then: kind('new_error_group', { category: { enum: ['validation', 'generation', 'deployment', 'system'] } }, []) },
          { if: { properties: { kind: { const: 'regressed_error_group' } } }, then: kind('regressed_error_group', {}, []) },
          {
            if: { properties: { kind: { const: 'anomaly' } } },
            then: kind('anomaly', {
              metric: { enum: ANOMALY_METRICS },
              phase,
              direction: { enum: ['up', 'down', 'both'] },
              threshold: { type: 'number', exclusiveMinimum: 0 },
              min_samples: { type: 'integer', minimum: 3 },
              min_runs: { type: 'integer', minimum: 1 },
              bucket: duration,
              history: duration,
              baseline: { enum: ['recent', 'daily'] },
            }, ['metric']),
          },
        ],
      },
    },
    route: {
      type: 'object',
      additionalProperties: false,
      properties: {
        group_by: names,
        group_wait: duration,
        group_interval: duration,
        repeat_interval: duration,
        channels,
        active_time_intervals: names,
        mute_time_intervals: names,
      },
    },
    templates: { type: 'object', additionalProperties: false, properties: { vscode: template, webhook: template, log_file: template } },
    inhibit_rules: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['source_matchers', 'target_matchers'],
        additionalProperties: false,
        properties: { source_matchers: matchers, target_matchers: matchers, equal: names },
      },
    },
    time_intervals: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['name', 'time_intervals'],
        additionalProperties: false,
        properties: { name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$', maxLength: 200 }, time_intervals: { type: 'array', items: interval, maxItems: 50 } },
      },
    },
    escalation,
    incidents: {
      type: 'object',
      additionalProperties: false,
      properties: { min_severity: severity, group_by: names, resolve_after: duration },
    },
  },
} as const;
