import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IngestStatus, RunDetail } from '../../agent/api/types';
import { CORPUS, EXPECTED, lineOffsets } from '../fixtures/nasty-lines';
import { agentPerFile, eventually, line } from './harness';

const ctx = agentPerFile();

test('the nasty-line corpus through the agent: every rejection counted with its reason, the good lines after them arrive', async () => {
  const file = join(ctx.ws.logDir, 'nasty.jsonl');
  copyFileSync(join(__dirname, '..', 'fixtures', 'nasty-lines.jsonl'), file);
  const sentinel = await eventually(() => ctx.agent.get<RunDetail>('/runs/after-the-nasty-lines'), 'the line after the corpus');
  assert.equal(sentinel.run.app, 'sentinel');
  const ingest = await ctx.agent.get<IngestStatus>('/ingest');
  const offsets = lineOffsets(CORPUS);
  for (const [i, e] of EXPECTED.entries()) {
    const example = ingest.examples.find((x) => x.path === file && x.offset === offsets[i]);
    if (e.expect === 'ok' || e.expect === 'blank') assert.equal(example, undefined, `${e.name} is accepted`);
    else assert.equal(example?.reason, e.expect, `${e.name}: ${example?.message ?? 'not set aside'}`);
  }
  const rejected = EXPECTED.filter((e) => e.expect !== 'ok' && e.expect !== 'blank');
  const counts = Object.values(ingest.badLines).reduce((a, b) => a + b, 0);
  assert.equal(counts, rejected.length, 'each rejection counted once');
  assert.equal(ingest.eventsStored, EXPECTED.filter((e) => e.expect === 'ok').length);
  // Strings from the log come back as the same text, never interpreted.
  const xss = await ctx.agent.get<RunDetail>('/runs/xss-run');
  assert.equal(xss.run.app, '<script>alert(1)</script><img src=x onerror=alert(1)>');
  const sql = await ctx.agent.get<RunDetail>(`/runs/${encodeURIComponent("x'); DROP TABLE runs;--")}`);
  assert.equal(sql.run.app, "' OR '1'='1");
});

function peakRssBytes(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

test('a 100 MB line is skipped without being held in memory, and the line after it arrives', { skip: process.platform !== 'linux' }, async () => {
  const file = join(ctx.ws.logDir, 'huge.jsonl');
  appendFileSync(file, line({ run_id: 'before-huge', type: 'run.started' }));
  await eventually(() => ctx.agent.get<RunDetail>('/runs/before-huge'), 'the run before');
  const before = peakRssBytes(ctx.agent.pid);
  // Written in 1 MiB pieces, so neither this process nor the file system cache holds it whole at once.
  const fd = openSync(file, 'a');
  const piece = Buffer.alloc(1024 * 1024, 'x');
  writeSync(fd, '{"ts":"2026-11-25T10:00:00Z","run_id":"huge","type":"run.started","app":"');
  for (let i = 0; i < 100; i++) writeSync(fd, piece);
  writeSync(fd, '"}\n');
  closeSync(fd);
  appendFileSync(file, line({ run_id: 'after-huge', type: 'run.started' }));
  await eventually(() => ctx.agent.get<RunDetail>('/runs/after-huge'), 'the run after the huge line', 60_000);
  const ingest = await ctx.agent.get<IngestStatus>('/ingest');
  const example = ingest.examples.find((x) => x.reason === 'oversized' && x.path === file);
  assert.match(example?.message ?? '', /line of 10485\d{4} bytes is over the limit/);
  const grew = peakRssBytes(ctx.agent.pid) - before;
  assert.ok(grew < 40 * 1024 * 1024, `peak RSS grew by ${Math.round(grew / 1024 / 1024)} MiB for a 100 MiB line`);
});
