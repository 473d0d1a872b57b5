/**
 * The `processing` section of the agent's config file: transformation,
 * filtering, enrichment and routing rules (README "Processing rules").
 * Checked with Ajv against the schema below; every mistake is reported with
 * the path of the key, such as `processing.filter[1].rate must be <= 1`.
 */
import Ajv, { type ErrorObject } from 'ajv';

export type MatchScalar = string | number | boolean | null;
/** Field (dotted path for nested ones) → a value, a `*` glob, or a list of either. Every field must match. */
export type Matcher = Record<string, MatchScalar | MatchScalar[]>;
/** One matcher, or a list of which any may match. */
export type When = Matcher | Matcher[];

export interface TransformRule {
  /** Glob on the source: a log file's path, or `otlp:/v1/traces` (and logs, metrics). `*` matches any run of characters. */
  source?: string;
  when?: When;
  /** Field renames, `from → to`, dotted paths allowed on both sides. */
  map?: Record<string, string>;
  /** Value renames per field (after `map`): `{ "type": { "begin": "run.started" } }`. */
  values?: Record<string, Record<string, unknown>>;
  /** Numbers multiplied per field (after `values`): `{ "ts": 1000 }` reads epoch seconds. */
  scale?: Record<string, number>;
  set?: Record<string, unknown>;
  remove?: string[];
}

export interface FilterRule {
  source?: string;
  when?: When;
  /** `keep` stops the rules below from dropping a match. */
  action: 'drop' | 'sample' | 'keep';
  /** For `sample`: the share of runs kept, 0..1, chosen by a hash of run_id (a run is kept or dropped whole). */
  rate?: number;
}

export const ENRICH_FIELDS = ['host', 'git_branch', 'git_commit', 'workspace', 'agent_version'] as const;
export type EnrichField = (typeof ENRICH_FIELDS)[number];

export interface EnrichConfig {
  /** Default: all of ENRICH_FIELDS. */
  fields?: EnrichField[];
  /** Event types enriched. Default `run.started` and `error` (whose `context` gets them). */
  types?: string[];
  /** The workspace whose name and git branch/commit are added. Default: the agent's working directory. */
  workspace?: string;
}

export interface DeliveryOptions {
  when?: When;
  /** Events per request. Default 256. */
  batchSize?: number;
  /** Longest wait before a partial batch goes. Default 1000 ms. */
  flushMs?: number;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first. Default 3. */
  retries?: number;
  /** Events waiting at most; past it new events are dropped and counted. Default 10,000. */
  maxQueue?: number;
}

export interface OtlpSinkConfig extends DeliveryOptions {
  /** Base URL of an OTLP/HTTP receiver (a Collector): `/v1/logs` and `/v1/metrics` are appended. */
  endpoint: string;
  headers?: Record<string, string>;
  /** Also send machine samples as OTLP gauges. Default false. */
  samples?: boolean;
}

export interface WebhookSinkConfig extends DeliveryOptions {
  /** Default: the agent's `webhookUrl`. */
  url?: string;
}

export interface ProcessingConfig {
  transform?: TransformRule[];
  filter?: FilterRule[];
  /** Off unless given; `{}` adds every field to the default types. */
  enrich?: EnrichConfig | false;
  sinks?: { otlp?: OtlpSinkConfig; webhook?: WebhookSinkConfig };
}

const matcher = {
  type: 'object',
  minProperties: 1,
  additionalProperties: {
    anyOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'array', minItems: 1, items: { type: ['string', 'number', 'boolean', 'null'] } }],
  },
};
const when = { anyOf: [matcher, { type: 'array', minItems: 1, items: matcher }] };
const delivery = {
  when,
  batchSize: { type: 'integer', minimum: 1, maximum: 10_000 },
  flushMs: { type: 'integer', minimum: 10, maximum: 600_000 },
  timeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
  retries: { type: 'integer', minimum: 0, maximum: 20 },
  maxQueue: { type: 'integer', minimum: 1, maximum: 1_000_000 },
};
const url = { type: 'string', pattern: '^https?://' };

export const PROCESSING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    transform: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          source: { type: 'string', minLength: 1 },
          when,
          map: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
          values: { type: 'object', additionalProperties: { type: 'object' } },
          scale: { type: 'object', additionalProperties: { type: 'number' } },
          set: { type: 'object' },
          remove: { type: 'array', items: { type: 'string', minLength: 1 } },
        },
      },
    },
    filter: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['action'],
        properties: {
          source: { type: 'string', minLength: 1 },
          when,
          action: { enum: ['drop', 'sample', 'keep'] },
          rate: { type: 'number', minimum: 0, maximum: 1 },
        },
        if: { properties: { action: { const: 'sample' } } },
        then: { required: ['rate'] },
      },
    },
    enrich: {
      anyOf: [
        { const: false },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            fields: { type: 'array', items: { enum: [...ENRICH_FIELDS] } },
            types: { type: 'array', items: { type: 'string', minLength: 1 } },
            workspace: { type: 'string', minLength: 1 },
          },
        },
      ],
    },
    sinks: {
      type: 'object',
      additionalProperties: false,
      properties: {
        otlp: {
          type: 'object',
          additionalProperties: false,
          required: ['endpoint'],
          properties: { ...delivery, endpoint: url, headers: { type: 'object', additionalProperties: { type: 'string' } }, samples: { type: 'boolean' } },
        },
        webhook: { type: 'object', additionalProperties: false, properties: { ...delivery, url } },
      },
    },
  },
} as const;

export const OTLP_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 256 * 1024 * 1024 },
    maxDecodedBytes: { type: 'integer', minimum: 1024, maximum: 1024 * 1024 * 1024 },
    requestsPerSecond: { type: 'number', exclusiveMinimum: 0 },
    burst: { type: 'integer', minimum: 1 },
  },
} as const;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTuples: false });
const validators = { processing: ajv.compile(PROCESSING_SCHEMA), otlp: ajv.compile(OTLP_SETTINGS_SCHEMA) };

/** Messages for each mistake in the `key` section of the config file; empty when it is valid. */
export function checkSection(key: 'processing' | 'otlp', value: unknown): string[] {
  const validate = validators[key];
  if (!validate(value)) return pick(validate.errors ?? []).map((e) => `${key}${pathOf(e.instancePath)} ${describe(e)}`);
  const errors: string[] = [];
  if (key === 'processing') {
    for (const [i, rule] of ((value as ProcessingConfig).transform ?? []).entries()) {
      if (!['map', 'values', 'scale', 'set', 'remove'].some((k) => k in rule)) errors.push(`processing.transform[${i}] does nothing: give map, values, scale, set or remove`);
    }
  }
  return errors;
}

/** One message per place, the most telling one: anyOf/if wrappers only repeat what their branches said. */
function pick(errors: ErrorObject[]): ErrorObject[] {
  // A branch of an anyOf that failed on its type is noise beside a deeper error from the branch that fit.
  const deeper = (e: ErrorObject) => errors.some((o) => o.instancePath.startsWith(`${e.instancePath}/`));
  const useful = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if' && !((e.keyword === 'const' || e.keyword === 'type') && deeper(e)));
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of useful.length > 0 ? useful : errors) {
    const key = `${e.instancePath}|${e.keyword}`;
    if (seen.has(e.instancePath) && e.keyword === 'type') continue;
    if (seen.has(key)) continue;
    seen.add(key);
    seen.add(e.instancePath);
    out.push(e);
  }
  return out;
}

function pathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
    .join('');
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `has an unknown key "${String(p.additionalProperty)}"`;
    case 'required':
      return `needs "${String(p.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
      return e.instancePath.endsWith('url') || e.instancePath.endsWith('endpoint') ? 'must be an http:// or https:// URL' : `must match ${String(p.pattern)}`;
    default:
      return e.message ?? 'is not valid';
  }
}
