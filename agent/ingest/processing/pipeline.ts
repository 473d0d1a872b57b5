/**
 * The processing rules compiled for the ingest path (store/apply.ts):
 * transform (before validation), filter, enrich. Pure: the rules and the
 * enrichment values come from a `processing` journal record, so replaying the
 * journal applies to each line the rules and values that were in force when
 * it was read, whatever the config file says now.
 */
import type { EventBase } from '../events';
import type { EnrichField, FilterRule, Matcher, ProcessingConfig, TransformRule, When } from './rules';
import { ENRICH_FIELDS } from './rules';

/** What a `processing` journal record carries. */
export interface ProcessingState {
  transform: TransformRule[];
  filter: FilterRule[];
  enrich: { fields: EnrichField[]; types: string[] } | null;
  /** The enrichment values when the record was written (git commit and branch change over time). */
  facts: Partial<Record<EnrichField, string>>;
}

export const NO_PROCESSING: ProcessingState = { transform: [], filter: [], enrich: null, facts: {} };

export function processingState(config: ProcessingConfig | undefined, facts: Partial<Record<EnrichField, string>>): ProcessingState {
  const enrich = !config?.enrich ? null : { fields: config?.enrich?.fields ?? [...ENRICH_FIELDS], types: config?.enrich?.types ?? ['run.started', 'error'] };
  const kept: Partial<Record<EnrichField, string>> = {};
  for (const f of enrich?.fields ?? []) if (facts[f] !== undefined) kept[f] = facts[f];
  return { transform: config?.transform ?? [], filter: config?.filter ?? [], enrich, facts: kept };
}

export type Verdict = 'dropped' | 'sampled' | null;

export interface ProcessingCounts {
  dropped: number;
  sampledOut: number;
  transformed: number;
  enriched: number;
}

type Obj = Record<string, unknown>;

export class Pipeline {
  readonly counts: ProcessingCounts = { dropped: 0, sampledOut: 0, transformed: 0, enriched: 0 };
  private readonly transformsBySource = new Map<string, TransformRule[]>();

  constructor(readonly state: ProcessingState) {}

  get empty(): boolean {
    return this.state.transform.length === 0 && this.state.filter.length === 0 && this.state.enrich === null;
  }

  /** The transformation for lines of `path`, or undefined when no rule names it. */
  transformFor(path: string): ((value: Obj) => Obj) | undefined {
    let rules = this.transformsBySource.get(path);
    if (!rules) {
      rules = this.state.transform.filter((r) => r.source === undefined || glob(r.source, path));
      if (this.transformsBySource.size > 1000) this.transformsBySource.clear();
      this.transformsBySource.set(path, rules);
    }
    if (rules.length === 0) return undefined;
    const chosen = rules;
    return (value) => {
      let changed = false;
      for (const rule of chosen) {
        if (rule.when && !matches(rule.when, value)) continue;
        applyTransform(rule, value);
        changed = true;
      }
      if (changed) this.counts.transformed++;
      return value;
    };
  }

  /** Whether an event is dropped: the first rule that matches decides. */
  filter(event: EventBase, path: string): Verdict {
    for (const rule of this.state.filter) {
      if (rule.source !== undefined && !glob(rule.source, path)) continue;
      if (rule.when && !matches(rule.when, event)) continue;
      if (rule.action === 'keep') return null;
      if (rule.action === 'drop') {
        this.counts.dropped++;
        return 'dropped';
      }
      if (sampleFraction(event.run_id) < (rule.rate ?? 1)) return null;
      this.counts.sampledOut++;
      return 'sampled';
    }
    return null;
  }

  /** Adds the enrichment values: to `context` for errors, as fields otherwise; never over a value the event has. */
  enrich(event: EventBase): EventBase {
    const e = this.state.enrich;
    if (!e || !e.types.includes(event.type)) return event;
    const facts = this.state.facts;
    if (Object.keys(facts).length === 0) return event;
    this.counts.enriched++;
    if (event.type === 'error') {
      const context = event.context && typeof event.context === 'object' && !Array.isArray(event.context) ? (event.context as Obj) : {};
      return { ...event, context: { ...facts, ...context } };
    }
    return { ...facts, ...event };
  }
}

function applyTransform(rule: TransformRule, value: Obj): void {
  if (rule.map) {
    const moved: [string, unknown][] = [];
    for (const [from, to] of Object.entries(rule.map)) {
      const v = get(value, from);
      if (v === undefined) continue;
      remove(value, from);
      moved.push([to, v]);
    }
    // Set after every removal, so swapping two fields works.
    for (const [to, v] of moved) set(value, to, v);
  }
  for (const [field, table] of Object.entries(rule.values ?? {})) {
    const v = get(value, field);
    if (v === undefined || v === null || typeof v === 'object') continue;
    const key = String(v);
    if (Object.hasOwn(table, key)) set(value, field, table[key]);
  }
  for (const [field, factor] of Object.entries(rule.scale ?? {})) {
    const v = get(value, field);
    if (typeof v === 'number') set(value, field, v * factor);
  }
  for (const [field, v] of Object.entries(rule.set ?? {})) set(value, field, v);
  for (const field of rule.remove ?? []) remove(value, field);
}

export function matches(when: When, value: Obj): boolean {
  return Array.isArray(when) ? when.some((m) => matchOne(m, value)) : matchOne(when, value);
}

function matchOne(m: Matcher, value: Obj): boolean {
  for (const [field, expected] of Object.entries(m)) {
    const actual = get(value, field);
    const options = Array.isArray(expected) ? expected : [expected];
    if (!options.some((o) => same(o, actual))) return false;
  }
  return true;
}

function same(expected: unknown, actual: unknown): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof expected === 'string' && expected.includes('*')) return actual !== undefined && actual !== null && typeof actual !== 'object' && glob(expected, String(actual));
  return expected === actual;
}

const globs = new Map<string, RegExp>();

/** `*` matches any run of characters, `?` one; everything else literally. */
export function glob(pattern: string, s: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    if (globs.size > 1000) globs.clear();
    globs.set(pattern, re);
  }
  return re.test(s);
}

/** A run's place in [0, 1): FNV-1a of its id. The same run always lands in the same place, on replay too. */
export function sampleFraction(runId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    h ^= runId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

function get(o: Obj, path: string): unknown {
  if (Object.hasOwn(o, path)) return o[path];
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Obj)[part];
  }
  return cur;
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

function set(o: Obj, path: string, v: unknown): void {
  const parts = path.split('.');
  if (parts.some((p) => UNSAFE.has(p))) return;
  let cur = o;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Obj;
  }
  cur[parts[parts.length - 1]] = v;
}

function remove(o: Obj, path: string): void {
  if (Object.hasOwn(o, path)) {
    delete o[path];
    return;
  }
  const parts = path.split('.');
  let cur: unknown = o;
  for (const part of parts.slice(0, -1)) {
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return;
    cur = (cur as Obj)[part];
  }
  if (cur && typeof cur === 'object') delete (cur as Obj)[parts[parts.length - 1]];
}
