/**
 * The sampler's systeminformation reader, as the bundled agent loads it on
 * systems without Linux's /proc (from dist/systeminformation.js, a file of
 * its own): forced here with GENMON_SAMPLER=library, samples and mounts
 * arrive with plausible values.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import type { MountUsage, PushMessage, Sample } from '../../agent/api/types';
import { readDiscovery } from '../../agent/cli/client';
import { AGENT_JS, AgentProcess, eventually, openStream, workspace } from './harness';

test('GENMON_SAMPLER=library: the bundled agent samples through systeminformation', { skip: process.platform !== 'linux' }, async () => {
  const ws = workspace();
  const child = spawn(process.execPath, [AGENT_JS, '--data-dir', ws.dataDir, '--log-dir', ws.logDir, '--interval', '1000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GENMON_HOME: '', GENMON_SAMPLER: 'library' },
  });
  const agent = new AgentProcess(child);
  try {
    agent.discovery = await eventually(async () => readDiscovery(ws.dataDir), 'the agent to start', 20_000);
    const stream = openStream(agent.discovery);
    try {
      // The library's first CPU reading is the average since boot; rates start with the second.
      const isSample = (m: PushMessage): m is { type: 'sample'; sample: Sample } => m.type === 'sample';
      await stream.next(isSample, 15_000);
      const second = (await stream.next((m) => isSample(m) && stream.messages.filter(isSample).length >= 2, 15_000)) as { sample: Sample };
      const s = second.sample;
      assert.ok(s.cpu >= 0 && s.cpu <= 100, `cpu ${s.cpu}`);
      assert.ok(s.memTotal > 0 && s.memUsed > 0 && s.memUsed <= s.memTotal, `memory ${s.memUsed} of ${s.memTotal}`);
      assert.ok(s.processes > 0, `${s.processes} processes`);
    } finally {
      stream.close();
    }
    const mounts = await eventually(async () => {
      const m = await agent.get<{ mounts: MountUsage[] }>('/summary');
      return m.mounts.length > 0 ? m.mounts : null;
    }, 'mounts from fsSize', 20_000);
    assert.ok(mounts.every((m) => m.size > 0 && m.used >= 0), JSON.stringify(mounts));
    assert.doesNotMatch(agent.stderr, /sampler:/, 'no sampler errors');
  } finally {
    await agent.stop();
    ws.dispose();
  }
});
