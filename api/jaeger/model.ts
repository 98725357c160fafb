// Our spans in Jaeger's JSON model (what Jaeger's query service answers, and Grafana's Jaeger
// data source and the Jaeger UI read): traces with a process table, references, typed tags,
// logs, and times in microseconds.
import type { DependencyEdge, SpanRecord } from '../../store/index.js';

export interface KeyValue {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  value: string | boolean | number;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags: KeyValue[];
  logs: Array<{ timestamp: number; fields: KeyValue[] }>;
  processID: string;
  flags: number;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: KeyValue[] }>;
}

/** Jaeger's answer envelope: `data`, and `errors` when something went wrong. */
export interface JaegerResponse<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: Array<{ code: number; msg: string }> | null;
}

export const envelope = <T>(data: T, total = Array.isArray(data) ? data.length : 0): JaegerResponse<T> => ({
  data,
  total,
  limit: 0,
  offset: 0,
  errors: null,
});

const str = (key: string, value: string): KeyValue => ({ key, type: 'string', value });

/** OpenTelemetry's kind names as Jaeger's `span.kind` tag (internal spans carry none, as Jaeger's OTLP mapping does). */
const KIND: Record<string, string> = { Server: 'server', Client: 'client', Producer: 'producer', Consumer: 'consumer' };

function spanTags(s: SpanRecord): KeyValue[] {
  const tags = Object.entries(s.attributes).map(([k, v]) => str(k, v));
  const kind = KIND[s.kind];
  if (kind) tags.push(str('span.kind', kind));
  if (s.status === 'Error') {
    tags.push({ key: 'error', type: 'bool', value: true });
    tags.push(str('otel.status_code', 'ERROR'));
    if (s.statusMessage) tags.push(str('otel.status_description', s.statusMessage));
  } else if (s.status === 'Ok') tags.push(str('otel.status_code', 'OK'));
  return tags;
}

/** One trace: spans with their references and a process (service and resource) table. */
export function toJaegerTrace(traceId: string, spans: readonly SpanRecord[]): JaegerTrace {
  const processes: JaegerTrace['processes'] = {};
  const processIds = new Map<string, string>();
  const processOf = (s: SpanRecord): string => {
    const key = `${s.service}\u0000${JSON.stringify(Object.entries(s.resource).sort())}`;
    let id = processIds.get(key);
    if (!id) {
      id = `p${processIds.size + 1}`;
      processIds.set(key, id);
      const tags = Object.entries(s.resource)
        .filter(([k]) => k !== 'service.name')
        .map(([k, v]) => str(k, v));
      processes[id] = { serviceName: s.service, tags };
    }
    return id;
  };
  return {
    traceID: traceId,
    spans: spans.map((s) => ({
      traceID: traceId,
      spanID: s.spanId,
      operationName: s.operation,
      references: s.parentSpanId ? [{ refType: 'CHILD_OF', traceID: traceId, spanID: s.parentSpanId }] : [],
      startTime: Number(BigInt(s.startNs) / 1000n),
      duration: Math.round(s.durationMs * 1000),
      tags: spanTags(s),
      logs: s.events.map((e) => ({
        timestamp: Math.round(e.timeMs * 1000),
        fields: [str('event', e.name), ...Object.entries(e.attributes).map(([k, v]) => str(k, v))],
      })),
      processID: processOf(s),
      flags: 1,
    })),
    processes,
  };
}

export const toJaegerDependencies = (edges: readonly DependencyEdge[]) =>
  edges.map((e) => ({ parent: e.parent, child: e.child, callCount: e.calls }));
