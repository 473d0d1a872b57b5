import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IngestStatus, PushMessage, RunDetail, RunSummary, Summary } from '../../agent/api/types';
import { agentPerFile, eventually, line, openStream } from './harness';

const ctx = agentPerFile();

test('appended lines come back through the API and the push stream', async () => {
  const stream = openStream(ctx.agent.discovery!);
  await stream.next((m) => m.type === 'hello');
  const file = join(ctx.ws.logDir, 'app.jsonl');
  appendFileSync(file, line({ run_id: 'r1', type: 'run.started', app: 'shop', project_type: 'spa', template: 'react-vite', features: ['auth'], user_id: 'u1', session_id: 's1' }));
  appendFileSync(file, line({ run_id: 'r1', type: 'phase.started', phase: 'blueprint' }));
  appendFileSync(file, line({ run_id: 'r1', type: 'phase.ended', phase: 'blueprint', status: 'ok', duration_ms: 1200 }));
  appendFileSync(file, line({ run_id: 'r1', type: 'model.inference', model: 'gpt-4o', latency_ms: 900, input_tokens: 100, output_tokens: 50 }));
  appendFileSync(file, line({ run_id: 'r1', type: 'error', category: 'validation', severity: 'error', message: 'lint failed', stack: 'at x\nat y', context: { file: 'a.ts' } }));
  appendFileSync(file, line({ run_id: 'r1', type: 'run.ended', status: 'failed', duration_ms: 5000 }));

  const pushed = await stream.next((m: PushMessage) => m.type === 'run' && m.run.runId === 'r1' && m.run.status === 'failed');
  assert.equal(pushed.type, 'run');
  await stream.next((m) => m.type === 'phase' && m.runId === 'r1' && m.phase.status === 'ok');
  await stream.next((m) => m.type === 'error' && m.error.message === 'lint failed');
  const ingest = await stream.next((m) => m.type === 'ingest');
  assert.ok(ingest.type === 'ingest' && ingest.lines >= 1 && ingest.bad === 0 && ingest.sources === 1);
  stream.close();

  const runs = await ctx.agent.get<RunSummary[]>('/runs');
  assert.equal(runs.length, 1);
  assert.equal(runs[0].runId, 'r1');
  assert.equal(runs[0].status, 'failed');
  assert.equal(runs[0].app, 'shop');
  assert.deepEqual(runs[0].features, ['auth']);
  assert.equal(runs[0].source?.path, file);
  assert.equal(runs[0].source?.line, 1);

  const detail = await ctx.agent.get<RunDetail>('/runs/r1');
  assert.equal(detail.phases.length, 1);
  assert.equal(detail.phases[0].durationMs, 1200);
  assert.equal(detail.inferences[0].model, 'gpt-4o');
  assert.equal(detail.errors[0].stack, 'at x\nat y');
  assert.deepEqual(detail.errors[0].context, { file: 'a.ts' });

  const summary = await ctx.agent.get<Summary>('/summary');
  assert.equal(summary.attempts, 1);
  assert.equal(summary.failures, 1);
  assert.equal(summary.successRate, 0);
  assert.equal(summary.phases.blueprint.p50, 1200);
  assert.equal(summary.errorsByCategory.validation, 1);
});

test('a new file in a new subdirectory is picked up without a restart', async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(ctx.ws.logDir, 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(ctx.ws.logDir, 'nested', 'deeper', 'late.jsonl'), line({ run_id: 'late', type: 'run.started', app: 'late' }));
  await eventually(async () => (await ctx.agent.get<RunSummary[]>('/runs')).some((r) => r.runId === 'late'), 'the late run');
});

test('bad lines are counted per reason with examples, and later lines still arrive', async () => {
  const file = join(ctx.ws.logDir, 'bad.jsonl');
  const future = new Date(Date.now() + 3600_000).toISOString();
  const chunks: (string | Buffer)[] = [
    '{not json\n',
    '[1,2,3]\n',
    `${JSON.stringify({ ts: new Date().toISOString(), run_id: 'x', type: 'run.started', pad: 'y'.repeat(1024 * 1024 + 10) })}\n`,
    Buffer.concat([Buffer.from('{"ts":"2026-01-01T00:00:00Z","run_id":"u","type":"run.started","app":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    line({ run_id: 'w', type: 'phase.ended', phase: 'codegen', status: 'ok', duration_ms: 'abc' }),
    line({ run_id: 'nobody', type: 'phase.started', phase: 'codegen' }),
    `${JSON.stringify({ ts: future, run_id: 'f', type: 'run.started' })}\n`,
    line({ run_id: 'good-after-bad', type: 'run.started', app: 'fine' }),
  ];
  for (const c of chunks) appendFileSync(file, c);
  await eventually(async () => (await ctx.agent.get<RunSummary[]>('/runs')).some((r) => r.runId === 'good-after-bad'), 'the good line after the bad ones');
  const status = await ctx.agent.get<IngestStatus>('/ingest');
  for (const reason of ['malformed_json', 'not_an_object', 'oversized', 'invalid_utf8', 'wrong_type', 'unknown_run', 'future_timestamp']) {
    assert.equal(status.badLines[reason], 1, `one ${reason} line (have ${JSON.stringify(status.badLines)})`);
    const example = status.examples.find((e) => e.reason === reason);
    assert.ok(example, `an example of ${reason}`);
    assert.equal(example.path, file);
    assert.ok(example.message.length > 0);
  }
  const wrong = status.examples.find((e) => e.reason === 'wrong_type')!;
  assert.match(wrong.message, /duration_ms/);
  const oversized = status.examples.find((e) => e.reason === 'oversized')!;
  assert.equal(oversized.offset, Buffer.byteLength(chunks[0] as string) + Buffer.byteLength(chunks[1] as string));
  assert.ok(oversized.excerpt.length <= 512);
});

test('a partial last line waits for its newline', async () => {
  const file = join(ctx.ws.logDir, 'partial.jsonl');
  const full = line({ run_id: 'partial-run', type: 'run.started', app: 'p' });
  appendFileSync(file, full.slice(0, 20));
  await new Promise((r) => setTimeout(r, 600));
  const before = await ctx.agent.get<IngestStatus>('/ingest');
  assert.equal(before.badLines.malformed_json ?? 0, 1, 'the half line was not parsed as a line');
  appendFileSync(file, full.slice(20));
  await eventually(async () => (await ctx.agent.get<RunSummary[]>('/runs')).some((r) => r.runId === 'partial-run'), 'the completed line');
});
