/** One entry to every report format: the document in, the file's text, media type and name out. */
import type { RenderedReport, ReportDocument, ReportFormat } from '../../api/types';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';

const MEDIA: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function renderBody(doc: ReportDocument, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(doc);
    case 'html':
      return renderHtml(doc);
    case 'csv':
      return renderCsv(doc);
    case 'json':
      return `${JSON.stringify(doc, null, 2)}\n`;
  }
}

/** `daily-2026-01-02T070000Z`: the template and the range's end in UTC, safe in any file system and sorting in time order. */
export function reportStem(doc: Pick<ReportDocument, 'template' | 'to'>): string {
  const stamp = new Date(doc.to).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
  return `${doc.template.replace(/[^a-z0-9_-]/gi, '_')}-${stamp}`;
}

export function renderReport(doc: ReportDocument, format: ReportFormat): RenderedReport {
  const body = renderBody(doc, format);
  return {
    template: doc.template,
    format,
    mediaType: MEDIA[format],
    fileName: `${reportStem(doc)}.${format}`,
    body,
    ...(format === 'md' ? { markdown: body } : {}),
  };
}
