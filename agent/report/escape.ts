/**
 * Escaping for every format a report is written in. Strings in a report come
 * from logs (error messages, run ids, model names) and are hostile until
 * shown otherwise: they must read as text in Markdown, HTML and SVG, and
 * must not run as a formula when a spreadsheet opens the CSV.
 */

/** Text for Markdown (a table cell or a paragraph): no HTML, links, emphasis or line breaks. */
export function escapeMarkdown(text: string, max = 160): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim();
  const clipped = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return clipped.replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`);
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value in HTML and in SVG (both parsed as XML-like markup). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]);
}

/**
 * One CSV cell: quoted when needed. A text cell starting with = + - @ (or
 * a tab or CR, which some spreadsheets skip before reading a formula) gets a
 * leading ' so it is shown as text (the OWASP advice for CSV injection).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
