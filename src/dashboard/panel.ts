/** The dashboard's editor panel: one at a time, with the four dashboards as tabs, restored after a window reload with its tab, range and filters. */
import * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';
import { DashboardController, isRangeKey } from './controller';
import { createNonce, dashboardHtml } from './html';
import { isTab } from './panels';
import type { DashboardState, DashboardTab, HostMessage, RangeKey, WebviewMessage } from './protocol';

export class DashboardPanel {
  static readonly viewType = 'genmon.dashboard';
  private static current: DashboardPanel | undefined;

  /** Shows the panel, at `tab` when given (else where it was, or on Overview when new). */
  static createOrShow(extensionUri: vscode.Uri, connection: AgentConnection, tab?: DashboardTab): void {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      if (tab) DashboardPanel.current.controller.showTab(tab);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'Genmon Dashboard', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, connection, undefined, tab);
  }

  /** For the serializer: `state` is whatever the webview last stored, so it is checked, not trusted. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, connection: AgentConnection, state: unknown): void {
    DashboardPanel.current?.panel.dispose();
    panel.webview.options = webviewOptions(extensionUri);
    const saved = state as Partial<DashboardState> | undefined;
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, connection, isRangeKey(saved?.range) ? saved.range : undefined, undefined);
  }

  static disposeCurrent(): void {
    DashboardPanel.current?.panel.dispose();
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly controller: DashboardController;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly connection: AgentConnection,
    range: RangeKey | undefined,
    tab: DashboardTab | undefined,
  ) {
    panel.webview.html = html(panel.webview, extensionUri);
    this.controller = new DashboardController({
      source: connection,
      post: (message) => this.post(message),
      openRun: (runId) => void this.openRun(runId),
      range,
      tab: isTab(tab) ? tab : undefined,
      retentionMs: () => (connection.state.kind === 'connected' ? (connection.state.health.historyMs ?? null) : null),
      visible: panel.visible,
    });
    this.disposables.push(
      this.controller,
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.controller.setVisible(panel.visible)),
      panel.webview.onDidReceiveMessage((message: WebviewMessage) => this.controller.receive(message)),
    );
  }

  private post(message: HostMessage): void {
    // A message to a webview that is being torn down is simply lost; the next `ready` reloads.
    this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  /** Hands over to the run view when one is registered, else opens the line of the log that started the run. */
  private async openRun(runId: string): Promise<void> {
    try {
      if ((await vscode.commands.getCommands(true)).includes('genmon.openRun')) {
        await vscode.commands.executeCommand('genmon.openRun', runId);
        return;
      }
      const { run } = await this.connection.get('/runs/:id', {}, { id: runId });
      if (!run.source) {
        void vscode.window.showInformationMessage(`Run ${runId} has no source log line recorded.`);
        return;
      }
      const line = Math.max(0, run.source.line - 1);
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(run.source.path));
      await vscode.window.showTextDocument(document, {
        viewColumn: vscode.ViewColumn.Beside,
        selection: new vscode.Range(line, 0, line, 0),
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not open run ${runId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return dashboardHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scripts: [webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'dashboard.js')).toString()],
    styles: [webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.css')).toString()],
  });
}
