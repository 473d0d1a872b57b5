/**
 * Genmon: Generate Report… (template, range, format), and the two older
 * commands as short paths into it: Show Report (the daily summary as
 * Markdown) and Export Report… (the daily summary in a chosen format).
 * The agent renders every format; this side picks, shows and saves.
 */
import * as vscode from 'vscode';
import type { ReportFormat, ReportTemplateInfo } from '../../agent/api/types';
import type { AgentConnection } from '../agent/connection';
import { FORMAT_CHOICES, parseUserTime, rangeChoices } from '../report-choices';

interface ReportRequest {
  template?: string;
  format?: ReportFormat;
}

async function pickTemplate(templates: ReportTemplateInfo[], step: string): Promise<ReportTemplateInfo | undefined> {
  const pick = await vscode.window.showQuickPick(
    templates.map((t) => ({ label: t.title, detail: t.description, template: t })),
    { title: `Genmon report (${step}): template`, matchOnDetail: true },
  );
  return pick?.template;
}

async function askTime(prompt: string, value: string): Promise<number | undefined> {
  const now = Date.now();
  const text = await vscode.window.showInputBox({
    title: 'Genmon report: custom range',
    prompt,
    value,
    placeHolder: 'YYYY-MM-DD, YYYY-MM-DD HH:MM (local time), or now',
    validateInput: (v) => {
      const parsed = parseUserTime(v, now);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  });
  if (text === undefined) return undefined;
  return parseUserTime(text, now) as number;
}

async function pickRange(template: ReportTemplateInfo, step: string): Promise<{ from: number; to: number } | undefined> {
  const pick = await vscode.window.showQuickPick(rangeChoices(template), { title: `Genmon report (${step}): range` });
  if (!pick) return undefined;
  if (pick.ms !== undefined) {
    const to = Date.now();
    return { from: to - pick.ms, to };
  }
  const yesterday = new Date(Date.now() - 86_400_000);
  const from = await askTime('Start of the range', `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`);
  if (from === undefined) return undefined;
  const to = await askTime('End of the range', 'now');
  if (to === undefined) return undefined;
  if (from >= to) {
    void vscode.window.showErrorMessage('Genmon: the range must start before it ends.');
    return undefined;
  }
  return { from, to };
}

async function generate(connection: AgentConnection, request: ReportRequest): Promise<void> {
  // The pickers shown, in order, for their "(2/3)" titles.
  const steps = [...(request.template ? [] : ['template']), 'range', ...(request.format ? [] : ['format'])];
  const step = (name: string) => `${steps.indexOf(name) + 1}/${steps.length}`;
  const templates = await connection.get('/reports/templates');
  const template = request.template ? templates.find((t) => t.id === request.template) : await pickTemplate(templates, step('template'));
  if (!template) return;
  const range = await pickRange(template, step('range'));
  if (!range) return;
  const format = request.format ?? (await vscode.window.showQuickPick(FORMAT_CHOICES, { title: `Genmon report (${step('format')}): format` }))?.format;
  if (!format) return;
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Genmon: building the ${template.title.toLowerCase()} report` },
    () => connection.get('/report', { template: template.id, format, from: range.from, to: range.to, tz }),
  );
  if (format === 'md') {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: report.body });
    await vscode.window.showTextDocument(doc);
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, report.fileName) : undefined,
    filters: { [FORMAT_CHOICES.find((f) => f.format === format)!.label]: [format] },
    title: 'Save the Genmon report',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(report.body, 'utf8'));
  const open = await vscode.window.showInformationMessage(`Genmon report saved to ${target.fsPath}`, 'Open');
  if (open) await vscode.commands.executeCommand('vscode.open', target);
}

export function registerReports(context: vscode.ExtensionContext, connection: AgentConnection): void {
  const run = (request: ReportRequest) => async () => {
    try {
      await generate(connection, request);
    } catch (err) {
      void vscode.window.showErrorMessage(`Genmon: the report could not be made: ${(err as Error).message}`);
    }
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.generateReport', run({})),
    vscode.commands.registerCommand('genmon.showReport', run({ template: 'daily', format: 'md' })),
    vscode.commands.registerCommand('genmon.exportReport', run({ template: 'daily' })),
  );
}
