/**
 * Loads an alert rules file (YAML or JSON) into checked rules and pipeline
 * settings; every problem comes back with the line and column it is on, as
 * an editor would show it.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { Phase, Severity } from '../ingest/events';
import { DEFAULT_SETTINGS } from './builtin';
import type { EscalationStep } from './escalation';
import { MatcherError, parseMatcher } from './matchers';
import { ANOMALY_METRICS, RULES_SCHEMA } from './rules-schema';
import type { InhibitRule } from './silences';
import type { ChannelName, MessageTemplate, RuleTemplates } from './templates';
import { compileInterval, IntervalError, type NamedInterval, type RawInterval } from './time-intervals';

export interface RuleError {
  line: number | null;
  column: number | null;
  path: string;
  message: string;
}

export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export type RuleKind =
  | { kind: 'failure_rate'; windowMs: number; threshold: number; minRuns: number }
  | { kind: 'phase_p95'; phase: Phase; windowMs: number; thresholdMs: number; minRuns: number }
  | { kind: 'no_success'; windowMs: number; minAttempts: number }
  | { kind: 'resource'; metric: 'cpu' | 'memory' | 'disk'; threshold: number }
  | { kind: 'cost_per_hour'; budget: number; windowMs: number }
  | { kind: 'new_error_group'; category: string | null }
  | { kind: 'regressed_error_group' }
  | {
      kind: 'anomaly';
      metric: AnomalyMetric;
      phase: Phase | null;
      direction: 'up' | 'down' | 'both';
      threshold: number;
      minSamples: number;
      minRuns: number;
      bucketMs: number;
      historyMs: number;
      baseline: 'recent' | 'daily';
    };

/** What a rule may run when it fires: a program with arguments (no shell) or a VS Code task. */
export interface RuleAction {
  command: string | null;
  args: string[];
  task: string | null;
  timeoutMs: number;
  unattended: boolean;
}

export interface AlertRule {
  name: string;
  severity: Severity;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  enabled: boolean;
  templates: RuleTemplates | null;
  /** Channels of this rule's notifications; null: the route's. */
  channels: ChannelName[] | null;
  activeTimeIntervals: string[];
  muteTimeIntervals: string[];
  /** Escalation steps of this rule; null: the file's. */
  escalation: EscalationStep[] | null;
  action: RuleAction | null;
  spec: RuleKind;
  /** Where it came from: "built-in" or the file and line. */
  origin: string;
}

export interface RouteSettings {
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  /** null: every channel that is configured. */
  channels: ChannelName[] | null;
  activeTimeIntervals: string[];
  muteTimeIntervals: string[];
}

export interface IncidentSettings {
  /** Firing alerts of this severity or above open or join an incident. */
  minSeverity: Severity;
  /** Alerts agreeing on these labels share an incident. */
  groupBy: string[];
  /** An incident whose alerts all stayed resolved this long resolves itself. */
  resolveAfterMs: number;
}

/** Everything in a rules file besides the rules. */
export interface PipelineSettings {
  route: RouteSettings;
  templates: Partial<Record<ChannelName, MessageTemplate>>;
  inhibitRules: InhibitRule[];
  timeIntervals: NamedInterval[];
  escalation: EscalationStep[];
  incidents: IncidentSettings;
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
    case 'oneOf':
      return `${where} must have either "command" or "task", not both`;
    case 'pattern':
      if (err.instancePath.endsWith('/command')) return `${where} is run without a shell: name the program alone and put its arguments in "args"`;
      return err.instancePath.endsWith('/name')
        ? `${where} must be a name of letters, digits and underscores`
        : `${where} must be a duration such as 30s, 5m, 1h`;
    case 'const':
      return `${where} must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return `${where} ${err.message ?? 'is invalid'}`;
  }
}

type Path = (string | number)[];

interface RawFile {
  rules?: Record<string, unknown>[];
  route?: Record<string, unknown>;
  templates?: Partial<Record<ChannelName, MessageTemplate>>;
  inhibit_rules?: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
  time_intervals?: { name: string; time_intervals: RawInterval[] }[];
  escalation?: RawStep[];
  incidents?: { min_severity?: Severity; group_by?: string[]; resolve_after?: string };
}

interface RawStep {
  after: string;
  severity?: Severity;
  channels?: ChannelName[];
}

export interface ParsedRulesFile {
  rules: AlertRule[];
  settings: PipelineSettings;
  errors: RuleError[];
}

export function parseRulesFile(text: string, fileName: string): ParsedRulesFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { line: null, column: null };
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const fail = (errors: RuleError[]): ParsedRulesFile => ({ rules: [], settings: DEFAULT_SETTINGS, errors });
  const errors: RuleError[] = doc.errors.map((e) => ({ ...at(e.pos[0]), path: '', message: e.message.split('\n')[0] }));
  if (errors.length > 0) return fail(errors);
  const nodeAt = (path: Path) => {
    const node = doc.getIn(path, true);
    return at(isNode(node) ? node.range?.[0] : undefined);
  };
  let data: RawFile;
  try {
    // The yaml library refuses to expand aliases past a limit (a "billion laughs" file) by throwing.
    data = (doc.toJS() ?? {}) as RawFile;
  } catch (err) {
    return fail([{ line: null, column: null, path: '', message: (err as Error).message }]);
  }
  if (!validate(data)) {
    // allOf/if-then repeats an error at several schema paths; keep one per place and message.
    const seen = new Set<string>();
    for (const err of validate.errors ?? []) {
      if (err.keyword === 'if' || err.keyword === 'allOf') continue;
      const path: Path = err.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      const target = err.keyword === 'additionalProperties' ? [...path, (err.params as { additionalProperty: string }).additionalProperty] : path;
      const message = describe(err);
      const key = `${err.instancePath}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const pos = isNode(doc.getIn(target, true)) ? nodeAt(target) : nodeAt(path);
      errors.push({ ...pos, path: err.instancePath, message });
    }
    return fail(errors);
  }
  const problem = (path: Path, message: string) => errors.push({ ...nodeAt(path), path: `/${path.join('/')}`, message });
  const settings = toSettings(data, problem);
  const intervalNames = new Set(settings.timeIntervals.map((t) => t.name));
  const checkIntervals = (path: Path, list: unknown) => {
    for (const [i, name] of ((list as string[] | undefined) ?? []).entries()) {
      if (!intervalNames.has(name)) problem([...path, i], `no time interval named "${name}" (define it under time_intervals)`);
    }
  };
  checkIntervals(['route', 'active_time_intervals'], data.route?.active_time_intervals);
  checkIntervals(['route', 'mute_time_intervals'], data.route?.mute_time_intervals);

  const rules: AlertRule[] = [];
  const names = new Set<string>();
  for (const [i, raw] of (data.rules ?? []).entries()) {
    const pos = nodeAt(['rules', i]);
    const name = String(raw.name);
    if (names.has(name)) {
      errors.push({ ...pos, path: `/rules/${i}/name`, message: `a rule named "${name}" is defined twice` });
      continue;
    }
    names.add(name);
    checkIntervals(['rules', i, 'active_time_intervals'], raw.active_time_intervals);
    checkIntervals(['rules', i, 'mute_time_intervals'], raw.mute_time_intervals);
    const rule = toRule(raw, `${fileName}:${pos.line ?? '?'}`);
    if (rule.spec.kind === 'anomaly' && rule.spec.metric === 'phase_p95' && rule.spec.phase === null) problem(['rules', i, 'metric'], 'an anomaly rule on phase_p95 needs a "phase"');
    if (rule.spec.kind === 'anomaly' && rule.spec.baseline === 'daily' && rule.spec.historyMs < 2 * 86_400_000) {
      problem(['rules', i, 'baseline'], 'a daily baseline compares with earlier days: give a "history" of 2d or more (default 7d)');
    }
    rules.push(rule);
  }
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return errors.length ? fail(errors) : { rules, settings, errors };
}

function toSteps(raw: RawStep[]): EscalationStep[] {
  return raw
    .map((s) => ({ afterMs: parseDuration(s.after), severity: s.severity ?? null, channels: s.channels ?? [] }))
    .sort((a, b) => a.afterMs - b.afterMs);
}

function toSettings(data: RawFile, problem: (path: Path, message: string) => void): PipelineSettings {
  const d = DEFAULT_SETTINGS;
  const r = data.route ?? {};
  const dur = (v: unknown, fallback: number) => (v === undefined ? fallback : parseDuration(String(v)));
  const matchersOf = (list: string[], path: Path) =>
    list.flatMap((text, i) => {
      try {
        return [parseMatcher(text)];
      } catch (err) {
        problem([...path, i], err instanceof MatcherError ? err.message : String(err));
        return [];
      }
    });
  const timeIntervals: NamedInterval[] = (data.time_intervals ?? []).map((t, i) => ({
    name: t.name,
    intervals: t.time_intervals.flatMap((raw, j) => {
      try {
        return [compileInterval(raw)];
      } catch (err) {
        problem(['time_intervals', i, 'time_intervals', j], err instanceof IntervalError ? err.message : String(err));
        return [];
      }
    }),
  }));
  return {
    route: {
      groupBy: (r.group_by as string[] | undefined) ?? d.route.groupBy,
      groupWaitMs: dur(r.group_wait, d.route.groupWaitMs),
      groupIntervalMs: dur(r.group_interval, d.route.groupIntervalMs),
      repeatIntervalMs: dur(r.repeat_interval, d.route.repeatIntervalMs),
      channels: (r.channels as ChannelName[] | undefined) ?? d.route.channels,
      activeTimeIntervals: (r.active_time_intervals as string[] | undefined) ?? [],
      muteTimeIntervals: (r.mute_time_intervals as string[] | undefined) ?? [],
    },
    templates: data.templates ?? {},
    inhibitRules: data.inhibit_rules
      ? data.inhibit_rules.map((ir, i) => ({
          source: matchersOf(ir.source_matchers, ['inhibit_rules', i, 'source_matchers']),
          target: matchersOf(ir.target_matchers, ['inhibit_rules', i, 'target_matchers']),
          equal: ir.equal ?? [],
        }))
      : d.inhibitRules,
    timeIntervals,
    escalation: data.escalation ? toSteps(data.escalation) : d.escalation,
    incidents: {
      minSeverity: data.incidents?.min_severity ?? d.incidents.minSeverity,
      groupBy: data.incidents?.group_by ?? d.incidents.groupBy,
      resolveAfterMs: dur(data.incidents?.resolve_after, d.incidents.resolveAfterMs),
    },
  };
}

function toRule(raw: Record<string, unknown>, origin: string): AlertRule {
  const str = (k: string) => (raw[k] === undefined ? undefined : String(raw[k]));
  const dur = (k: string, fallback: number) => (raw[k] === undefined ? fallback : parseDuration(String(raw[k])));
  const num = (k: string, fallback: number) => (raw[k] === undefined ? fallback : Number(raw[k]));
  const action = raw.action as { command?: string; args?: string[]; task?: string; timeout?: string; unattended?: boolean } | undefined;
  const perChannel = (raw.templates as RuleTemplates['channels'] | undefined) ?? {};
  const hasTemplates = raw.title !== undefined || raw.body !== undefined || Object.keys(perChannel).length > 0;
  return {
    name: String(raw.name),
    severity: (str('severity') ?? 'warning') as Severity,
    forMs: dur('for', 0),
    keepFiringForMs: dur('keep_firing_for', 0),
    labels: (raw.labels as Record<string, string>) ?? {},
    annotations: (raw.annotations as Record<string, string>) ?? {},
    enabled: raw.enabled !== false,
    templates: hasTemplates ? { default: { title: str('title'), body: str('body') }, channels: perChannel } : null,
    channels: (raw.channels as ChannelName[] | undefined) ?? null,
    activeTimeIntervals: (raw.active_time_intervals as string[] | undefined) ?? [],
    muteTimeIntervals: (raw.mute_time_intervals as string[] | undefined) ?? [],
    escalation: raw.escalation ? toSteps(raw.escalation as RawStep[]) : null,
    action: action
      ? {
          command: action.command ?? null,
          args: action.args ?? [],
          task: action.task ?? null,
          timeoutMs: action.timeout ? parseDuration(action.timeout) : 60_000,
          unattended: action.unattended === true,
        }
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
      return { kind, budget: num('budget', 10), windowMs: dur('window', 3600_000) };
    case 'new_error_group':
      return { kind, category: (raw.category as string | undefined) ?? null };
    case 'regressed_error_group':
      return { kind };
    default:
      return {
        kind: 'anomaly',
        metric: raw.metric as AnomalyMetric,
        phase: (raw.phase as Phase | undefined) ?? null,
        direction: (raw.direction as 'up' | 'down' | 'both' | undefined) ?? 'up',
        threshold: num('threshold', 4),
        minSamples: num('min_samples', 20),
        minRuns: num('min_runs', 3),
        bucketMs: dur('bucket', 5 * 60_000),
        historyMs: dur('history', raw.baseline === 'daily' ? 7 * 86_400_000 : 24 * 3600_000),
        baseline: (raw.baseline as 'recent' | 'daily' | undefined) ?? 'recent',
      };
  }
}
