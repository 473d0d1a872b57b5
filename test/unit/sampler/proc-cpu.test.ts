import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { parsePidStat, readProcessTreeCpuMs, treeTicks, type PidStat } from '../../../agent/sampler/proc-cpu';

test('parsePidStat counts fields from the last parenthesis, whatever the command name holds', () => {
  const line = '4242 (we ird) (name)) S 17 4242 4242 0 -1 4194304 500 0 0 0 120 30 7 3 20 0 11 0 12345 1000000 2000 18446744073709551615\n';
  assert.deepEqual(parsePidStat(line), { ppid: 17, ownTicks: 150, reapedChildTicks: 10 });
});

test('treeTicks adds live descendants, not siblings or the parent', () => {
  const stat = (ppid: number, ownTicks: number, reapedChildTicks = 0): PidStat => ({ ppid, ownTicks, reapedChildTicks });
  const stats = new Map([
    [1, stat(0, 1000)],
    [10, stat(1, 5, 2)],
    [11, stat(10, 7)],
    [12, stat(11, 1)],
    [20, stat(1, 300)],
  ]);
  assert.equal(treeTicks(10, stats), 15);
  assert.equal(treeTicks(99, stats), 0);
});

test(
  'readProcessTreeCpuMs counts a child that is still running and one already reaped',
  { skip: process.platform !== 'linux' },
  async () => {
    // Burning is measured in CPU time, not wall time, so a loaded machine only makes it slower.
    const burn = (ms: number) => `while (process.cpuUsage().user < ${ms * 1000});`;
    // The shell runs one busy node to the end (reaped), then starts a second that says "busy"
    // once it has used 100 ms of CPU and then goes on burning.
    const second = `${burn(100)} process.stdout.write("busy\\n"); ${burn(5000)}`;
    const script = `node -e '${burn(300)}'; node -e '${second}' & wait`;
    const shell = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(shell.stdout, 'data');
    const ms = readProcessTreeCpuMs(shell.pid!);
    spawnSync('pkill', ['-P', String(shell.pid)]);
    shell.kill();
    await once(shell, 'exit');
    // At least the 300 ms of the reaped child and some of the running one.
    assert.ok(ms >= 400, `measured ${ms} ms`);
    assert.ok(ms < 10_000, `measured ${ms} ms`);
  },
);

test('readProcessTreeCpuMs throws for a process that does not exist', { skip: process.platform !== 'linux' }, () => {
  assert.throws(() => readProcessTreeCpuMs(2 ** 22 + 1));
});
