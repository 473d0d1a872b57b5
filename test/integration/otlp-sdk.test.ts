/**
 * The real OpenTelemetry JS SDK and its OTLP/HTTP exporters (JSON and
 * protobuf, traces, logs and metrics) pointed at a real agent; the runs,
 * phases, inferences and errors are then found through the agent's API.
 */
import { context, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ErrorRecord, OtlpMetricPoint, OtlpStatus, RunDetail } from '../../agent/api/types';
import { agentPerFile, eventually } from './harness';

const ctx = agentPerFile();

interface Exporters {
  traces: SpanExporter;
  logs: LogRecordExporter;
  metrics: PushMetricExporter;
}

function child(tracer: Tracer, parent: Span, name: string, attributes: Record<string, string | number | string[]> = {}): Span {
  return tracer.startSpan(name, { attributes }, trace.setSpan(context.active(), parent));
}

const EXPORT_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One generation: a root span, four phase spans, GenAI inference spans, an
 * exception, a log record at ERROR, and two metrics. Returns the trace id.
 */
async function generate(exporters: Exporters, opts: { runId?: string; fail: boolean; simple: boolean }): Promise<string> {
  const resource = resourceFromAttributes({ 'service.name': opts.fail ? 'shop-generator' : 'blog-generator', 'service.version': '2.8.1' });
  const spanProcessor = opts.simple ? new SimpleSpanProcessor(exporters.traces) : new BatchSpanProcessor(exporters.traces);
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: exporters.logs })] });
  const meterProvider = new MeterProvider({ resource, readers: [new PeriodicExportingMetricReader({ exporter: exporters.metrics, exportIntervalMillis: 3_600_000 })] });
  const tracer = tracerProvider.getTracer('generator', '2.8.1');
  const logger = loggerProvider.getLogger('generator');
  const meter = meterProvider.getMeter('generator');
  const runAttr: Record<string, string> = opts.runId ? { 'genmon.run_id': opts.runId } : {};

  const root = tracer.startSpan('generate app', {
    attributes: { ...runAttr, 'genmon.project_type': 'spa', 'genmon.template': 'react-vite', 'genmon.features': ['auth', 'search'], 'enduser.id': 'u-7' },
  });
  // Exported one by one, an inference span leaves before its phase span: it names its phase itself.
  const inference = (phase: Span, model: string, input: number, output: number) => {
    const named: Record<string, string> = opts.simple ? { 'genmon.phase': model === 'gpt-4o' ? 'blueprint' : 'codegen' } : {};
    const span = child(tracer, phase, `chat ${model}`, { ...runAttr, ...named, 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output });
    span.end();
  };

  const blueprint = child(tracer, root, 'blueprint', runAttr);
  await sleep(5);
  inference(blueprint, 'gpt-4o', 1850, 920);
  blueprint.end();

  const codegen = child(tracer, root, 'phase.codegen', runAttr);
  inference(codegen, 'claude-sonnet', 6210, 2380);
  codegen.recordException(Object.assign(new Error('template cache miss for react-vite'), { name: 'CacheMiss' }));
  codegen.end();

  const validation = child(tracer, root, 'validation', runAttr);
  const deployment = child(tracer, root, 'deployment', opts.fail ? { ...runAttr, 'genmon.phase.status': 'skipped' } : runAttr);
  if (opts.fail) {
    validation.recordException(new TypeError('TypeScript: 3 errors in generated sources'));
    validation.setStatus({ code: SpanStatusCode.ERROR, message: 'typecheck failed' });
  }
  validation.end();
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: opts.fail ? 'health check of the preview failed' : 'preview deployment retried after a 502',
    attributes: { ...runAttr, 'genmon.phase': 'deployment', 'http.response.status_code': 502 },
    context: trace.setSpan(context.active(), deployment),
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: 'deploying', context: trace.setSpan(context.active(), deployment) });
  deployment.end();
  if (opts.fail) root.setStatus({ code: SpanStatusCode.ERROR, message: 'validation failed' });
  root.end();

  meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' }).record(1850, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o' });
  meter.createHistogram('http.server.request.duration', { unit: 's' }).record(0.084, { 'http.route': '/api/generate', 'http.request.method': 'POST', 'http.response.status_code': 200 });

  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  await meterProvider.forceFlush();
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
  return root.spanContext().traceId;
}

async function runDetail(runId: string): Promise<RunDetail> {
  return eventually(async () => {
    const d = await ctx.agent.get<RunDetail>(`/runs/${encodeURIComponent(runId)}`);
    return d.run.status !== 'running' && d.phases.length === 4 ? d : null;
  }, `run ${runId} with its four phases`).catch(async (err: Error) => {
    const seen = await ctx.agent.get<RunDetail>(`/runs/${encodeURIComponent(runId)}`).catch((e: Error) => e.message);
    throw new Error(`${err.message}; last seen: ${JSON.stringify(seen).slice(0, 1500)}`);
  });
}

test('OTLP/HTTP JSON (gzip): a run with its phases, inferences, an exception and an ERROR log is found through the API', async () => {
  const d = ctx.agent.discovery!;
  const headers = { Authorization: `Bearer ${d.token}` };
  // The exporters drop what times out (10 s by default); a loaded test machine must not lose spans.
  const timeoutMillis = EXPORT_TIMEOUT_MS;
  const traceId = await generate({
    traces: new JsonTraceExporter({ url: `${d.url}/v1/traces`, headers, timeoutMillis, compression: 'gzip' as never }),
    logs: new JsonLogExporter({ url: `${d.url}/v1/logs`, headers, timeoutMillis }),
    metrics: new JsonMetricExporter({ url: `${d.url}/v1/metrics`, headers, timeoutMillis }),
  }, { fail: false, simple: false });

  const detail = await runDetail(traceId);
  assert.equal(detail.run.status, 'success');
  assert.equal(detail.run.app, 'blog-generator', 'the app is the resource service.name');
  assert.equal(detail.run.projectType, 'spa');
  assert.equal(detail.run.template, 'react-vite');
  assert.deepEqual(detail.run.features, ['auth', 'search']);
  assert.equal(detail.run.userId, 'u-7');
  assert.deepEqual(detail.phases.map((p) => [p.phase, p.status]), [['blueprint', 'ok'], ['codegen', 'ok'], ['validation', 'ok'], ['deployment', 'ok']]);
  assert.ok(detail.phases[0].durationMs! >= 4, `blueprint lasted ${detail.phases[0].durationMs} ms`);
  const models = detail.inferences.map((i) => [i.model, i.phase, i.inputTokens, i.outputTokens]).sort();
  assert.deepEqual(models, [['claude-sonnet', 'codegen', 6210, 2380], ['gpt-4o', 'blueprint', 1850, 920]]);
  assert.equal((detail.attributes?.resource as Record<string, unknown>)['service.version'], '2.8.1');

  const errors = await eventually(async () => {
    const e = await ctx.agent.get<ErrorRecord[]>(`/errors?runId=${traceId}&from=0`);
    return e.length === 2 ? e : null;
  }, 'two errors of the run');
  const exception = errors.find((e) => e.phase === 'codegen')!;
  assert.equal(exception.message, 'template cache miss for react-vite');
  assert.equal(exception.category, 'generation');
  assert.match(exception.stack ?? '', /CacheMiss: template cache miss/);
  const log = errors.find((e) => e.phase === 'deployment')!;
  assert.equal(log.message, 'preview deployment retried after a 502');
  assert.equal(log.category, 'deployment');
  assert.equal(log.severity, 'error');

  const points = await eventually(async () => {
    const p = await ctx.agent.get<OtlpMetricPoint[]>('/otlp/metrics?from=0');
    return p.length >= 2 ? p : null;
  }, 'metric points');
  const http = points.find((p) => p.figure === 'api.request.duration')!;
  assert.equal(http.fields.route, '/api/generate');
  assert.equal(http.fields.count, 1);
  assert.ok(Math.abs((http.fields.sum_ms as number) - 84) < 1e-6);
  assert.ok(points.some((p) => p.figure === 'model.tokens' && p.fields.sum === 1850 && p.fields.token_type === 'input'));
});

test('OTLP/HTTP protobuf from the environment `genmon otel-env` prints, spans exported one by one (children before the root): a failed run', async () => {
  const lines = execFileSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'genmon.js'), 'otel-env', '--data-dir', ctx.ws.dataDir, '--format', 'dotenv'], { encoding: 'utf8' });
  const env = Object.fromEntries(lines.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, ctx.agent.discovery!.url);
  const saved = { ...process.env };
  Object.assign(process.env, env, { OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS) });
  env.OTEL_EXPORTER_OTLP_TIMEOUT = String(EXPORT_TIMEOUT_MS);
  let exporters: Exporters;
  try {
    exporters = { traces: new ProtoTraceExporter(), logs: new ProtoLogExporter(), metrics: new ProtoMetricExporter() };
  } finally {
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
  }
  await generate(exporters, { runId: 'sdk-proto-run', fail: true, simple: true });

  const detail = await runDetail('sdk-proto-run');
  assert.equal(detail.run.status, 'failed');
  assert.equal(detail.run.app, 'shop-generator');
  assert.deepEqual(detail.phases.map((p) => [p.phase, p.status]), [['blueprint', 'ok'], ['codegen', 'ok'], ['validation', 'failed'], ['deployment', 'skipped']]);
  assert.equal(detail.inferences.length, 2);
  assert.ok(detail.inferences.every((i) => i.latencyMs >= 0 && i.phase !== null), 'inferences name their phase though exported before it');
  const errors = detail.errors.map((e) => [e.phase, e.category, e.message]).sort();
  assert.deepEqual(errors, [
    ['codegen', 'generation', 'template cache miss for react-vite'],
    ['deployment', 'deployment', 'health check of the preview failed'],
    ['validation', 'validation', 'TypeScript: 3 errors in generated sources'],
  ]);

  const status = await ctx.agent.get<OtlpStatus>('/otlp');
  assert.ok(status.signals.traces.requests >= 7, 'one request per span with the simple processor');
  assert.equal(status.signals.traces.rejected, 0);
  assert.ok(status.signals.logs.ignored >= 2, 'INFO records are counted as ignored');
  const ingest = await ctx.agent.get<{ badLines: Record<string, number> }>('/ingest');
  assert.equal(ingest.badLines.unknown_run ?? 0, 0, 'no event arrived before its run');
});
