/**
 * The metric endpoints and the Prometheus endpoint of the real agent: a run
 * appended to a log comes back through /stat, /query, /histogram, /funnel,
 * /cost and /labels, and as Prometheus text with the token only.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CostBreakdown, FunnelResult, HistogramResult, MetricDescriptor, MetricQueryResult, MetricStat } from '../../agent/api/types';
import { agentPerFile, eventually, line } from './harness';

const ctx = agentPerFile();

function get(path: string, token: string | null): Promise<{ status: number; type: string; body: string }> {
  const d = ctx.agent.discovery!;
  return new Promise((resolve, reject) => {
    const req = request(`${d.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a run comes back through the metric endpoints and the Prometheus text', async () => {
  const file = join(ctx.ws.logDir, 'runs.jsonl');
  const t = Date.now() - 60_000;
  const e = (dt: number, type: string, f: Record<string, unknown> = {}) => line({ ts: new Date(t + dt).toISOString(), run_id: 'm-1', type, ...f });
  appendFileSync(
    file,
    e(0, 'run.started', { project_type: 'spa', template: 'react-vite', user_id: 'u-7', features: ['auth'] }) +
      e(2000, 'model.inference', { model: 'gpt-4o', phase: 'blueprint', latency_ms: 1800, input_tokens: 1000, output_tokens: 500 }) +
      e(2100, 'phase.ended', { phase: 'blueprint', status: 'ok', duration_ms: 2100 }) +
      e(9000, 'phase.ended', { phase: 'codegen', status: 'ok', duration_ms: 6900 }) +
      e(9500, 'run.ended', { status: 'success', duration_ms: 9500 }),
  );
  const d = ctx.agent.discovery!;
  const range = `from=${t - 60_000}&to=${Date.now() + 1000}`;
  const stats = await eventually(async () => {
    const s = await ctx.agent.get<MetricStat[]>(`/stat?q=genmon_generation_attempts_total,genmon_generation_success_ratio,genmon_phase_duration_seconds:max&${range}`);
    return s[0].value === 1 ? s : null;
  }, 'the run in /stat');
  assert.deepEqual(stats.map((s) => s.value), [1, 1, 6.9]);
  const registry = await ctx.agent.get<MetricDescriptor[]>('/metrics/registry');
  assert.ok(registry.some((m) => m.name === 'genmon_cost_wasted_usd' && m.labels.includes('kind')));
  const q = await ctx.agent.get<MetricQueryResult>(`/query?metric=genmon_phase_duration_seconds&agg=max&by=phase&step=60000&${range}`);
  assert.deepEqual(q.series.map((s) => s.labels.phase).sort(), ['blueprint', 'codegen']);
  const h = await ctx.agent.get<HistogramResult>(`/histogram?metric=genmon_generation_duration_seconds&${range}`);
  assert.equal(h.series[0].count, 1);
  assert.ok(Math.abs(h.series[0].p50! - 9.5) <= 0.095);
  const funnel = await ctx.agent.get<FunnelResult>(`/funnel?${range}`);
  assert.deepEqual(funnel.steps.map((s) => s.reached), [1, 1, 1, 0, 0]);
  const cost = await ctx.agent.get<CostBreakdown>(`/cost?by=user&${range}`);
  assert.equal(cost.rows[0].key, 'u-7');
  assert.ok(cost.rows[0].modelUsd > 0, 'priced from the default table');
  assert.deepEqual(await ctx.agent.get<string[]>(`/labels/project_type?${range}`), ['spa']);
  assert.deepEqual(await ctx.agent.get<string[]>(`/labels/model?${range}`), ['gpt-4o']);

  // Prometheus: the same token, text format from prom-client.
  assert.equal((await get('/metrics', null)).status, 401);
  assert.equal((await get('/metrics', 'wrong')).status, 401);
  const prom = await get('/metrics', d.token);
  assert.equal(prom.status, 200);
  assert.match(prom.type, /^text\/plain; version=0\.0\.4/);
  assert.match(prom.body, /^# TYPE genmon_generation_attempts_total counter$/m);
  assert.match(prom.body, /^genmon_generation_attempts_total 1$/m);
  assert.match(prom.body, /^# TYPE genmon_generation_duration_seconds histogram$/m);
  assert.match(prom.body, /^genmon_generation_duration_seconds_bucket\{.*le="10".*\} 1$/m);
  assert.match(prom.body, /^genmon_generation_duration_seconds_bucket\{.*le="5".*\} 0$/m);
  assert.match(prom.body, /^genmon_generation_duration_seconds_count\S* 1$/m);
  assert.match(prom.body, /^genmon_model_tokens_total\{model="gpt-4o",direction="input"\} 1000$/m);
});

test('bad metric queries get a 400 that says why', async () => {
  const bad = async (path: string, pattern: RegExp) => {
    const res = await get(`/api/v1${path}`, ctx.agent.discovery!.token);
    assert.equal(res.status, 400, path);
    assert.match(JSON.parse(res.body).message, pattern, path);
  };
  await bad('/query?metric=nope', /unknown metric "nope"/);
  await bad('/query', /metric is required/);
  await bad('/query?metric=genmon_cpu_usage_ratio&agg=p95', /p95 needs a histogram/);
  await bad('/query?metric=genmon_cpu_usage_ratio&by=user', /by: unknown label "user"/);
  await bad('/stat?q=genmon_cpu_usage_ratio:median', /unknown aggregation "median"/);
  await bad('/cost?by=planet', /by must be one of/);
  await bad('/query?metric=genmon_cpu_usage_ratio&from=10&to=5', /from must be before to/);
});
