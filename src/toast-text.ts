/**
 * Text from logs on its way into a notification. VS Code renders
 * `[label](command:…)`, `(https://…)` and `(file:…)` links in notification
 * messages and runs a command link when clicked, so a run named
 * `[Fix](command:workbench.action.terminal.sendSequence?…)` would offer to
 * type into the user's terminal. A zero-width space between `]` and `(`
 * leaves the text readable and the link inert.
 */
export function toastSafe(text: string): string {
  return text.replace(/\]\s*\(/g, ']\u200b(');
}
