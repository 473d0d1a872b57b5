/**
 * Built-in rules matching the spec's generator: they apply unless a rules
 * file defines a rule of the same name (or disables it with `enabled: false`).
 * And the pipeline's defaults, for whatever a rules file does not set.
 */
import { parseMatcher } from './matchers';
import type { AlertRule, PipelineSettings } from './rules-file';

const base: Omit<AlertRule, 'name' | 'severity' | 'forMs' | 'keepFiringForMs' | 'spec'> = {
  labels: {},
  annotations: {},
  enabled: true,
  action: null,
  templates: null,
  channels: null,
  activeTimeIntervals: [],
  muteTimeIntervals: [],
  escalation: null,
  origin: 'built-in',
};
const MIN = 60_000;

export const BUILTIN_RULES: readonly AlertRule[] = [
  {
    ...base,
    name: 'GenerationFailureRate',
    severity: 'error',
    forMs: 0,
    keepFiringForMs: 5 * MIN,
    spec: { kind: 'failure_rate', windowMs: 15 * MIN, threshold: 0.5, minRuns: 4 },
    annotations: { summary: '{{value}} of generations failed in the last 15 minutes' },
  },
  {
    ...base,
    name: 'BlueprintSlow',
    severity: 'warning',
    forMs: MIN,
    keepFiringForMs: 5 * MIN,
    spec: { kind: 'phase_p95', phase: 'blueprint', windowMs: 15 * MIN, thresholdMs: 5000, minRuns: 5 },
    annotations: { summary: 'blueprint p95 is {{value}} ms (threshold 5 s)' },
  },
  {
    ...base,
    name: 'CodegenSlow',
    severity: 'warning',
    forMs: MIN,
    keepFiringForMs: 5 * MIN,
    spec: { kind: 'phase_p95', phase: 'codegen', windowMs: 15 * MIN, thresholdMs: 30_000, minRuns: 5 },
    annotations: { summary: 'codegen p95 is {{value}} ms (threshold 30 s)' },
  },
  {
    ...base,
    name: 'NoSuccessfulGeneration',
    severity: 'critical',
    forMs: 0,
    keepFiringForMs: 0,
    spec: { kind: 'no_success', windowMs: 30 * MIN, minAttempts: 3 },
    annotations: { summary: 'none of the {{value}} generations that ended in 30 minutes succeeded' },
  },
  { ...base, name: 'HighCpu', severity: 'warning', forMs: 5 * MIN, keepFiringForMs: MIN, spec: { kind: 'resource', metric: 'cpu', threshold: 90 }, annotations: { summary: 'CPU at {{value}} %' } },
  { ...base, name: 'HighMemory', severity: 'warning', forMs: 5 * MIN, keepFiringForMs: MIN, spec: { kind: 'resource', metric: 'memory', threshold: 90 }, annotations: { summary: 'memory at {{value}} %' } },
  { ...base, name: 'DiskAlmostFull', severity: 'error', forMs: 5 * MIN, keepFiringForMs: MIN, spec: { kind: 'resource', metric: 'disk', threshold: 90 }, annotations: { summary: '{{mount}} is {{value}} % full' } },
  {
    ...base,
    name: 'CostOverBudget',
    severity: 'warning',
    forMs: 0,
    keepFiringForMs: 15 * MIN,
    spec: { kind: 'cost_per_hour', budget: 10, windowMs: 60 * MIN },
    annotations: { summary: 'model inferences cost {{value}} USD in the last hour (budget 10)' },
  },
  { ...base, name: 'NewErrorGroup', severity: 'warning', forMs: 0, keepFiringForMs: 0, spec: { kind: 'new_error_group', category: null } },
  { ...base, name: 'RegressedErrorGroup', severity: 'error', forMs: 0, keepFiringForMs: 0, spec: { kind: 'regressed_error_group' } },
];

export const DEFAULT_SETTINGS: PipelineSettings = {
  route: { groupBy: ['alertname'], groupWaitMs: 200, groupIntervalMs: MIN, repeatIntervalMs: 4 * 60 * MIN, channels: null, activeTimeIntervals: [], muteTimeIntervals: [] },
  templates: {},
  // A critical alert hides the warnings firing beside it: during an outage they explain nothing new.
  inhibitRules: [{ source: [parseMatcher('severity="critical"')], target: [parseMatcher('severity=~"warning|info"')], equal: [] }],
  timeIntervals: [],
  escalation: [],
  // One open incident collects every serious alert: an outage that trips the failure rate, "no
  // success" and a regressed error group at once is one incident, not three.
  incidents: { minSeverity: 'error', groupBy: [], resolveAfterMs: 15 * MIN },
};

/** Built-ins overridden by name, then the file's own rules; disabled ones dropped. */
export function effectiveRules(fileRules: readonly AlertRule[]): AlertRule[] {
  const byName = new Map<string, AlertRule>(BUILTIN_RULES.map((r) => [r.name, r]));
  for (const rule of fileRules) byName.set(rule.name, rule);
  return [...byName.values()].filter((r) => r.enabled);
}
