/**
 * `genmon report`: one report of a range, in a format, to stdout or a file;
 * from the running agent, or, when none runs, from the database file read
 * only (the agent's own files are left untouched).
 */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../api/report-types';
import type { RenderedReport } from '../api/types';
import { resolveConfig } from '../config';
import { storeReportData } from '../report/data';
import { isTimeZone, localTimeZone } from '../report/format';
import { renderReport } from '../report/render';
import { generateReport } from '../report/template';
import { DEFAULT_TEMPLATE, findTemplate, templateInfos } from '../report/templates';
import { Queries } from '../store/queries';
import { Store } from '../store/store';
import { apiGet, readDiscovery } from './client';

interface ReportOptions {
  template: string;
  format: string;
  from?: number;
  to?: number;
  hours?: number;
  tz?: string;
  out?: string;
  list?: boolean;
  dataDir?: string;
  db?: string;
}

/** An ISO 8601 date or time (`2026-01-02`, `2026-01-02T07:00Z`) or epoch milliseconds. */
export function parseInstant(value: string): number {
  const ms = /^\d{10,16}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('must be an ISO 8601 date/time or epoch milliseconds');
  return ms;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

async function offline(o: ReportOptions, query: { template: string; format: ReportFormat; from: number; to: number; tz: string }): Promise<RenderedReport> {
  const config = resolveConfig({ dataDir: o.dataDir, dbPath: o.db });
  const store = await Store.open({ dbPath: config.dbPath, readOnly: true, log: (m) => process.stderr.write(`${m}\n`) });
  try {
    const data = storeReportData(store.st, new Queries(store.st), Date.now);
    const doc = generateReport(findTemplate(query.template)!, data, { from: query.from, to: query.to, generatedAt: Date.now(), timezone: query.tz });
    return renderReport(doc, query.format);
  } finally {
    store.db.close();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a report of a range (by default the template\'s own: 24 h for daily, 7 d for weekly...) from the running agent or, if none runs, from the database file')
    .option('-t, --template <id>', `daily, weekly, cost, errors or incidents`, DEFAULT_TEMPLATE)
    .option('-f, --format <format>', REPORT_FORMATS.join(', '), 'md')
    .option('--from <time>', 'start of the range (ISO 8601 or epoch ms)', parseInstant)
    .option('--to <time>', 'end of the range (default now)', parseInstant)
    .option('--hours <n>', 'length of the range ending at --to', positive)
    .option('--tz <zone>', 'IANA time zone for dates (default the machine\'s)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--list', 'list the templates and exit')
    .option('--data-dir <dir>', 'data directory of the agent (default: the per-user data directory)')
    .option('--db <path>', 'database file to read when no agent is running')
    .action(async (o: ReportOptions) => {
      if (o.list) {
        for (const t of templateInfos()) process.stdout.write(`${t.id.padEnd(10)} ${t.title}: ${t.description}\n`);
        return;
      }
      const template = findTemplate(o.template);
      if (!template) throw new Error(`--template must be one of ${templateInfos().map((t) => t.id).join(', ')}`);
      if (!(REPORT_FORMATS as readonly string[]).includes(o.format)) throw new Error(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
      if (o.from !== undefined && o.hours !== undefined) throw new Error('give --from or --hours, not both');
      const tz = o.tz ?? localTimeZone();
      if (!isTimeZone(tz)) throw new Error(`--tz ${tz} is not a time zone this Node knows`);
      const to = o.to ?? Date.now();
      const from = o.from ?? to - (o.hours !== undefined ? o.hours * 3600_000 : template.defaultRangeMs);
      if (from >= to) throw new Error('the range must start before it ends');
      const query = { template: template.id, format: o.format as ReportFormat, from, to, tz };
      const agent = readDiscovery(resolveConfig({ dataDir: o.dataDir, dbPath: o.db }).dataDir);
      let report: RenderedReport | null = null;
      if (agent && !o.db) {
        try {
          const params = new URLSearchParams({ template: query.template, format: query.format, from: String(from), to: String(to), tz });
          report = await apiGet<RenderedReport>(agent, `/report?${params}`);
        } catch (err) {
          process.stderr.write(`agent at ${agent.url} did not answer (${(err as Error).message}); reading the database file\n`);
        }
      }
      report ??= await offline(o, query);
      if (o.out) {
        writeFileSync(o.out, report.body);
        process.stderr.write(`wrote ${o.out}\n`);
      } else process.stdout.write(report.body);
    });
}
