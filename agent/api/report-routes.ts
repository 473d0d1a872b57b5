/** The report endpoints: the templates, and one report of a range in a format. */
import type { ReportData } from '../report/data';
import { isTimeZone, localTimeZone } from '../report/format';
import { renderReport } from '../report/render';
import { generateReport } from '../report/template';
import { DEFAULT_TEMPLATE, findTemplate, templateInfos } from '../report/templates';
import type { ApiServer } from './server';
import { enumParam, HttpError, intParam } from './server';
import { REPORT_FORMATS } from './report-types';
import type { Endpoints } from './types';

export interface ReportRouteDeps {
  data: ReportData;
  now: () => number;
}

type Answer<P extends keyof Endpoints> = Endpoints[P]['response'];

export function registerReportRoutes(server: ApiServer, { data, now }: ReportRouteDeps): void {
  server.get('/reports/templates', (): Answer<'/reports/templates'> => templateInfos());
  server.get('/report', (q): Answer<'/report'> => {
    const id = q.get('template') || DEFAULT_TEMPLATE;
    const template = findTemplate(id);
    if (!template) throw new HttpError(400, 'bad_parameter', `template must be one of ${templateInfos().map((t) => t.id).join(', ')}`);
    const format = enumParam(q, 'format', REPORT_FORMATS) ?? 'md';
    const tz = q.get('tz') || localTimeZone();
    if (!isTimeZone(tz)) throw new HttpError(400, 'bad_parameter', `tz must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(tz.slice(0, 60))}`);
    const generatedAt = now();
    const to = intParam(q, 'to', generatedAt);
    const from = intParam(q, 'from', to - template.defaultRangeMs);
    if (from >= to) throw new HttpError(400, 'bad_parameter', 'from must be before to');
    return renderReport(generateReport(template, data, { from, to, generatedAt, timezone: tz }), format);
  });
}
