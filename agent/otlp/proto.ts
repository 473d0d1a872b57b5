/**
 * The protobuf side of the OTLP intake: the OpenTelemetry JS project's
 * protobufjs module generated from the official opentelemetry-proto
 * definitions (`@opentelemetry/otlp-transformer` 0.212, the last release that
 * ships it; later ones hand-write their encoder and have no decoder), and
 * google.rpc.Status for error answers.
 *
 * It is about a quarter of the agent's bundle and only a generator sending
 * protobuf needs it, so the build puts it in a file of its own that
 * `loadProto()` (proto-loader.ts) requires on the first protobuf request.
 */
import { Field, Root, Type } from 'protobufjs/light';
import generated from '@opentelemetry/otlp-transformer/build/src/generated/root';
import type { Signal } from './model';

export interface ProtoType {
  decode(buf: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): unknown;
}

type Namespace = Record<string, Record<string, Record<string, ProtoType>>>;
const collector = (generated as unknown as { opentelemetry: { proto: { collector: Namespace } } }).opentelemetry.proto.collector;

export const REQUEST_TYPES: Record<Signal, ProtoType> = {
  traces: collector.trace.v1.ExportTraceServiceRequest,
  logs: collector.logs.v1.ExportLogsServiceRequest,
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
};

export const RESPONSE_TYPES: Record<Signal, ProtoType> = {
  traces: collector.trace.v1.ExportTraceServiceResponse,
  logs: collector.logs.v1.ExportLogsServiceResponse,
  metrics: collector.metrics.v1.ExportMetricsServiceResponse,
};


// google.rpc.Status is not part of the generated OTLP module; its two scalar
// fields are declared here through protobufjs's reflection API (details,
// a repeated Any, is never sent).
export const STATUS: ProtoType = new Type('Status').add(new Field('code', 1, 'int32')).add(new Field('message', 2, 'string')) as unknown as ProtoType;
new Root().define('google.rpc').add(STATUS as unknown as Type);
