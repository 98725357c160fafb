// Services seen in a range, with their request rate and errors (RED) from entry spans.
import { IN_SERVICES, type Reader, type TimeRange, inScope, scopeParams, type ReadScope } from './common.js';
import { LATENCY } from '../telemetry-names.js';
import {
  quantilesMs,
  rateSeconds,
  readWindow,
  spanCounts,
  spanLatency,
  type ReadWindow,
  type SpanSource,
} from './span-minutes.js';

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

interface CountRow {
  requests: string;
  errors: string;
}

function red(row: CountRow, q: number[] | undefined, seconds: number): Red {
  const requests = Number(row.requests);
  const errors = Number(row.errors);
  const [p50Ms, p95Ms, p99Ms] = quantilesMs(q);
  return {
    requests,
    rate: requests / seconds,
    errors,
    errorRate: requests ? errors / requests : 0,
    p50Ms,
    p95Ms,
    p99Ms,
  };
}

/**
 * Latency quantiles of entry spans per service (keyed by its name) and, with `byOperation`, per
 * operation too (keyed service NUL operation).
 */
async function latencyOf(
  db: Reader,
  scope: ReadScope | string,
  read: ReadWindow,
  where: string,
  params: Record<string, unknown>,
  byOperation: boolean,
): Promise<Map<string, number[]>> {
  const from = spanLatency(read, where);
  const rows = await db.query<{ service: string; operation: string; g: number; q: number[] }>(
    byOperation
      ? `SELECT ServiceName AS service, SpanName AS operation, grouping(SpanName) AS g, ${LATENCY.merge}(Latency) AS q
         FROM (${from.sql})
         GROUP BY GROUPING SETS ((ServiceName), (ServiceName, SpanName))`
      : `SELECT ServiceName AS service, '' AS operation, 1 AS g, ${LATENCY.merge}(Latency) AS q
         FROM (${from.sql})
         GROUP BY ServiceName`,
    { ...scopeParams(scope), ...params, ...from.params },
  );
  const out = new Map<string, number[]>();
  // grouping() is 1 for the per-service rows (the operation aggregated away).
  for (const r of rows) out.set(Number(r.g) === 1 ? r.service : `${r.service}\u0000${r.operation}`, r.q);
  return out;
}

export async function listServices(
  db: Reader,
  scope: ReadScope | string,
  range: TimeRange,
  source: SpanSource = 'auto',
): Promise<ServiceSummary[]> {
  const read = readWindow(range, source);
  const from = spanCounts(read, inScope(scope), false);
  const [rows, latency] = await Promise.all([
    db.query<CountRow & { service: string; spans: string; instances: string; last: string }>(
      `SELECT ServiceName AS service, sum(Spans) AS spans, uniqExact(ServiceInstance) AS instances,
         toUnixTimestamp64Milli(max(Last)) AS last,
         sumIf(Spans, IsEntry = 1) AS requests, sumIf(Errors, IsEntry = 1) AS errors
       FROM (${from.sql})
       GROUP BY ServiceName ORDER BY ServiceName`,
      { ...scopeParams(scope), ...from.params },
    ),
    latencyOf(db, scope, read, inScope(scope), {}, false),
  ]);
  const seconds = rateSeconds(range, read);
  return rows.map((r) => ({
    service: r.service,
    spans: Number(r.spans),
    instances: Number(r.instances),
    lastSeenMs: Number(r.last),
    ...red(r, latency.get(r.service), seconds),
  }));
}

/**
 * RED per service and per operation, and requests and errors per instance, of the given
 * services (all when empty): counts in one read of entry spans, latency in another.
 */
export async function serviceActivity(
  db: Reader,
  scope: ReadScope | string,
  services: string[],
  range: TimeRange,
  source: SpanSource = 'auto',
): Promise<Activity> {
  const read = readWindow(range, source);
  const where = `${inScope(scope)} AND ${IN_SERVICES}`;
  const from = spanCounts(read, where, true);
  const [rows, latency] = await Promise.all([
    db.query<CountRow & { service: string; operation: string; instance: string; version: string; g: number }>(
      `SELECT ServiceName AS service, SpanName AS operation, ServiceInstance AS instance, anyLast(Version) AS version,
         grouping(SpanName, ServiceInstance) AS g, sum(Spans) AS requests, sum(Errors) AS errors
       FROM (${from.sql})
       GROUP BY GROUPING SETS ((ServiceName), (ServiceName, SpanName), (ServiceName, ServiceInstance))
       ORDER BY service, requests DESC`,
      { ...scopeParams(scope), services, ...from.params },
    ),
    latencyOf(db, scope, read, where, { services }, true),
  ]);
  const seconds = rateSeconds(range, read);
  // grouping() sets a bit for each column aggregated away: 3 = per service, 1 = per operation, 2 = per instance.
  const out: Activity = { services: [], operations: [], instances: [] };
  for (const r of rows) {
    const g = Number(r.g);
    if (g === 3) out.services.push({ service: r.service, ...red(r, latency.get(r.service), seconds) });
    else if (g === 1 && out.operations.length < 500)
      out.operations.push({
        service: r.service,
        operation: r.operation,
        ...red(r, latency.get(`${r.service}\u0000${r.operation}`), seconds),
      });
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
