/** The status bar item: last run result and 24 h success rate; click opens the dashboard. */
import * as vscode from 'vscode';
import type { AgentConnection } from './agent/connection';
import { statusIcon } from './views/model';

export function registerStatusBar(context: vscode.ExtensionContext, connection: AgentConnection): void {
  const item = vscode.window.createStatusBarItem('genmon.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Genmon';
  item.command = 'genmon.showDashboard';
  let timer: NodeJS.Timeout | null = null;

  const update = async () => {
    const state = connection.state;
    if (state.kind !== 'connected') {
      item.text = state.kind === 'starting' ? '$(sync~spin) Genmon' : '$(debug-disconnect) Genmon';
      item.tooltip = state.kind === 'unreachable' ? `Genmon agent not reachable: ${state.message}` : state.kind === 'noAgent' ? 'No Genmon agent' : 'Starting the Genmon agent';
      item.show();
      return;
    }
    try {
      const s = await connection.get('/summary', { from: Date.now() - 24 * 3600_000 });
      const last = s.lastRun;
      const icon = last ? statusIcon(last.status).id : 'circle-outline';
      item.text = `$(${icon}) ${s.successRate === null ? '–' : `${(s.successRate * 100).toFixed(0)}%`}`;
      item.tooltip = new vscode.MarkdownString(
        `**Genmon**, last 24 h: ${s.attempts} attempts, ${s.successes} succeeded, ${s.failures} failed, ${s.partials} partial.\n\nLast run: ${last ? last.status : 'none'}. Click for the dashboard.`,
      );
      item.tooltip.isTrusted = false;
    } catch {
      item.text = '$(warning) Genmon';
    }
    item.show();
  };
  const soon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void update();
    }, 500);
  };
  context.subscriptions.push(
    item,
    connection.onDidChangeState(() => void update()),
    connection.onDidPush((m) => {
      if (m.type === 'run') soon();
    }),
    { dispose: () => timer && clearTimeout(timer) },
  );
  void update();
}
