/** Genmon: Back Up Database and Genmon: Restore Database… */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { discoveryPath } from '../../agent/api/discovery';
import type { AgentClient } from '../agent/client';
import { settings } from '../settings';

const run = promisify(execFile);

export function registerBackupCommands(context: vscode.ExtensionContext, client: AgentClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('genmon.backupDatabase', async () => {
      try {
        const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Genmon: backing up the database' }, () =>
          client.post('/backup', {}, undefined, 15 * 60_000),
        );
        const pick = await vscode.window.showInformationMessage(`Genmon backup written: ${done.file} (${(done.bytes / 1024 ** 2).toFixed(1)} MiB)`, 'Reveal in File Explorer');
        if (pick) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(done.file));
      } catch (err) {
        void vscode.window.showErrorMessage(`Genmon backup failed: ${(err as Error).message}`);
      }
    }),
    vscode.commands.registerCommand('genmon.restoreDatabase', async () => {
      const s = settings();
      const [file] = (await vscode.window.showOpenDialog({ title: 'Restore Genmon database from backup', filters: { 'Genmon backup': ['gz'] }, defaultUri: vscode.Uri.file(`${s.dataDir}/backups`) })) ?? [];
      if (!file) return;
      const confirm = await vscode.window.showWarningMessage(
        `Replace the Genmon database with ${file.fsPath}? The agent is stopped for the restore and started again; the current database is kept aside in the data directory.`,
        { modal: true },
        'Restore',
      );
      if (confirm !== 'Restore') return;
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Genmon: restoring the database' }, async () => {
          await client.stopAgent();
          const deadline = Date.now() + 20_000;
          while (existsSync(discoveryPath(s.dataDir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
          const genmonJs = vscode.Uri.joinPath(context.extensionUri, 'dist', 'genmon.js').fsPath;
          const args = [genmonJs, 'restore', file.fsPath, '--data-dir', s.dataDir, ...(s.dbPath ? ['--db', s.dbPath] : [])];
          const { stdout } = await run(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
          await client.connect(true);
          void vscode.window.showInformationMessage(`Genmon: ${stdout.trim().split('\n').join(' ')}`);
        });
      } catch (err) {
        void vscode.window.showErrorMessage(`Genmon restore failed: ${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`);
        await client.connect(true);
      }
    }),
  );
}
