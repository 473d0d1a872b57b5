/**
 * Reports: the document model every template builds and every format is
 * rendered from (the `json` format is this model as it is), and the report
 * endpoints. Re-exported by `types.ts`, which clients import.
 */

export const REPORT_FORMATS = ['md', 'html', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * How a number is shown: `count` as is, `ratio` (0..1) and `percent`
 * (0..100) as percentages, `ms` as a duration, `usd` as money, `bytes` and
 * `bytes/s` with binary units, `time` (epoch ms) as a date and time, `text`
 * as a string.
 */
export type ReportUnit = 'count' | 'ratio' | 'percent' | 'ms' | 'usd' | 'bytes' | 'bytes/s' | 'time' | 'text';

export type ReportCell = string | number | null;

/** A headline number, with the same figure over the range before for comparison when the template asks for it. */
export interface ReportFigure {
  id: string;
  label: string;
  value: number | null;
  unit: ReportUnit;
  previous?: number | null;
  /** Whether a rise is good news (success rate) or bad (errors, cost); drives the arrow's wording only. */
  better?: 'up' | 'down';
}

export interface ReportColumn {
  key: string;
  label: string;
  unit: ReportUnit;
}

export interface ReportTable {
  type: 'table';
  id: string;
  title: string;
  columns: ReportColumn[];
  rows: ReportCell[][];
  /** Said instead of an empty table. */
  empty?: string;
}

export interface ReportSeries {
  name: string;
  values: (number | null)[];
  /** What the series means, for its colour: good (successes), bad (failures), warn (partials). */
  tone?: 'good' | 'bad' | 'warn';
}

/**
 * A chart as data: `x` holds bucket starts (epoch ms) for a time axis or
 * names for a category axis; each series has one value per `x`, null where
 * nothing was measured.
 */
export interface ReportChart {
  type: 'chart';
  id: string;
  title: string;
  kind: 'line' | 'bar';
  axis: 'time' | 'category';
  x: (number | string)[];
  series: ReportSeries[];
  unit: ReportUnit;
  stacked?: boolean;
  /** Width of a time bucket, for the CSV and the tooltips. */
  bucketMs?: number;
}

export interface ReportText {
  type: 'text';
  text: string;
}

export interface ReportFigures {
  type: 'figures';
  figures: ReportFigure[];
}

export type ReportBlock = ReportText | ReportFigures | ReportTable | ReportChart;

export interface ReportSection {
  id: string;
  title: string;
  blocks: ReportBlock[];
}

export interface ReportDocument {
  /** Version of this model, raised on incompatible changes. */
  v: 1;
  template: string;
  title: string;
  from: number;
  to: number;
  generatedAt: number;
  /** IANA zone the dates are shown in. */
  timezone: string;
  /** The headline numbers, first thing shown. */
  figures: ReportFigure[];
  sections: ReportSection[];
}

export interface ReportTemplateInfo {
  id: string;
  title: string;
  description: string;
  /** The range used when none is given. */
  defaultRangeMs: number;
}

export interface RenderedReport {
  template: string;
  format: ReportFormat;
  /** `text/markdown`, `text/html`, `text/csv` or `application/json`, with charset. */
  mediaType: string;
  /** A file name to save it under: template, range end, extension. */
  fileName: string;
  body: string;
  /** The Markdown again, for clients of the first version of `/report`, when the format is `md`. */
  markdown?: string;
}

export interface ReportEndpoints {
  '/reports/templates': { query: Record<string, never>; response: ReportTemplateInfo[] };
  '/report': { query: { from?: number; to?: number; template?: string; format?: ReportFormat; tz?: string }; response: RenderedReport };
}
