/**
 * The `reports` section of the agent's config file: where scheduled reports
 * are written and the schedules. Checked whole at start, every problem
 * named by its path (`reports.schedules[1].at: ...`), and the defaults
 * filled in here once.
 *
 *   "reports": {
 *     "dir": "reports",
 *     "schedules": [
 *       { "template": "daily", "every": "daily", "at": "07:00", "timezone": "Europe/Berlin",
 *         "formats": ["md", "html"], "keep": 7, "keepCompressed": 90, "webhook": true }
 *     ]
 *   }
 */
import { isAbsolute, join } from 'node:path';
import { REPORT_FORMATS, type ReportFormat } from '../api/report-types';
import { isTimeZone } from './format';
import { findTemplate, templateInfos } from './templates';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Every = { kind: 'daily' } | { kind: 'weekly'; weekday: Weekday } | { kind: 'interval'; ms: number };

export interface ReportSchedule {
  /** Names the schedule's folder and its journaled state; default `<template>-<every>`. */
  name: string;
  template: string;
  every: Every;
  /** `HH:MM`, 24 h, for daily and weekly. */
  at: string;
  timezone: string;
  formats: ReportFormat[];
  /** Newest runs kept as they are. */
  keep: number;
  /** Runs after those kept gzip-compressed; older ones are deleted. */
  keepCompressed: number;
  /** Also send each report to the webhook channel. */
  webhook: boolean;
}

export interface ReportsConfig {
  dir: string;
  schedules: ReportSchedule[];
}

export const REPORT_DEFAULTS = { dir: 'reports', at: '07:00', weekday: 'monday' as Weekday, formats: ['md', 'html'] as ReportFormat[], keep: 7, keepCompressed: 90 };

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };
const KEYS = ['name', 'template', 'every', 'at', 'weekday', 'timezone', 'formats', 'keep', 'keepCompressed', 'webhook'];

/** `30s`, `5m`, `2h`, `1d`: a fixed period, slots aligned to the epoch. */
export function parseInterval(text: string): number | null {
  const m = /^(\d{1,6})([smhd])$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]] : null;
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function checkSchedule(raw: unknown, path: string, zone: string, errors: string[]): ReportSchedule | null {
  if (!isObject(raw)) {
    errors.push(`${path} must be an object`);
    return null;
  }
  const before = errors.length;
  for (const key of Object.keys(raw)) if (!KEYS.includes(key)) errors.push(`${path}.${key} is not a schedule setting (known: ${KEYS.join(', ')})`);
  const template = raw.template;
  if (typeof template !== 'string' || !findTemplate(template)) errors.push(`${path}.template must be one of ${templateInfos().map((t) => t.id).join(', ')}`);
  let every: Every | null = null;
  if (raw.every === 'daily') every = { kind: 'daily' };
  else if (raw.every === 'weekly') {
    const weekday = raw.weekday ?? REPORT_DEFAULTS.weekday;
    if (typeof weekday !== 'string' || !(WEEKDAYS as readonly string[]).includes(weekday.toLowerCase())) errors.push(`${path}.weekday must be one of ${WEEKDAYS.join(', ')}`);
    else every = { kind: 'weekly', weekday: weekday.toLowerCase() as Weekday };
  } else {
    const ms = typeof raw.every === 'string' ? parseInterval(raw.every) : null;
    if (ms === null || ms < 1000) errors.push(`${path}.every must be daily, weekly or an interval such as 30s, 15m, 6h, 1d (at least 1s), got ${JSON.stringify(raw.every)}`);
    else every = { kind: 'interval', ms };
  }
  if (raw.weekday !== undefined && raw.every !== 'weekly') errors.push(`${path}.weekday applies to every: "weekly" only`);
  const at = raw.at ?? REPORT_DEFAULTS.at;
  if (typeof at !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(at)) errors.push(`${path}.at must be HH:MM on a 24-hour clock, got ${JSON.stringify(raw.at)}`);
  if (raw.at !== undefined && every?.kind === 'interval') errors.push(`${path}.at applies to daily and weekly schedules only`);
  const timezone = raw.timezone ?? zone;
  if (typeof timezone !== 'string' || !isTimeZone(timezone)) errors.push(`${path}.timezone must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(raw.timezone)}`);
  const formats = raw.formats ?? REPORT_DEFAULTS.formats;
  if (!Array.isArray(formats) || formats.length === 0 || formats.some((f) => !(REPORT_FORMATS as readonly unknown[]).includes(f))) {
    errors.push(`${path}.formats must be a non-empty list of ${REPORT_FORMATS.join(', ')}`);
  }
  const count = (key: 'keep' | 'keepCompressed', min: number) => {
    const v = raw[key] ?? REPORT_DEFAULTS[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 100_000) errors.push(`${path}.${key} must be a whole number from ${min} to 100000`);
    return v as number;
  };
  const keep = count('keep', 1);
  const keepCompressed = count('keepCompressed', 0);
  if (raw.webhook !== undefined && typeof raw.webhook !== 'boolean') errors.push(`${path}.webhook must be true or false`);
  const everyName = typeof raw.every === 'string' ? raw.every : '';
  const name = raw.name ?? `${String(template)}-${everyName}`;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(name)) errors.push(`${path}.name must be 1 to 64 letters, digits, - or _ (it names a folder)`);
  if (errors.length > before || !every) return null;
  return {
    name: name as string,
    template: template as string,
    every,
    at: at as string,
    timezone: timezone as string,
    formats: [...new Set(formats as ReportFormat[])],
    keep,
    keepCompressed,
    webhook: raw.webhook === true,
  };
}

/**
 * The section checked; `errors` lists every problem, and `config` is null
 * when there is any. A relative `dir` is taken in the data directory.
 */
export function parseReportsConfig(raw: unknown, dataDir: string, zone: string): { config: ReportsConfig | null; errors: string[] } {
  const errors: string[] = [];
  if (!isObject(raw)) return { config: null, errors: ['reports must be an object with dir and schedules'] };
  for (const key of Object.keys(raw)) if (key !== 'dir' && key !== 'schedules') errors.push(`reports.${key} is not a reports setting (known: dir, schedules)`);
  const dir = raw.dir ?? REPORT_DEFAULTS.dir;
  if (typeof dir !== 'string' || dir === '') errors.push('reports.dir must be a folder path');
  const list = raw.schedules ?? [];
  if (!Array.isArray(list)) errors.push('reports.schedules must be a list');
  const schedules = (Array.isArray(list) ? list : []).map((s, i) => checkSchedule(s, `reports.schedules[${i}]`, zone, errors));
  const names = new Set<string>();
  for (const [i, s] of schedules.entries()) {
    if (!s) continue;
    if (names.has(s.name)) errors.push(`reports.schedules[${i}].name "${s.name}" is used twice; give each schedule its own name`);
    names.add(s.name);
  }
  if (errors.length > 0) return { config: null, errors };
  const folder = dir as string;
  return {
    config: { dir: isAbsolute(folder) ? folder : join(dataDir, folder), schedules: schedules as ReportSchedule[] },
    errors,
  };
}
