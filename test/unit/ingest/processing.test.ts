import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from '../../../agent/config';
import type { EventBase } from '../../../agent/ingest/events';
import { findGit, readFacts, readHead } from '../../../agent/ingest/processing/facts';
import { Pipeline, processingState, sampleFraction } from '../../../agent/ingest/processing/pipeline';
import { checkSection, type ProcessingConfig } from '../../../agent/ingest/processing/rules';
import { parseLine } from '../../../agent/ingest/parse';

const NOW = Date.parse('2026-11-25T10:01:00Z');

function pipeline(config: ProcessingConfig, facts = {}): Pipeline {
  assert.deepEqual(checkSection('processing', config), []);
  return new Pipeline(processingState(config, facts));
}

test('transform: a generator\'s own JSON shape is read through a mapping, before validation', () => {
  const p = pipeline({
    transform: [{
      source: '*/acme/*.jsonl',
      map: { event: 'type', runId: 'run_id', time: 'ts', 'meta.app': 'app', took: 'duration_ms' },
      values: { type: { begin: 'run.started', finish: 'run.ended' }, status: { ok: 'success', err: 'failed' } },
      scale: { ts: 1000 },
      set: { v: 1 },
      remove: ['debug'],
    }],
  });
  const transform = p.transformFor('/logs/acme/gen.jsonl')!;
  const line = (o: unknown) => Buffer.from(JSON.stringify(o));
  const begin = parseLine(line({ event: 'begin', runId: 'g-1', time: 1_795_600_800, meta: { app: 'shop' }, debug: true }), { now: NOW, transform });
  assert.ok(begin.ok);
  assert.deepEqual(begin.event, { type: 'run.started', run_id: 'g-1', ts: 1_795_600_800_000, meta: {}, app: 'shop', v: 1 });
  const finish = parseLine(line({ event: 'finish', runId: 'g-1', time: 1_795_600_830, status: 'err', took: 30_000 }), { now: NOW, transform });
  assert.ok(finish.ok && finish.known);
  assert.deepEqual([finish.event.type, finish.event.status, finish.event.duration_ms], ['run.ended', 'failed', 30_000]);
  assert.equal(p.transformFor('/logs/other/gen.jsonl'), undefined, 'the rule names its source');
  const wrong = parseLine(line({ event: 'finish', runId: 'g-1', time: 1_795_600_830, status: 'meh', took: 1 }), { now: NOW, transform });
  assert.ok(!wrong.ok && wrong.reason === 'wrong_type', 'a value the mapping leaves alone is still checked');
});

test('transform: `when` limits a rule to matching lines; swapping two fields works', () => {
  const p = pipeline({ transform: [{ when: { kind: 'legacy' }, map: { a: 'b', b: 'a' } }] });
  const t = p.transformFor('x.jsonl')!;
  assert.deepEqual(t({ kind: 'legacy', a: 1, b: 2 }), { kind: 'legacy', a: 2, b: 1 });
  assert.deepEqual(t({ kind: 'new', a: 1, b: 2 }), { kind: 'new', a: 1, b: 2 });
  assert.deepEqual(t({ kind: 'legacy', __proto__: 1, a: 1 }), { kind: 'legacy', b: 1 });
});

const ev = (type: string, runId: string, extra: Record<string, unknown> = {}): EventBase => ({ ts: NOW, run_id: runId, type, ...extra });

test('filter: drop by matchers (globs, lists, nested fields), keep exceptions first, first matching rule decides', () => {
  const p = pipeline({
    filter: [
      { when: { type: 'error', severity: ['critical', 'error'] }, action: 'keep' },
      { when: { type: 'api.request', route: '/health*' }, action: 'drop' },
      { when: [{ type: 'error', 'context.noise': true }, { type: 'db.query', operation: 'ping' }], action: 'drop' },
    ],
  });
  assert.equal(p.filter(ev('api.request', 'r', { route: '/healthz' }), 'f'), 'dropped');
  assert.equal(p.filter(ev('api.request', 'r', { route: '/api/health' }), 'f'), null);
  assert.equal(p.filter(ev('error', 'r', { severity: 'warning', context: { noise: true } }), 'f'), 'dropped');
  assert.equal(p.filter(ev('error', 'r', { severity: 'error', context: { noise: true } }), 'f'), null, 'kept by the rule above');
  assert.equal(p.filter(ev('db.query', 'r', { operation: 'ping' }), 'f'), 'dropped');
  assert.deepEqual(p.counts, { dropped: 3, sampledOut: 0, transformed: 0, enriched: 0 });
});

test('filter: sampling keeps a share of runs, chosen by run id, so a run is kept or dropped whole and the same way each time', () => {
  const p = pipeline({ filter: [{ action: 'sample', rate: 0.25 }] });
  const runs = Array.from({ length: 4000 }, (_, i) => `run-${i}`);
  const kept = runs.filter((r) => p.filter(ev('run.started', r), 'f') === null);
  assert.ok(kept.length > 850 && kept.length < 1150, `${kept.length} of 4000 kept at 25 %`);
  for (const r of runs.slice(0, 200)) {
    const first = p.filter(ev('run.started', r), 'f');
    assert.equal(p.filter(ev('phase.ended', r, { phase: 'codegen' }), 'f'), first);
    assert.equal(p.filter(ev('error', r), 'f'), first);
  }
  assert.equal(sampleFraction('run-1'), sampleFraction('run-1'));
  assert.ok(sampleFraction('run-1') !== sampleFraction('run-2'));
});

test('enrich: run starts get the values as fields, errors in their context, never over what the event says', () => {
  const facts = { host: 'box', git_branch: 'main', git_commit: 'abc123', workspace: 'shop', agent_version: '0.1.0' };
  const p = pipeline({ enrich: { fields: ['host', 'git_commit', 'workspace'] } }, facts);
  assert.deepEqual(p.enrich(ev('run.started', 'r', { workspace: 'mine' })), { host: 'box', git_commit: 'abc123', workspace: 'mine', ts: NOW, run_id: 'r', type: 'run.started' });
  assert.deepEqual(p.enrich(ev('error', 'r', { context: { file: 'a.ts' } })).context, { host: 'box', git_commit: 'abc123', workspace: 'shop', file: 'a.ts' });
  const phase = ev('phase.ended', 'r');
  assert.equal(p.enrich(phase), phase, 'other types are left alone');
  assert.equal(pipeline({}).enrich(ev('run.started', 'r')).host, undefined, 'enrichment is off unless configured');
});

test('rule mistakes are reported with the path of the key', () => {
  const errors = (v: unknown) => checkSection('processing', v);
  assert.deepEqual(errors({ filter: [{ action: 'sample' }] }), ['processing.filter[0] needs "rate"']);
  assert.deepEqual(errors({ filter: [{ action: 'sample', rate: 2 }] }), ['processing.filter[0].rate must be <= 1']);
  assert.deepEqual(errors({ filter: [{ action: 'erase' }] }), ['processing.filter[0].action must be one of "drop", "sample", "keep"']);
  assert.deepEqual(errors({ transform: [{ map: { a: 3 } }] }), ['processing.transform[0].map.a must be string']);
  assert.deepEqual(errors({ transform: [{ source: '*.jsonl' }] }), ['processing.transform[0] does nothing: give map, values, scale, set or remove']);
  assert.deepEqual(errors({ enrich: { fields: ['hostname'] } }), ['processing.enrich.fields[0] must be one of "host", "git_branch", "git_commit", "workspace", "agent_version"']);
  assert.deepEqual(errors({ sinks: { otlp: { endpoint: 'ftp://x' } } }), ['processing.sinks.otlp.endpoint must be an http:// or https:// URL']);
  assert.deepEqual(errors({ sinks: { kafka: {} } }), ['processing.sinks has an unknown key "kafka"']);
  assert.deepEqual(errors({ filter: [{ action: 'drop', when: {} }] }), ['processing.filter[0].when must NOT have fewer than 1 properties']);
  assert.deepEqual(checkSection('otlp', { burst: 0, port: 1 }), ['otlp has an unknown key "port"', 'otlp.burst must be >= 1']);
});

test('the config file\'s processing and otlp sections are checked when the agent starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-processing-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ processing: { filter: [{ action: 'sample', rate: -1 }] } }));
    assert.throws(() => resolveConfig({}, { GENMON_HOME: dir }, dir), (e: Error) => e instanceof ConfigError && /processing\.filter\[0\]\.rate must be >= 0/.test(e.message));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ otlp: { requestsPerSecond: 5 }, processing: { enrich: {} } }));
    const config = resolveConfig({}, { GENMON_HOME: dir }, dir);
    assert.deepEqual(config.otlp, { requestsPerSecond: 5 });
    assert.deepEqual(config.processing, { enrich: {} });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('git branch and commit are read from .git files: loose refs, packed refs, detached HEAD, linked worktrees', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-git-'));
  try {
    const repo = join(dir, 'shop');
    const git = join(repo, '.git');
    mkdirSync(join(git, 'refs', 'heads', 'feature'), { recursive: true });
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    writeFileSync(join(git, 'HEAD'), 'ref: refs/heads/feature/x\n');
    writeFileSync(join(git, 'refs', 'heads', 'feature', 'x'), `${a}\n`);
    assert.deepEqual(readHead(findGit(join(repo, 'src', 'deep'))!), { branch: 'feature/x', commit: a });
    writeFileSync(join(git, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(git, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${b} refs/heads/main\n`);
    assert.deepEqual(readHead(findGit(repo)!), { branch: 'main', commit: b });
    writeFileSync(join(git, 'HEAD'), `${a}\n`);
    assert.deepEqual(readHead(findGit(repo)!), { branch: null, commit: a });

    const linked = join(dir, 'wt');
    mkdirSync(join(git, 'worktrees', 'wt'), { recursive: true });
    mkdirSync(linked);
    writeFileSync(join(linked, '.git'), `gitdir: ${join(git, 'worktrees', 'wt')}\n`);
    writeFileSync(join(git, 'worktrees', 'wt', 'commondir'), '../..\n');
    writeFileSync(join(git, 'worktrees', 'wt', 'HEAD'), 'ref: refs/heads/main\n');
    const facts = readFacts(linked, '9.9.9');
    assert.deepEqual([facts.git_branch, facts.git_commit, facts.workspace, facts.agent_version], ['main', b, 'wt', '9.9.9']);
    assert.equal(typeof facts.host, 'string');
    assert.equal(readFacts(tmpdir(), '1').git_commit, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
