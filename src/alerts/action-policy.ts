/**
 * Whether this VS Code window may run a rule's action, and how. The threat:
 * a repository's `.genmon/alerts.yaml` names a command, and opening the
 * repository must not be enough to run it. So (docs/alerts.md):
 * - a window in Restricted Mode (workspace not trusted) runs nothing;
 * - an action from a rules file inside this window's workspace runs after
 *   the user confirms, or at once when the rule says `unattended: true`;
 * - an action from a rules file elsewhere (another workspace, the user's own
 *   file given to the agent) always asks first, showing file and command.
 * Pure, so the rules are tested without VS Code.
 */
import { isAbsolute, relative } from 'node:path';
import type { ActionView } from '../../agent/api/types';

export type ActionDecision = { kind: 'run' } | { kind: 'confirm' } | { kind: 'skip'; reason: 'not_requested' | 'untrusted' };

export function isInside(file: string, folder: string): boolean {
  const rel = relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export function decideAction(a: Pick<ActionView, 'status' | 'rulesFile' | 'unattended'>, window: { folders: readonly string[]; trusted: boolean }): ActionDecision {
  if (a.status !== 'requested') return { kind: 'skip', reason: 'not_requested' };
  if (!window.trusted) return { kind: 'skip', reason: 'untrusted' };
  const ours = a.rulesFile !== null && window.folders.some((f) => isInside(a.rulesFile!, f));
  return ours && a.unattended ? { kind: 'run' } : { kind: 'confirm' };
}
