/**
 * Where an agent keeps its data and tells clients how to reach it. Part of
 * the API contract: the extension imports this to find the agent.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$GENMON_HOME`, else the platform's per-user data directory + `genmon`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.GENMON_HOME) return env.GENMON_HOME;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'genmon');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'genmon');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'genmon');
}

/** The discovery file (`DiscoveryFile` JSON, mode 0600) of the agent that owns `dataDir`. */
export function discoveryPath(dataDir: string): string {
  return join(dataDir, 'agent.json');
}

/** The agent's own log (stdout/stderr of a detached agent). */
export function agentLogPath(dataDir: string): string {
  return join(dataDir, 'agent.log');
}
