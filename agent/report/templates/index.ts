/** Every report template, by id; `daily` is the default. */
import type { ReportTemplateInfo } from '../../api/types';
import type { ReportTemplate } from '../template';
import { cost } from './cost';
import { daily } from './daily';
import { errors } from './errors';
import { incidents } from './incidents';
import { weekly } from './weekly';

export const TEMPLATES: readonly ReportTemplate<never>[] = [daily, weekly, cost, errors, incidents] as ReportTemplate<never>[];
export const DEFAULT_TEMPLATE = 'daily';

export function findTemplate(id: string): ReportTemplate<unknown> | undefined {
  return TEMPLATES.find((t) => t.id === id) as ReportTemplate<unknown> | undefined;
}

export function templateInfos(): ReportTemplateInfo[] {
  return TEMPLATES.map(({ id, title, description, defaultRangeMs }) => ({ id, title, description, defaultRangeMs }));
}
