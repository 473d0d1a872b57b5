/**
 * The data directory holds the API token (agent.json) and the database: it
 * must be the user's alone. Created 0700; one that already exists with
 * group or other access (made by hand, or by an older version) is tightened
 * when this user owns it, and named in the log either way.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';

export function prepareDataDir(dir: string, log: (message: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = statSync(dir);
  if ((st.mode & 0o077) === 0) return;
  const mode = (st.mode & 0o777).toString(8);
  if (st.uid === process.getuid?.()) {
    chmodSync(dir, 0o700);
    log(`the data directory ${dir} was open to other users (mode ${mode}); it is now 0700`);
  } else {
    log(`warning: the data directory ${dir} belongs to another user and has mode ${mode}; other users may read the agent's token`);
  }
}
