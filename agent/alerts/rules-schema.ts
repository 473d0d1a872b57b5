/**
 * The alert rules file (`.genmon/alerts.yaml` or `.json`): its JSON Schema,
 * which the loader checks with Ajv and turns into messages with line numbers.
 */

const duration = { type: 'string', pattern: '^\\d+(ms|s|m|h|d)$' } as const;
const severity = { enum: ['critical', 'error', 'warning', 'info'] } as const;
const labels = { type: 'object', additionalProperties: { type: 'string', maxLength: 1000 } } as const;
const phase = { enum: ['blueprint', 'codegen', 'validation', 'deployment'] } as const;

const common = {
  name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 200 },
  severity,
  for: duration,
  keep_firing_for: duration,
  labels,
  annotations: labels,
  enabled: { type: 'boolean' },
  action: {
    type: 'object',
    required: ['command'],
    additionalProperties: false,
    properties: {
      command: { type: 'string', minLength: 1, maxLength: 4000 },
      task: { type: 'string' },
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
          { if: { properties: { kind: { const: 'cost_per_hour' } } }, then: kind('cost_per_hour', { budget: { type: 'number', minimum: 0 } }, ['budget']) },
          { if: { properties: { kind: { const: 'new_error_group' } } }, then: kind('new_error_group', { category: { enum: ['validation', 'generation', 'deployment', 'system'] } }, []) },
          { if: { properties: { kind: { const: 'regressed_error_group' } } }, then: kind('regressed_error_group', {}, []) },
          {
            if: { properties: { kind: { const: 'anomaly' } } },
            then: kind('anomaly', {
              metric: { enum: ['failure_rate', 'phase_p95', 'run_duration_p95', 'error_rate', 'cpu', 'memory'] },
              phase,
              direction: { enum: ['up', 'down', 'both'] },
              threshold: { type: 'number', exclusiveMinimum: 0 },
              min_samples: { type: 'integer', minimum: 3 },
            }, ['metric']),
          },
        ],
      },
    },
  },
} as const;
