/**
 * Loads an alert rules file (YAML or JSON) into checked rules; every problem
 * comes back with the line and column it is on, as an editor would show it.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { Phase, Severity } from '../ingest/events';
import { RULES_SCHEMA } from './rules-schema';

export interface RuleError {
  line: number | null;
  column: number | null;
  path: string;
  message: string;
}

export type RuleKind =
  | { kind: 'failure_rate'; windowMs: number; threshold: number; minRuns: number }
  | { kind: 'phase_p95'; phase: Phase; windowMs: number; thresholdMs: number; minRuns: number }
  | { kind: 'no_success'; windowMs: number; minAttempts: number }
  | { kind: 'resource'; metric: 'cpu' | 'memory' | 'disk'; threshold: number }
  | { kind: 'cost_per_hour'; budget: number }
  | { kind: 'new_error_group'; category: string | null }
  | { kind: 'regressed_error_group' }
  | { kind: 'anomaly'; metric: string; phase: Phase | null; direction: 'up' | 'down' | 'both'; threshold: number; minSamples: number };

export interface AlertRule {
  name: string;
  severity: Severity;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  enabled: boolean;
  action: { command: string; task: string | null; timeoutMs: number; unattended: boolean } | null;
  spec: RuleKind;
  /** Where it came from: "built-in" or the file and line. */
  origin: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNITS[m[2]];
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(RULES_SCHEMA);

function describe(err: ErrorObject): string {
  const where = err.instancePath || 'the file';
  switch (err.keyword) {
    case 'additionalProperties':
      return `unknown field "${(err.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `missing field "${(err.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${where} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'pattern':
      return err.instancePath.endsWith('/name')
        ? `${where} must be a name of letters, digits and underscores`
        : `${where} must be a duration such as 30s, 5m, 1h`;
    case 'const':
      return `${where} must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return `${where} ${err.message ?? 'is invalid'}`;
  }
}

export function parseRulesFile(text: string, fileName: string): { rules: AlertRule[]; errors: RuleError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { line: null, column: null };
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const errors: RuleError[] = doc.errors.map((e) => ({ ...at(e.pos[0]), path: '', message: e.message.split('\n')[0] }));
  if (errors.length > 0) return { rules: [], errors };
  const data = (doc.toJS() ?? {}) as { rules?: Record<string, unknown>[] };
  if (!validate(data)) {
    // allOf/if-then repeats an error at several schema paths; keep one per place and message.
    const seen = new Set<string>();
    for (const err of validate.errors ?? []) {
      if (err.keyword === 'if' || err.keyword === 'allOf') continue;
      const path = err.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      const target = err.keyword === 'additionalProperties' ? [...path, (err.params as { additionalProperty: string }).additionalProperty] : path;
      const node = doc.getIn(target, true) ?? doc.getIn(path, true);
      const message = describe(err);
      const key = `${err.instancePath}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({ ...at(isNode(node) ? node.range?.[0] : undefined), path: err.instancePath, message });
    }
    return { rules: [], errors };
  }
  const rules: AlertRule[] = [];
  const names = new Set<string>();
  for (const [i, raw] of (data.rules ?? []).entries()) {
    const node = doc.getIn(['rules', i], true);
    const pos = at(isNode(node) ? node.range?.[0] : undefined);
    const name = String(raw.name);
    if (names.has(name)) {
      errors.push({ ...pos, path: `/rules/${i}/name`, message: `a rule named "${name}" is defined twice` });
      continue;
    }
    names.add(name);
    rules.push(toRule(raw, `${fileName}:${pos.line ?? '?'}`));
  }
  return { rules: errors.length ? [] : rules, errors };
}

function toRule(raw: Record<string, unknown>, origin: string): AlertRule {
  const str = (k: string) => (raw[k] === undefined ? undefined : String(raw[k]));
  const dur = (k: string, fallback: number) => (raw[k] === undefined ? fallback : parseDuration(String(raw[k])));
  const num = (k: string, fallback: number) => (raw[k] === undefined ? fallback : Number(raw[k]));
  const action = raw.action as { command: string; task?: string; timeout?: string; unattended?: boolean } | undefined;
  return {
    name: String(raw.name),
    severity: (str('severity') ?? 'warning') as Severity,
    forMs: dur('for', 0),
    keepFiringForMs: dur('keep_firing_for', 0),
    labels: (raw.labels as Record<string, string>) ?? {},
    annotations: (raw.annotations as Record<string, string>) ?? {},
    enabled: raw.enabled !== false,
    action: action
      ? { command: action.command, task: action.task ?? null, timeoutMs: action.timeout ? parseDuration(action.timeout) : 60_000, unattended: action.unattended === true }
      : null,
    spec: toSpec(String(raw.kind), raw, dur, num),
    origin,
  };
}

function toSpec(kind: string, raw: Record<string, unknown>, dur: (k: string, f: number) => number, num: (k: string, f: number) => number): RuleKind {
  switch (kind) {
    case 'failure_rate':
      return { kind, windowMs: dur('window', 15 * 60_000), threshold: num('threshold', 0.5), minRuns: num('min_runs', 5) };
    case 'phase_p95':
      return { kind, phase: raw.phase as Phase, windowMs: dur('window', 15 * 60_000), thresholdMs: dur('threshold', 30_000), minRuns: num('min_runs', 5) };
    case 'no_success':
      return { kind, windowMs: dur('window', 30 * 60_000), minAttempts: num('min_attempts', 3) };
    case 'resource':
      return { kind, metric: raw.metric as 'cpu' | 'memory' | 'disk', threshold: num('threshold', 90) };
    case 'cost_per_hour':
      return { kind, budget: num('budget', 10) };
    case 'new_error_group':
      return { kind, category: (raw.category as string | undefined) ?? null };
    case 'regressed_error_group':
      return { kind };
    default:
      return {
        kind: 'anomaly',
        metric: String(raw.metric),
        phase: (raw.phase as Phase | undefined) ?? null,
        direction: (raw.direction as 'up' | 'down' | 'both' | undefined) ?? 'up',
        threshold: num('threshold', 4),
        minSamples: num('min_samples', 20),
      };
  }
}
