/** Typed access to the `genmon.*` settings; their defaults live only in package.json. */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { defaultDataDir } from '../agent/api/discovery';
import type { NotificationLevel } from './notify-group';

export function settings() {
  const c = vscode.workspace.getConfiguration('genmon');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const dataDir = c.get<string>('dataDirectory') || defaultDataDir();
  return {
    dataDir,
    dbPath: c.get<string>('databasePath') || null,
    logDirs: (c.get<string[]>('logDirectories') ?? []).map((d) => (isAbsolute(d) ? d : join(folder, d))),
    intervalMs: c.get<number>('samplingIntervalMs') ?? 1000,
    notificationLevel: c.get<NotificationLevel>('notifications.level') ?? 'failuresAndPartials',
    mode: c.get<'auto' | 'external'>('agent.mode') ?? 'auto',
    /** The workspace's alert rules file, handed to an agent this window starts. */
    rulesFile: ['.genmon/alerts.yaml', '.genmon/alerts.yml', '.genmon/alerts.json'].map((f) => join(folder, f)).find((f) => existsSync(f)) ?? null,
  };
}
