import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcMounts, realMounts } from '../../../agent/sampler/mounts';

const MOUNTS = `proc /proc proc rw,relatime 0 0
sysfs /sys sysfs rw,relatime 0 0
devtmpfs /dev devtmpfs rw,relatime,size=12334524k 0 0
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
tmpfs /dev/shm tmpfs rw,relatime 0 0
devpts /dev/pts devpts rw,relatime 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime 0 0
/dev/nvme0n1p2 /var/lib/docker/bind ext4 rw,relatime 0 0
tmpfs /sys/fs/cgroup tmpfs rw 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0
/dev/loop3 /snap/core/1234 squashfs ro 0 0
server:/export /mnt/nfs nfs4 rw 0 0
sshfs#me@host: /mnt/remote fuse.sshfs rw 0 0
/dev/sdb1 /media/me/My\\040Disk fuseblk rw 0 0
tmpfs /dev/shm tmpfs rw,relatime 0 0
overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0
`;

test('parseProcMounts reads source, mount point and type, decoding octal escapes', () => {
  const entries = parseProcMounts(MOUNTS);
  assert.equal(entries.length, 16);
  assert.deepEqual(entries[13], { source: '/dev/sdb1', mount: '/media/me/My Disk', type: 'fuseblk' });
});

test('realMounts drops pseudo, read-only image and remote filesystems and kernel trees, and measures each device and mount point once', () => {
  assert.deepEqual(
    realMounts(parseProcMounts(MOUNTS)).map((m) => m.mount),
    ['/', '/dev/shm', '/boot/efi', '/media/me/My Disk', '/var/lib/docker/overlay2/abc/merged'],
  );
});
