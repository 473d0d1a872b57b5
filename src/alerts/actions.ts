/**
 * Runs the actions alert rules request, in the extension host: the window
 * claims the action (one window runs it), asks the user unless the policy
 * lets it run unattended, runs the program or VS Code task with the rule's
 * timeout, and reports the outcome, which the agent records on the incident.
 */
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ActionOutcome, ActionView } from '../../agent/api/types';
import type { AgentConnection } from '../agent/connection';
import { decideAction, isInside } from './action-policy';
import { runCommand, type CommandResult } from './run-command';

export function windowName(): string {
  return `${userInfo().username} in ${vscode.workspace.name ?? 'a window'} (${vscode.env.sessionId.slice(0, 8)})`;
}

async function runTask(name: string, timeoutMs: number): Promise<CommandResult> {
  const started = Date.now();
  const task = (await vscode.tasks.fetchTasks()).find((t) => t.name === name);
  if (!task) return { status: 'failed', exitCode: null, output: `no task named "${name}" in this workspace`, durationMs: 0 };
  const execution = await vscode.tasks.executeTask(task);
  return new Promise((resolve) => {
    const subscriptions: vscode.Disposable[] = [];
    const done = (r: Omit<CommandResult, 'durationMs'>) => {
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
      resolve({ ...r, durationMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      execution.terminate();
      done({ status: 'timed_out', exitCode: null, output: '' });
    }, timeoutMs);
    subscriptions.push(
      vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution === execution) done({ status: e.exitCode === 0 ? 'succeeded' : 'failed', exitCode: e.exitCode ?? null, output: '' });
      }),
      // A task without a process of its own (a custom execution) only ends.
      vscode.tasks.onDidEndTask((e) => {
        if (e.execution === execution) setTimeout(() => done({ status: 'succeeded', exitCode: null, output: '' }), 100);
      }),
    );
  });
}

export function registerActionRunner(context: vscode.ExtensionContext, connection: AgentConnection, log: (m: string) => void): void {
  const seen = new Set<string>();
  let warnedUntrusted = false;

  const report = (a: ActionView, outcome: ActionOutcome) =>
    connection.post('/actions/:id/outcome', outcome, { id: a.id }).catch((err: Error) => log(`could not report the outcome of action ${a.id}: ${err.message}`));

  const execute = async (a: ActionView) => {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const cwd = (a.rulesFile && folders.find((f) => isInside(a.rulesFile!, f))) ?? (a.rulesFile ? dirname(a.rulesFile) : folders[0]) ?? process.cwd();
    await report(a, { status: 'running' });
    const result =
      a.task !== null
        ? await runTask(a.task, a.timeoutMs)
        : await runCommand(a.command ?? '', a.args, {
            cwd,
            timeoutMs: a.timeoutMs,
            env: { ...process.env, GENMON_INCIDENT_ID: String(a.incidentId), GENMON_ALERT_RULE: a.rule, GENMON_ALERT_FINGERPRINT: a.alertFingerprint, GENMON_ACTION_ID: a.id },
          });
    await report(a, { status: result.status, exitCode: result.exitCode, output: result.output, durationMs: result.durationMs });
    const text = `Genmon: ${a.rule}'s action ${result.status.replace('_', ' ')}: ${a.display}`;
    if (result.status === 'succeeded') void vscode.window.showInformationMessage(text);
    else void vscode.window.showWarningMessage(text);
  };

  const consider = async (a: ActionView) => {
    if (seen.has(a.id)) return;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const decision = decideAction(a, { folders, trusted: vscode.workspace.isTrusted });
    if (decision.kind === 'skip') {
      if (decision.reason === 'untrusted' && !warnedUntrusted) {
        warnedUntrusted = true;
        void vscode.window.showInformationMessage(`Genmon: alert rule ${a.rule} asks to run ${a.display}. This window is in Restricted Mode, so it runs no alert actions.`);
      }
      return;
    }
    seen.add(a.id);
    try {
      await connection.post('/actions/:id/claim', { by: windowName() }, { id: a.id });
    } catch {
      return; // Another window took it, or it expired.
    }
    if (decision.kind === 'confirm') {
      const pick = await vscode.window.showWarningMessage(
        `Alert rule ${a.rule} (${a.origin}) wants to run ${a.display} for incident #${a.incidentId}.`,
        { modal: true, detail: `Timeout ${Math.round(a.timeoutMs / 1000)} s. Declared in ${a.rulesFile ?? 'the built-in rules'}.` },
        'Run',
      );
      if (pick !== 'Run') {
        await report(a, { status: 'declined', by: windowName() });
        return;
      }
    }
    await execute(a);
  };

  const catchUp = async () => {
    try {
      for (const a of await connection.get('/actions', { status: 'requested' })) void consider(a);
    } catch (err) {
      log(`could not read requested actions: ${(err as Error).message}`);
    }
  };

  context.subscriptions.push(
    connection.onDidPush((m) => {
      if (m.type === 'action' && m.action.status === 'requested') void consider(m.action);
    }),
    connection.onDidChangeState((s) => {
      if (s.kind === 'connected') void catchUp();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void catchUp()),
  );
  if (connection.state.kind === 'connected') void catchUp();
}
