/**
 * Mount usage on Linux: `/proc/mounts` then one `statfs` per real
 * filesystem, with no child process. systeminformation's `fsSize()` spawns
 * `df` each call: measured here, children counted, 6.6 ms of CPU per scan
 * against 0.5 ms this way.
 */
import { readFile, statfs } from 'node:fs/promises';
import type { MountUsage } from '../api/types';

export interface MountEntry {
  source: string;
  mount: string;
  type: string;
}

/** Kernel views, not storage: they report no blocks, or blocks that are not disk space anyone can fill. */
const PSEUDO_TYPES = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs',
  'efivarfs', 'fusectl', 'hugetlbfs', 'mqueue', 'nsfs', 'proc', 'pstore', 'ramfs', 'rpc_pipefs',
  'securityfs', 'selinuxfs', 'sysfs', 'tracefs',
  // Read-only images (snaps) always read 100% full.
  'squashfs', 'iso9660',
]);

/**
 * Network and FUSE filesystems are left out like `df -l` does: a `statfs`
 * on a dead server blocks its thread for minutes, and those threads are
 * the ones the agent's file reads share.
 */
const REMOTE_TYPE = /^(?:nfs\d?|cifs|smb\d?|smbfs|ceph|glusterfs|afs|9p|davfs|fuse|fuse\..+)$/;

/** Whatever is mounted inside these (the tmpfs holding cgroup mounts, say) is kernel plumbing, not storage. */
const KERNEL_TREE = /^\/(?:proc|sys)(?:\/|$)/;

/** `/proc/mounts` writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseProcMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [source, mount, type] = line.split(' ');
    if (!type) continue;
    out.push({ source: unescapeMountField(source), mount: unescapeMountField(mount), type });
  }
  return out;
}

/**
 * The mounts worth measuring, each once. A device mounted in several
 * places (bind mounts, btrfs subvolumes, a container's `/etc/hosts`) is the
 * same space, so only its first mount is kept; sources that are not device
 * paths (`tmpfs`, `overlay`) are distinct per mount point.
 */
export function realMounts(entries: readonly MountEntry[]): MountEntry[] {
  const seen = new Set<string>();
  const out: MountEntry[] = [];
  for (const entry of entries) {
    if (PSEUDO_TYPES.has(entry.type) || REMOTE_TYPE.test(entry.type) || KERNEL_TREE.test(entry.mount)) continue;
    const key = entry.source.startsWith('/') ? `device:${entry.source}` : `mount:${entry.mount}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  return out;
}

export async function readLinuxMounts(ts: number): Promise<MountUsage[]> {
  const entries = realMounts(parseProcMounts(await readFile('/proc/mounts', 'latin1')));
  const out: MountUsage[] = [];
  // One at a time, so a mount that hangs holds one pool thread, not one per mount.
  for (const entry of entries) {
    let stats;
    try {
      stats = await statfs(entry.mount);
    } catch {
      // Unmounted since /proc/mounts was read, or not ours to see: skip it this round.
      continue;
    }
    if (stats.blocks === 0) continue;
    out.push({
      ts,
      mount: entry.mount,
      fs: entry.source,
      size: stats.blocks * stats.bsize,
      used: (stats.blocks - stats.bfree) * stats.bsize,
    });
  }
  return out;
}
