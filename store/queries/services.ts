// Services seen in a range, with their request rate and errors (RED) from entry spans.
import {
  ENTRY_SPAN,
  TIMESTAMP_IN_RANGE,
  rangeParams,
  type Reader,
  type TimeRange,
  inScope,
  scopeParams,
  type ReadScope,
} from './common.js';

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

export interface InstanceRequests {
  service: string;
  instance: string;
  version: string;
  requests: number;
  errors: number;
}

export interface Activity {
  services: Array<Red & { service: string }>;
  operations: OperationRed[];
  instances: InstanceRequests[];
}

interface RedRow {
  requests: string;
  errors: string;
  q: number[];
}

function red(row: RedRow, seconds: number): Red {
  const requests = Number(row.requests);
  const errors = Number(row.errors);
  const q = row.q.map((v) => (Number.isFinite(v) ? v / 1e6 : 0));
  return {
    requests,
    rate: requests / seconds,
    errors,
    errorRate: requests ? errors / requests : 0,
    p50Ms: q[0] ?? 0,
    p95Ms: q[1] ?? 0,
    p99Ms: q[2] ?? 0,
  };
}

export async function listServices(db: Reader, scope: ReadScope | string, range: TimeRange): Promise<ServiceSummary[]> {
  const rows = await db.query<RedRow & { service: string; spans: string; instances: string; last: string }>(
    `SELECT ServiceName AS service, count() AS spans, uniqExact(ServiceInstance) AS instances,
       toUnixTimestamp64Milli(max(Timestamp)) AS last,
       countIf(${ENTRY_SPAN}) AS requests, countIf(${ENTRY_SPAN} AND StatusCode = 'Error') AS errors,
       quantilesIf(0.5, 0.95, 0.99)(Duration, ${ENTRY_SPAN}) AS q
     FROM otel_traces
     WHERE ${inScope(scope)} AND ${TIMESTAMP_IN_RANGE}
     GROUP BY ServiceName ORDER BY ServiceName`,
    { ...scopeParams(scope), ...rangeParams(range) },
  );
  const seconds = Math.max(1, (range.toMs - range.fromMs) / 1000);
  return rows.map((r) => ({
    service: r.service,
    spans: Number(r.spans),
    instances: Number(r.instances),
    lastSeenMs: Number(r.last),
    ...red(r, seconds),
  }));
}

/**
 * RED per service and per operation, and requests and errors per instance, of the given
 * services (all when empty), in one scan of entry spans.
 */
export async function serviceActivity(
  db: Reader,
  scope: ReadScope | string,
  services: string[],
  range: TimeRange,
): Promise<Activity> {
  const rows = await db.query<
    RedRow & { service: string; operation: string; instance: string; version: string; g: number }
  >(
    `SELECT ServiceName AS service, SpanName AS operation, ServiceInstance AS instance, anyLast(ServiceVersion) AS version,
       grouping(SpanName, ServiceInstance) AS g,
       count() AS requests, countIf(StatusCode = 'Error') AS errors, quantiles(0.5, 0.95, 0.99)(Duration) AS q
     FROM otel_traces
     WHERE ${inScope(scope)} AND ${TIMESTAMP_IN_RANGE} AND ${ENTRY_SPAN}
       AND (empty({services:Array(String)}) OR has({services:Array(String)}, ServiceName))
     GROUP BY GROUPING SETS ((ServiceName), (ServiceName, SpanName), (ServiceName, ServiceInstance))
     ORDER BY service, requests DESC`,
    { ...scopeParams(scope), services, ...rangeParams(range) },
  );
  const seconds = Math.max(1, (range.toMs - range.fromMs) / 1000);
  // grouping() sets a bit for each column aggregated away: 3 = per service, 1 = per operation, 2 = per instance.
  const out: Activity = { services: [], operations: [], instances: [] };
  for (const r of rows) {
    const g = Number(r.g);
    if (g === 3) out.services.push({ service: r.service, ...red(r, seconds) });
    else if (g === 1 && out.operations.length < 500)
      out.operations.push({ service: r.service, operation: r.operation, ...red(r, seconds) });
    else if (g === 2)
      out.instances.push({
        service: r.service,
        instance: r.instance,
        version: r.version,
        requests: Number(r.requests),
        errors: Number(r.errors),
      });
  }
  return out;
}
