/** Read-only documents (`genmon:` URIs) for run details and errors, rendered as Markdown. */
import * as vscode from 'vscode';
import type { ErrorRecord } from '../agent/api/types';
import type { AgentConnection } from './agent/connection';
import { errorMarkdown, runMarkdown } from './views/model';

export const SCHEME = 'genmon';

export type OpenTarget = { kind: 'run'; runId: string } | { kind: 'error'; error: ErrorRecord };

export function registerDocuments(context: vscode.ExtensionContext, connection: AgentConnection): (target: OpenTarget, options?: { preserveFocus?: boolean }) => Promise<void> {
  const errorsShown = new Map<string, ErrorRecord>();
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: async (uri) => {
      const [kind, id] = [uri.path.split('/')[1], decodeURIComponent(uri.path.split('/')[2]?.replace(/\.md$/, '') ?? '')];
      if (kind === 'run') return runMarkdown(await connection.get('/runs/:id', {}, { id }));
      const error = errorsShown.get(id);
      return error ? errorMarkdown(error) : 'This error is no longer available.';
    },
  };
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider));
  return async (target, options) => {
    const uri =
      target.kind === 'run'
        ? vscode.Uri.from({ scheme: SCHEME, path: `/run/${encodeURIComponent(target.runId)}.md` })
        : vscode.Uri.from({ scheme: SCHEME, path: `/error/${target.error.id}.md` });
    if (target.kind === 'error') errorsShown.set(String(target.error.id), target.error);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: options?.preserveFocus });
  };
}
