/**
 * The OTLP/HTTP export sink: events as OTLP log records (`POST /v1/logs`,
 * OTLP/JSON), machine samples as OTLP gauges (`POST /v1/metrics`), to an
 * OpenTelemetry Collector or any OTLP receiver.
 *
 * An event becomes one log record: `event_name` its type, the body its
 * message (errors) or type, the fields attributes `genmon.<field>`, the
 * severity from an error's severity (INFO otherwise), and the trace id when
 * the run id is one (runs that came in over OTLP).
 */
import type { Sample } from '../api/types';
import type { EventBase } from '../ingest/events';

type KeyValue = { key: string; value: Record<string, unknown> };

const SEVERITY: Record<string, [number, string]> = { critical: [21, 'FATAL'], error: [17, 'ERROR'], warning: [13, 'WARN'], info: [9, 'INFO'] };

function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
  return {};
}

function nanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

function tsOf(e: EventBase): number {
  return typeof e.ts === 'number' ? e.ts : Date.parse(e.ts);
}

export function resourceOf(host: string, version: string): { attributes: KeyValue[] } {
  return {
    attributes: [
      { key: 'service.name', value: { stringValue: 'genmon-agent' } },
      { key: 'service.version', value: { stringValue: version } },
      { key: 'host.name', value: { stringValue: host } },
    ],
  };
}

export function logsRequest(events: EventBase[], resource: { attributes: KeyValue[] }, version: string, now: number): unknown {
  return {
    resourceLogs: [{
      resource,
      scopeLogs: [{
        scope: { name: 'genmon', version },
        logRecords: events.map((e) => {
          const [severityNumber, severityText] = SEVERITY[e.type === 'error' ? String(e.severity) : 'info'] ?? SEVERITY.info;
          const attributes: KeyValue[] = Object.entries(e)
            .filter(([k, v]) => k !== 'ts' && v !== undefined && v !== null)
            .map(([k, v]) => ({ key: `genmon.${k}`, value: anyValue(v) }));
          return {
            timeUnixNano: nanos(tsOf(e)),
            observedTimeUnixNano: nanos(now),
            severityNumber,
            severityText,
            eventName: e.type,
            body: { stringValue: e.type === 'error' && typeof e.message === 'string' ? e.message : e.type },
            attributes,
            ...(/^[0-9a-f]{32}$/.test(e.run_id) ? { traceId: e.run_id } : {}),
          };
        }),
      }],
    }],
  };
}

/** Samples as gauges, named as OpenTelemetry's system metrics where one fits. */
export function metricsRequest(samples: Sample[], resource: { attributes: KeyValue[] }, version: string): unknown {
  const gauge = (name: string, unit: string, value: (s: Sample) => number, attrs: KeyValue[] = []) => ({
    name,
    unit,
    gauge: { dataPoints: samples.map((s) => ({ timeUnixNano: nanos(s.ts), asDouble: value(s), attributes: attrs })) },
  });
  const state = (v: string): KeyValue[] => [{ key: 'system.memory.state', value: { stringValue: v } }];
  return {
    resourceMetrics: [{
      resource,
      scopeMetrics: [{
        scope: { name: 'genmon', version },
        metrics: [
          gauge('system.cpu.utilization', '1', (s) => s.cpu / 100),
          gauge('system.memory.usage', 'By', (s) => s.memUsed, state('used')),
          gauge('system.memory.usage', 'By', (s) => s.memAvailable, state('free')),
          gauge('system.linux.cpu.load_1m', '{thread}', (s) => s.load1),
          gauge('genmon.disk.read.rate', 'By/s', (s) => s.diskReadBytes),
          gauge('genmon.disk.write.rate', 'By/s', (s) => s.diskWriteBytes),
          gauge('genmon.network.receive.rate', 'By/s', (s) => s.netRxBytes),
          gauge('genmon.network.transmit.rate', 'By/s', (s) => s.netTxBytes),
        ],
      }],
    }],
  };
}
