import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MountUsage, Sample } from '../../../agent/api/types';
import { createSampler } from '../../../agent/sampler';

test('the real sampler on this machine gives plausible samples and mounts', { skip: process.platform !== 'linux' }, async () => {
  const samples: Sample[] = [];
  const mounts: MountUsage[][] = [];
  const errors: Error[] = [];
  const sampler = createSampler({
    onSample: (sample) => samples.push(sample),
    onMounts: (list) => mounts.push(list),
    onError: (err) => errors.push(err),
  });
  sampler.start();
  await sleep(2500);
  await sampler.stop();
  const count = samples.length;
  await sleep(1100);
  assert.equal(samples.length, count, 'no sample after stop');

  assert.deepEqual(errors, []);
  assert.ok(count >= 3 && count <= 4, `${count} samples`);
  assert.equal(samples[0].cpu, 0, 'first sample has no rates yet');
  assert.equal(samples[0].diskReadBytes, 0);
  for (const s of samples) {
    assert.ok(s.cpu >= 0 && s.cpu <= 100, `cpu ${s.cpu}`);
    assert.ok(s.cores.length > 0 && s.cores.every((c) => c >= 0 && c <= 100), `cores ${s.cores}`);
    assert.ok(s.memTotal > 0 && s.memUsed > 0 && s.memUsed <= s.memTotal);
    assert.ok(s.memAvailable > 0 && s.memAvailable <= s.memTotal);
    assert.ok(s.swapUsed <= s.swapTotal);
    assert.ok(s.processes > 0 && s.threads >= s.processes, `processes ${s.processes} threads ${s.threads}`);
    assert.ok(s.load1 >= 0 && s.load5 >= 0 && s.load15 >= 0);
    for (const rate of [s.diskReadBytes, s.diskWriteBytes, s.diskReadOps, s.diskWriteOps, s.netRxBytes, s.netTxBytes, s.netRxErrors, s.netTxErrors]) {
      assert.ok(Number.isFinite(rate) && rate >= 0, `rate ${rate}`);
    }
  }
  for (let i = 1; i < count; i++) {
    const gap = samples[i].ts - samples[i - 1].ts;
    assert.ok(gap >= 50 && gap <= 1300, `gap ${gap} ms`);
  }
  // After the first, ticks land on whole seconds (give timers some slack).
  for (const s of samples.slice(1)) assert.ok(s.ts % 1000 < 100, `ts ${s.ts}`);

  assert.equal(mounts.length, 1);
  const root = mounts[0].find((m) => m.mount === '/');
  assert.ok(root, `mounts ${JSON.stringify(mounts[0])}`);
  assert.ok(root.size > 0 && root.used > 0 && root.used <= root.size);
});
