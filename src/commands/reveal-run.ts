/**
 * Show Run (from a notification or the dashboard): selects and focuses the run
 * in the Runs tree, loading it there when it is older than the page the tree
 * holds, and opens its details beside without taking the focus away.
 */
import * as vscode from 'vscode';
import type { OpenTarget } from '../documents';
import type { Trees } from '../views/register';

export function registerRevealRun(context: vscode.ExtensionContext, trees: Trees, open: (target: OpenTarget, options?: { preserveFocus?: boolean }) => Promise<void>): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.revealRun', async (runId: string) => {
      await vscode.commands.executeCommand('genmon.runs.focus');
      trees.runList.pin(runId);
      await trees.runsTree.reload();
      const item = trees.runsTree.find(`run-${runId}`);
      if (item) await trees.runs.reveal(item, { select: true, focus: true });
      else void vscode.window.showWarningMessage(`Genmon: the agent no longer has run ${runId}.`);
      await open({ kind: 'run', runId }, { preserveFocus: item !== undefined });
    }),
  );
}
