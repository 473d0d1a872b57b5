import * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';
import { DashboardPanel } from './panel';
import type { DashboardTab } from './protocol';

/** A command per dashboard, each opening the one panel at its tab. */
const TAB_COMMANDS: readonly (readonly [string, DashboardTab])[] = [
  ['genmon.showOverviewDashboard', 'overview'],
  ['genmon.showPerformanceDashboard', 'performance'],
  ['genmon.showErrorsDashboard', 'errors'],
  ['genmon.showUsageDashboard', 'usage'],
];

/** Registers the dashboard panel, its serializer (so it comes back after a window reload) and the Show … Dashboard commands. */
export function registerDashboard(context: vscode.ExtensionContext, connection: AgentConnection): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.showDashboard', () => DashboardPanel.createOrShow(context.extensionUri, connection)),
    ...TAB_COMMANDS.map(([command, tab]) => vscode.commands.registerCommand(command, () => DashboardPanel.createOrShow(context.extensionUri, connection, tab))),
    vscode.window.registerWebviewPanelSerializer(DashboardPanel.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => DashboardPanel.revive(panel, context.extensionUri, connection, state),
    }),
    { dispose: () => DashboardPanel.disposeCurrent() },
  );
}
