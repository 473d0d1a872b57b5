/**
 * Alerting in VS Code: the Alerts and Incidents trees, their commands, toasts
 * for alert notifications (Acknowledge, Silence 1 h, Show), the alert status
 * bar item, "Genmon: Write Postmortem", links into the Alerts view, and the
 * runner of rule actions.
 */
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { AlertView, ErrorGroupStatus } from '../../agent/api/types';
import type { AgentConnection } from '../agent/connection';
import { registerActionRunner } from './actions';
import { alertStatus, alertToast, alertTree, groupMatchers, incidentTree, type ToastLevel } from './model';
import { PrefetchedTree, type AlertingItem } from './tree';

const HOUR = 3600_000;
/** Incidents shown with their timelines: the open ones and the latest resolved. */
const RESOLVED_SHOWN = 10;

export function registerAlerts(context: vscode.ExtensionContext, connection: AgentConnection, log: (m: string) => void): void {
  let alerts: AlertView[] = [];
  const user = () => userInfo().username;
  const context_ = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);

  const alertsTree = new PrefetchedTree(async () => {
    const [list, silences] = await Promise.all([connection.get('/alerts'), connection.get('/silences')]);
    alerts = list;
    const nodes = alertTree(list, silences, Date.now());
    context_('genmon.hasAlerts', nodes.length > 0);
    return nodes;
  });
  const incidentsTree = new PrefetchedTree(async () => {
    const open = await connection.get('/incidents', { status: 'open', limit: 100 });
    const resolved = await connection.get('/incidents', { status: 'resolved', limit: RESOLVED_SHOWN });
    const details = await Promise.all([...open, ...resolved].map((i) => connection.get('/incidents/:id', {}, { id: String(i.id) })));
    context_('genmon.hasIncidents', details.length > 0);
    return incidentTree(details, Date.now());
  });

  const views = [
    ['genmon.alerts', alertsTree],
    ['genmon.incidents', incidentsTree],
  ] as const;
  const treeViews = new Map<string, vscode.TreeView<AlertingItem>>();
  for (const [id, tree] of views) {
    const view = vscode.window.createTreeView(id, { treeDataProvider: tree, showCollapseAll: true });
    tree.setVisible(view.visible);
    treeViews.set(id, view);
    context.subscriptions.push(tree, view, view.onDidChangeVisibility((e) => tree.setVisible(e.visible)));
  }

  // The status bar item has to know about alerts whether or not the tree is shown.
  const status = vscode.window.createStatusBarItem('genmon.alerts', vscode.StatusBarAlignment.Left, 49);
  status.name = 'Genmon Alerts';
  status.command = 'genmon.alerts.focus';
  let statusTimer: NodeJS.Timeout | null = null;
  const updateStatus = () => {
    if (statusTimer) return;
    statusTimer = setTimeout(async () => {
      statusTimer = null;
      try {
        alerts = await connection.get('/alerts');
      } catch {
        alerts = [];
      }
      const s = alertStatus(alerts);
      status.text = s.text;
      status.tooltip = s.tooltip;
      status.backgroundColor = new vscode.ThemeColor(s.level === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
      if (s.visible && connection.state.kind === 'connected') status.show();
      else status.hide();
    }, 300);
  };

  const ack = async (fingerprints: string[]) => {
    if (fingerprints.length === 0) return;
    await connection.post('/alerts/ack', { fingerprints, by: user() });
  };
  const silence = async (matchers: string[], durationMs: number, comment: string) => {
    const s = await connection.post('/silences', { matchers, durationMs, comment, createdBy: user() });
    void vscode.window.setStatusBarMessage(`Genmon: silenced ${s.matchers.join(', ')} until ${new Date(s.endsAt).toLocaleTimeString()}`, 5000);
  };
  const reveal = async (fingerprint: string) => {
    await vscode.commands.executeCommand('genmon.alerts.focus');
    const item = alertsTree.find(`alert-${fingerprint}`);
    if (item) await treeViews.get('genmon.alerts')!.reveal(item, { select: true, focus: true });
  };
  const fail = (what: string) => (err: Error) => void vscode.window.showErrorMessage(`Genmon: could not ${what}: ${err.message}`);

  let toastLevel = vscode.workspace.getConfiguration('genmon').get<ToastLevel>('alerts.notifications') ?? 'warning';
  const toastAlert = async (toast: NonNullable<ReturnType<typeof alertToast>>, groupLabels: Record<string, string>) => {
    const actions = toast.fingerprints.length > 0 ? ['Acknowledge', 'Silence 1 h', 'Show'] : ['Show'];
    const show = toast.severity === 'error' ? vscode.window.showErrorMessage : toast.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const pick = await show(toast.message, ...actions);
    if (pick === 'Acknowledge') await ack(toast.fingerprints).catch(fail('acknowledge'));
    if (pick === 'Silence 1 h') await silence(groupMatchers(groupLabels), HOUR, 'from a VS Code notification').catch(fail('silence'));
    if (pick === 'Show') await reveal(toast.fingerprints[0] ?? '');
  };

  const incidentOf = async (item?: AlertingItem): Promise<number | undefined> => {
    if (item?.model.incidentId !== undefined) return item.model.incidentId;
    const list = await connection.get('/incidents', { limit: 30 });
    const pick = await vscode.window.showQuickPick(
      list.map((i) => ({ label: `#${i.id} ${i.title}`, description: `${i.severity} · ${i.status}`, id: i.id })),
      { placeHolder: list.length ? 'Which incident?' : 'No incidents yet' },
    );
    return pick?.id;
  };

  context.subscriptions.push(
    status,
    { dispose: () => statusTimer && clearTimeout(statusTimer) },
    connection.onDidPush((m) => {
      switch (m.type) {
        case 'alert':
        case 'silence':
          alertsTree.refresh();
          updateStatus();
          break;
        case 'incident':
        case 'action':
          incidentsTree.refresh();
          break;
        case 'notification': {
          const toast = alertToast(m.notification, toastLevel);
          if (toast) void toastAlert(toast, m.notification.groupLabels);
          break;
        }
        default:
          break;
      }
    }),
    connection.onDidChangeState((s) => {
      if (s.kind === 'connected') {
        alertsTree.refresh(0);
        incidentsTree.refresh(0);
      }
      updateStatus();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('genmon.alerts.notifications')) toastLevel = vscode.workspace.getConfiguration('genmon').get<ToastLevel>('alerts.notifications') ?? 'warning';
    }),
    vscode.commands.registerCommand('genmon.acknowledgeAlert', (item?: AlertingItem) => {
      const fingerprints = item?.model.fingerprint ? [item.model.fingerprint] : alerts.filter((a) => a.state === 'firing' && !a.acknowledgedAt).map((a) => a.fingerprint);
      return ack(fingerprints).catch(fail('acknowledge'));
    }),
    vscode.commands.registerCommand('genmon.silenceAlert', (item?: AlertingItem) => {
      const alert = alerts.find((a) => a.fingerprint === item?.model.fingerprint);
      if (!alert) return;
      return silence(groupMatchers(alert.labels), HOUR, `silenced from the Alerts view`).catch(fail('silence'));
    }),
    vscode.commands.registerCommand('genmon.showAlert', (target?: AlertingItem | string) => reveal(typeof target === 'string' ? target : (target?.model.fingerprint ?? ''))),
    vscode.commands.registerCommand('genmon.expireSilence', (item?: AlertingItem) =>
      item?.model.silenceId ? connection.post('/silences/:id/expire', {}, { id: item.model.silenceId }).catch(fail('expire the silence')) : undefined,
    ),
    vscode.commands.registerCommand('genmon.createSilence', async () => {
      const text = await vscode.window.showInputBox({
        prompt: 'Matchers, comma-separated, as in Alertmanager',
        placeHolder: 'alertname="HighCpu", severity=~"warning|info"',
        validateInput: (v) => (v.trim() ? null : 'at least one matcher'),
      });
      if (!text) return;
      const duration = await vscode.window.showQuickPick(
        [{ label: '1 hour', ms: HOUR }, { label: '4 hours', ms: 4 * HOUR }, { label: '1 day', ms: 24 * HOUR }, { label: '1 week', ms: 7 * 24 * HOUR }],
        { placeHolder: 'For how long?' },
      );
      if (!duration) return;
      const comment = (await vscode.window.showInputBox({ prompt: 'Why (optional)' })) ?? '';
      const matchers = text.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((m) => m.trim()).filter(Boolean);
      await silence(matchers, duration.ms, comment).catch(fail('silence'));
    }),
    vscode.commands.registerCommand('genmon.addIncidentNote', async (item?: AlertingItem) => {
      const id = await incidentOf(item);
      if (id === undefined) return;
      const text = await vscode.window.showInputBox({ prompt: `Note on incident #${id}`, validateInput: (v) => (v.trim() ? null : 'write something') });
      if (text) await connection.post('/incidents/:id/notes', { text, by: user() }, { id: String(id) }).catch(fail('add the note'));
    }),
    vscode.commands.registerCommand('genmon.resolveIncident', async (item?: AlertingItem) => {
      const id = await incidentOf(item);
      if (id === undefined) return;
      const note = await vscode.window.showInputBox({ prompt: `Resolve incident #${id}: what fixed it? (optional)` });
      if (note === undefined) return;
      await connection.post('/incidents/:id/resolve', { by: user(), note: note || undefined }, { id: String(id) }).catch(fail('resolve the incident'));
    }),
    vscode.commands.registerCommand('genmon.writePostmortem', async (item?: AlertingItem) => {
      const id = await incidentOf(item);
      if (id === undefined) return;
      try {
        const { markdown } = await connection.get('/incidents/:id/postmortem', {}, { id: String(id) });
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
        await vscode.window.showTextDocument(doc);
      } catch (err) {
        fail('write the postmortem')(err as Error);
      }
    }),
    ...(
      [
        ['genmon.resolveErrorGroup', 'resolved'],
        ['genmon.ignoreErrorGroup', 'ignored'],
        ['genmon.reopenErrorGroup', 'ongoing'],
      ] as const
    ).map(([command, to]: readonly [string, ErrorGroupStatus]) =>
      vscode.commands.registerCommand(command, (item?: { model?: { fingerprint?: string } }) =>
        item?.model?.fingerprint
          ? connection.post('/errors/groups/:fingerprint/status', { status: to }, { fingerprint: item.model.fingerprint }).catch(fail(`mark the group ${to}`))
          : undefined,
      ),
    ),
    vscode.commands.registerCommand('genmon.refreshAlerts', () => {
      alertsTree.refresh(0);
      incidentsTree.refresh(0);
      updateStatus();
    }),
    vscode.commands.registerCommand('genmon.openAlertDocs', () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'docs', 'alerts.md')),
    ),
    vscode.window.registerUriHandler({
      handleUri: (uri) => {
        const fingerprint = new URLSearchParams(uri.query).get('fingerprint');
        if (uri.path === '/alert' && fingerprint) void reveal(fingerprint);
      },
    }),
  );
  registerActionRunner(context, connection, log);
  updateStatus();
}
