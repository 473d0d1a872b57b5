/** Toasts for failed and partial generations, grouped in bursts, with Show Run, Open Dashboard and Mute for 1 h. */
import * as vscode from 'vscode';
import type { AgentConnection } from './agent/connection';
import { RunEndGrouper } from './notify-group';
import { settings } from './settings';

export function registerNotifications(context: vscode.ExtensionContext, connection: AgentConnection): void {
  const grouper = new RunEndGrouper(2000);
  let mutedUntil = context.globalState.get<number>('genmon.mutedUntil', 0);
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    const due = grouper.dueAt();
    if (due !== null && !timer) timer = setTimeout(() => void show(), Math.max(0, due - Date.now()));
  };
  const show = async () => {
    timer = null;
    const toast = grouper.take(Date.now());
    // A timer can fire a moment before the wall clock reaches the group's end: wait on, never drop it.
    if (!toast) return schedule();
    const actions = ['Show Run', 'Open Dashboard', 'Mute for 1 h'];
    const pick = toast.severity === 'error' ? await vscode.window.showErrorMessage(toast.message, ...actions) : await vscode.window.showWarningMessage(toast.message, ...actions);
    if (pick === 'Show Run') await vscode.commands.executeCommand('genmon.revealRun', toast.runIds[toast.runIds.length - 1]);
    if (pick === 'Open Dashboard') await vscode.commands.executeCommand('genmon.showDashboard');
    if (pick === 'Mute for 1 h') {
      mutedUntil = Date.now() + 3600_000;
      await context.globalState.update('genmon.mutedUntil', mutedUntil);
    }
  };

  context.subscriptions.push(
    connection.onDidPush((m) => {
      if (m.type !== 'run') return;
      grouper.add(m.run, settings().notificationLevel, mutedUntil, Date.now());
      schedule();
    }),
    { dispose: () => timer && clearTimeout(timer) },
  );
}
