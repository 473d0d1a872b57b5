/**
 * Sealing partitions survives kill -9 at any moment: a three-week history is
 * ingested and sealed while the agent is killed again and again; afterwards
 * every run is counted exactly once, by the rollups and by the run list.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MetricStat, RunSummary } from '../../agent/api/types';
import { writeDemoHistory } from '../../agent/demo';
import { eventually, sleep, startAgent, workspace, type AgentProcess } from './harness';

const DAY = 86_400_000;

test('kill -9 while a history is ingested and sealed into partitions: every run counted once, no partition half-installed', async () => {
  const ws = workspace();
  const to = Date.now() - 60_000;
  const from = to - 21 * DAY;
  await writeDemoHistory({ file: join(ws.logDir, 'history.jsonl'), runs: 600, from, to, seed: 7 });
  const expected = readFileSync(join(ws.logDir, 'history.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"run.started"')).length;
  let agent: AgentProcess = await startAgent(ws);
  let kills = 0;
  try {
    for (let i = 0; i < 6; i++) {
      // Maintenance first runs 5 s after start; kill around then, while it seals.
      await sleep(3500 + Math.random() * 4000);
      await agent.kill9();
      kills++;
      agent = await startAgent(ws);
    }
    const partsDir = join(ws.dataDir, 'genmon.db.parts');
    await eventually(async () => existsSync(partsDir) && readdirSync(partsDir).filter((f) => f.startsWith('facts-')).length >= 3, 'facts partitions', 60_000);
    const stat = await eventually(async () => {
      const [s] = await agent.get<MetricStat[]>(`/stat?q=genmon_generation_attempts_total&from=${from - DAY}&to=${Date.now()}`);
      return s.value === expected ? s : null;
    }, `${expected} attempts`, 60_000);
    assert.equal(stat.value, expected);
    const runs = await agent.get<RunSummary[]>('/runs?limit=10000');
    assert.equal(new Set(runs.map((r) => r.runId)).size, expected, 'every run listed once');
    assert.equal(runs.length, expected);
  } finally {
    await agent.stop();
  }
  const partsDir = join(ws.dataDir, 'genmon.db.parts');
  assert.deepEqual(readdirSync(partsDir).filter((f) => !f.endsWith('.sqlite.br')), [], 'no temporary partition left');
  assert.ok(kills >= 6);
  ws.dispose();
});
