// Services seen in a range, with their request rate and errors (RED) from entry spans.
import { ENTRY_SPAN, SPAN_IN_RANGE, rangeParams, type Reader, type TimeRange } from './common.js';

export interface Red {
  requests: number;
  /** Requests per second over the range. */
  rate: number;
  errors: number;
  /** Errors divided by requests, 0..1. */
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface ServiceSummary extends Red {
  service: string;
  spans: number;
  instances: number;
  lastSeenMs: number;
}

export interface OperationRed extends Red {
  service: string;
  operation: string;
}

interface RedRow {
  requests: string;
  errors: string;
  q: number[];
}

const RED_COLUMNS = `countIf(${ENTRY_SPAN}) AS requests,
  countIf(${ENTRY_SPAN} AND StatusCode = 'Error') AS errors,
  quantilesIf(0.5, 0.95, 0.99)(Duration, ${ENTRY_SPAN}) AS q`;

function red(row: RedRow, seconds: number): Red {
  const requests = Number(row.requests);
  const errors = Number(row.errors);
  const q = row.q.map((v) => (Number.isFinite(v) ? v / 1e6 : 0));
  return { requests, rate: requests / seconds, errors, errorRate: requests ? errors / requests : 0, p50Ms: q[0] ?? 0, p95Ms: q[1] ?? 0, p99Ms: q[2] ?? 0 };
}

export async function listServices(db: Reader, namespace: string, range: TimeRange): Promise<ServiceSummary[]> {
  const rows = await db.query<RedRow & { service: string; spans: string; instances: string; last: string }>(
    `SELECT ServiceName AS service, count() AS spans,
       uniqExact(if(ResourceAttributes['service.instance.id'] != '', ResourceAttributes['service.instance.id'], ResourceAttributes['host.name'])) AS instances,
       toUnixTimestamp64Milli(max(Timestamp)) AS last, ${RED_COLUMNS}
     FROM otel_traces
     WHERE Namespace = {ns:String} AND ${SPAN_IN_RANGE}
     GROUP BY ServiceName ORDER BY ServiceName`,
    { ns: namespace, ...rangeParams(range) },
  );
  const seconds = Math.max(1, (range.toMs - range.fromMs) / 1000);
  return rows.map((r) => ({ service: r.service, spans: Number(r.spans), instances: Number(r.instances), lastSeenMs: Number(r.last), ...red(r, seconds) }));
}

/** RED per operation (entry span name) of the given services (all when empty). */
export async function operationRed(db: Reader, namespace: string, services: string[], range: TimeRange): Promise<OperationRed[]> {
  const rows = await db.query<RedRow & { service: string; operation: string }>(
    `SELECT ServiceName AS service, SpanName AS operation, ${RED_COLUMNS}
     FROM otel_traces
     WHERE Namespace = {ns:String} AND ${SPAN_IN_RANGE} AND ${ENTRY_SPAN}
       AND (empty({services:Array(String)}) OR has({services:Array(String)}, ServiceName))
     GROUP BY ServiceName, SpanName ORDER BY ServiceName, requests DESC
     LIMIT 500`,
    { ns: namespace, services, ...rangeParams(range) },
  );
  const seconds = Math.max(1, (range.toMs - range.fromMs) / 1000);
  return rows.map((r) => ({ service: r.service, operation: r.operation, ...red(r, seconds) }));
}

export async function serviceRed(db: Reader, namespace: string, services: string[], range: TimeRange): Promise<Array<Red & { service: string }>> {
  const rows = await db.query<RedRow & { service: string }>(
    `SELECT ServiceName AS service, ${RED_COLUMNS}
     FROM otel_traces
     WHERE Namespace = {ns:String} AND ${SPAN_IN_RANGE}
       AND (empty({services:Array(String)}) OR has({services:Array(String)}, ServiceName))
     GROUP BY ServiceName ORDER BY ServiceName`,
    { ns: namespace, services, ...rangeParams(range) },
  );
  const seconds = Math.max(1, (range.toMs - range.fromMs) / 1000);
  return rows.map((r) => ({ service: r.service, ...red(r, seconds) }));
}
