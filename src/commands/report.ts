/** Genmon: Show Report and Export Report… */
import * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';
import { reportCsv, reportHtml } from '../report-render';

const FORMATS = { Markdown: 'md', HTML: 'html', CSV: 'csv', JSON: 'json' } as const;

const RANGES = [
  { label: 'Last 24 hours', ms: 24 * 3600_000 },
  { label: 'Last hour', ms: 3600_000 },
  { label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
];

async function pickRange(): Promise<number | undefined> {
  const pick = await vscode.window.showQuickPick(RANGES, { title: 'Genmon report range' });
  return pick?.ms;
}

export function registerReports(context: vscode.ExtensionContext, connection: AgentConnection): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.showReport', async () => {
      const ms = await pickRange();
      if (ms === undefined) return;
      const { markdown } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Genmon: building the report' }, () =>
        connection.get('/report', { from: Date.now() - ms, to: Date.now() }),
      );
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('genmon.exportReport', async () => {
      const ms = await pickRange();
      if (ms === undefined) return;
      const format = (await vscode.window.showQuickPick(Object.keys(FORMATS), { title: 'Report format' })) as keyof typeof FORMATS | undefined;
      if (!format) return;
      const target = await vscode.window.showSaveDialog({ filters: { [format]: [FORMATS[format]] } });
      if (!target) return;
      const from = Date.now() - ms;
      const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Genmon: exporting the report' }, async () => {
        if (format === 'Markdown') return (await connection.get('/report', { from, to: Date.now() })).markdown;
        const [summary, topErrors] = await Promise.all([connection.get('/summary', { from }), connection.get('/errors/top', { from, limit: 50 })]);
        if (format === 'HTML') return reportHtml(summary, topErrors);
        if (format === 'CSV') return reportCsv(summary, topErrors);
        return JSON.stringify({ summary, topErrors }, null, 2);
      });
      await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
      void vscode.window.showInformationMessage(`Genmon report saved to ${target.fsPath}`);
    }),
  );
}
