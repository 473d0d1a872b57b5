/**
 * What a report template is: `fetch` asks the data-access module for the
 * figures the template needs, `build` turns them into the document model,
 * purely (no store, no clock), so every template is tested with hand-made
 * data. `generateReport` runs the two.
 */
import type { ReportDocument, ReportTemplateInfo } from '../api/types';
import type { ReportData, ReportRange } from './data';

export interface BuildContext extends ReportRange {
  generatedAt: number;
  /** IANA time zone the document shows dates in. */
  timezone: string;
}

/** What a template builds; the document's title, range and time zone are filled in around it. */
export type ReportBody = Pick<ReportDocument, 'figures' | 'sections'>;

export interface ReportTemplate<I = unknown> extends ReportTemplateInfo {
  fetch(data: ReportData, range: ReportRange): I;
  build(input: I, ctx: BuildContext): ReportBody;
}

/** Declares a template with its input type checked between `fetch` and `build`. */
export function defineTemplate<I>(t: ReportTemplate<I>): ReportTemplate<I> {
  return t;
}

/** The template's document from input already fetched (what the unit tests call). */
export function buildDocument<I>(template: ReportTemplate<I>, input: I, ctx: BuildContext): ReportDocument {
  const { figures, sections } = template.build(input, ctx);
  return { v: 1, template: template.id, title: template.title, from: ctx.from, to: ctx.to, generatedAt: ctx.generatedAt, timezone: ctx.timezone, figures, sections };
}

/** The range of the same length just before, for comparisons. */
export function previousRange(range: ReportRange): ReportRange {
  return { from: range.from - (range.to - range.from), to: range.from };
}

export function generateReport<I>(template: ReportTemplate<I>, data: ReportData, ctx: BuildContext): ReportDocument {
  return buildDocument(template, template.fetch(data, { from: ctx.from, to: ctx.to }), ctx);
}
