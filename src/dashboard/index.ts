import * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';
import { DashboardPanel } from './panel';

/** Registers the dashboard panel, its serializer (so it comes back after a window reload) and `genmon.showDashboard`. */
export function registerDashboard(context: vscode.ExtensionContext, connection: AgentConnection): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.showDashboard', () => DashboardPanel.createOrShow(context.extensionUri, connection)),
    vscode.window.registerWebviewPanelSerializer(DashboardPanel.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => DashboardPanel.revive(panel, context.extensionUri, connection, state),
    }),
    { dispose: () => DashboardPanel.disposeCurrent() },
  );
}
