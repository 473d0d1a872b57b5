/**
 * The peers come from Debian's packages, installed by the bench when missing
 * (as the browser tests install chromium). The bench never uses a system
 * service the package may set up: it starts its own instance, on temporary
 * directories and loopback ports, and stops it by pid. (On these machines
 * policy-rc.d keeps apt from starting the services at all.)
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Installed = { ok: true } | { ok: false; why: string };

/** Last lines of a failed command's output, enough to say why. */
function tail(err: unknown): string {
  const e = err as { stderr?: string; stdout?: string; message?: string };
  const text = (e.stderr || e.stdout || e.message || String(err)).trim().split('\n').slice(-3).join(' / ');
  return text.length > 300 ? `…${text.slice(-300)}` : text;
}

/**
 * Installs `packages` with apt-get unless every file in `needs` exists.
 * Resolves with why not, rather than throwing: a peer that cannot be had is a
 * row that says so.
 */
export async function ensureDebianPackages(packages: string[], needs: string[], log: (text: string) => void): Promise<Installed> {
  if (needs.every((file) => existsSync(file))) return { ok: true };
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) return { ok: false, why: `${packages.join(', ')} not installed, and this is not a Debian-like Linux with apt-get` };
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (args: string[]) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
    return run(cmd, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 16 * 1024 * 1024 });
  };
  log(`installing Debian's ${packages.join(', ')} (apt-get, once)`);
  try {
    await apt(['update', '-qq']);
    await apt(['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', ...packages]);
  } catch (err) {
    return { ok: false, why: `apt-get install ${packages.join(' ')} failed: ${tail(err)}` };
  }
  const missing = needs.filter((file) => !existsSync(file));
  return missing.length ? { ok: false, why: `installed ${packages.join(', ')} but ${missing.join(', ')} is missing` } : { ok: true };
}

/** The first line a program prints of its version, or null. */
export async function versionOf(command: string, args: string[], pattern: RegExp): Promise<string | null> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 10_000 });
    return pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? null;
  } catch {
    return null;
  }
}
