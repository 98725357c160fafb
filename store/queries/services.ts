// Services seen in a range, with their request rate and errors (RED) from entry spans.
import { type Reader, type TimeRange, inScope, scopeParams, type ReadScope } from './common.js';
import { spanMinutes, type SpanSource } from './span-minutes.js';

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

export async function listServices(
  db: Reader,
  scope: ReadScope | string,
  range: TimeRange,
  source: SpanSource = 'auto',
): Promise<ServiceSummary[]> {
  const from = spanMinutes(range, source, inScope(scope), false);
  const rows = await db.query<RedRow & { service: string; spans: string; instances: string; last: string }>(
    `SELECT ServiceName AS service, sum(Spans) AS spans, uniqExact(ServiceInstance) AS instances,
       toUnixTimestamp64Milli(max(Last)) AS last,
       sumIf(Spans, IsEntry = 1) AS requests, sumIf(Errors, IsEntry = 1) AS errors,
       quantilesMergeIf(0.5, 0.95, 0.99)(Latency, IsEntry = 1) AS q
     FROM (${from.sql})
     GROUP BY ServiceName ORDER BY ServiceName`,
    { ...scopeParams(scope), ...from.params },
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
  source: SpanSource = 'auto',
): Promise<Activity> {
  const from = spanMinutes(
    range,
    source,
    `${inScope(scope)} AND (empty({services:Array(String)}) OR has({services:Array(String)}, ServiceName))`,
    true,
  );
  const rows = await db.query<
    RedRow & { service: string; operation: string; instance: string; version: string; g: number }
  >(
    `SELECT ServiceName AS service, SpanName AS operation, ServiceInstance AS instance, anyLast(Version) AS version,
       grouping(SpanName, ServiceInstance) AS g,
       sum(Spans) AS requests, sum(Errors) AS errors, quantilesMerge(0.5, 0.95, 0.99)(Latency) AS q
     FROM (${from.sql})
     GROUP BY GROUPING SETS ((ServiceName), (ServiceName, SpanName), (ServiceName, ServiceInstance))
     ORDER BY service, requests DESC`,
    { ...scopeParams(scope), services, ...from.params },
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
