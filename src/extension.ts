/** Genmon's VS Code extension: each feature registers itself from here. */
import * as vscode from 'vscode';
import { agentLogPath } from '../agent/api/discovery';
import { AgentClient } from './agent/client';
import { registerAlerts } from './alerts/register';
import { registerReports } from './commands/report';
import { registerRevealRun } from './commands/reveal-run';
import { registerDashboard } from './dashboard';
import { registerDocuments } from './documents';
import { registerNotifications } from './notifications';
import { settings } from './settings';
import { registerStatusBar } from './status';
import { registerViews } from './views/register';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Genmon Agent');
  const client = new AgentClient({ extensionUri: context.extensionUri, output, settings });
  context.subscriptions.push(output, client);

  const setState = () => void vscode.commands.executeCommand('setContext', 'genmon.state', client.state.kind);
  context.subscriptions.push(client.onDidChangeState(setState));
  setState();

  const trees = registerViews(context, client);
  const open = registerDocuments(context, client);
  registerStatusBar(context, client);
  registerNotifications(context, client);
  registerReports(context, client);
  registerDashboard(context, client);
  registerAlerts(context, client, (m) => output.appendLine(`${new Date().toISOString()} ${m}`));
  registerAgentCommands(context, client, output);
  registerRevealRun(context, trees, open);

  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.open', (target: Parameters<typeof open>[0]) => open(target)),
    vscode.commands.registerCommand('genmon.openRun', (runId: string) => open({ kind: 'run', runId })),
    vscode.commands.registerCommand('genmon.copyRunId', (item?: { model?: { runId?: string } }) => {
      if (item?.model?.runId) void vscode.env.clipboard.writeText(item.model.runId);
    }),
    vscode.commands.registerCommand('genmon.showRunDetails', (item?: { model?: { runId?: string } }) => {
      if (item?.model?.runId) void open({ kind: 'run', runId: item.model.runId });
    }),
    vscode.commands.registerCommand('genmon.openLogAtLine', async (item?: { model?: { runId?: string } }) => {
      if (!item?.model?.runId) return;
      const { run } = await client.get('/runs/:id', {}, { id: item.model.runId });
      if (!run.source) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(run.source.path));
      const line = Math.max(0, run.source.line - 1);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
    }),
    vscode.commands.registerCommand('genmon.openLogFormatDocs', () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'docs', 'log-format.md')),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('genmon.dataDirectory') || e.affectsConfiguration('genmon.agent.mode')) void client.connect();
    }),
  );
  void client.connect(true);
}

function registerAgentCommands(context: vscode.ExtensionContext, client: AgentClient, output: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.startAgent', () => client.connect(true)),
    vscode.commands.registerCommand('genmon.stopAgent', () => client.stopAgent()),
    vscode.commands.registerCommand('genmon.restartAgent', async () => {
      await client.stopAgent();
      await new Promise((r) => setTimeout(r, 1000));
      await client.connect(true);
    }),
    vscode.commands.registerCommand('genmon.showAgentLog', async () => {
      output.show();
      const pick = await vscode.window.showInformationMessage('The agent writes its own log to a file.', 'Open Agent Log File');
      if (pick) await vscode.window.showTextDocument(vscode.Uri.file(agentLogPath(settings().dataDir)));
    }),
  );
}

export function deactivate(): void {
  // Disposables go with the context; the agent keeps running for other windows.
}
