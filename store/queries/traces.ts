// Trace search, one trace by id (bounded by the trace-id lookup table, never a full scan), and
// the service dependency graph from parent/child spans across services.
import {
  TIMESTAMP_IN_RANGE,
  capLimit,
  rangeParams,
  type Reader,
  type TimeRange,
  inScope,
  scopeParams,
  type ReadScope,
} from './common.js';

export interface TraceFilter {
  service?: string;
  operation?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  errorsOnly?: boolean;
  /** Span or resource attributes that must equal the value. */
  attributes?: Array<[string, string]>;
  limit?: number;
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startMs: number;
  durationMs: number;
  spans: number;
  errors: number;
  services: string[];
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  kind: string;
  startMs: number;
  /** Nanoseconds since the epoch, as text (beyond a double's precision). */
  startNs: string;
  durationMs: number;
  status: string;
  statusMessage: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  events: Array<{ timeMs: number; name: string; attributes: Record<string, string> }>;
}

export async function searchTraces(
  db: Reader,
  scope: ReadScope | string,
  range: TimeRange,
  f: TraceFilter,
): Promise<TraceSummary[]> {
  const params: Record<string, unknown> = {
    ...scopeParams(scope),
    ...rangeParams(range),
    limit: capLimit(f.limit, 20),
  };
  const where = [inScope(scope), TIMESTAMP_IN_RANGE];
  if (f.service) {
    where.push('ServiceName = {service:String}');
    params.service = f.service;
  }
  if (f.operation) {
    where.push('SpanName = {operation:String}');
    params.operation = f.operation;
  }
  if (f.minDurationMs !== undefined) {
    where.push('Duration >= {minDuration:UInt64}');
    params.minDuration = Math.round(f.minDurationMs * 1e6);
  }
  if (f.maxDurationMs !== undefined) {
    where.push('Duration <= {maxDuration:UInt64}');
    params.maxDuration = Math.round(f.maxDurationMs * 1e6);
  }
  if (f.errorsOnly) where.push("StatusCode = 'Error'");
  (f.attributes ?? []).forEach(([k, v], i) => {
    where.push(
      `(SpanAttributes[{k${i}:String}] = {v${i}:String} OR ResourceAttributes[{k${i}:String}] = {v${i}:String})`,
    );
    params[`k${i}`] = k;
    params[`v${i}`] = v;
  });
  const rows = await db.query<{
    traceId: string;
    start: string;
    end: string;
    spans: string;
    errors: string;
    rootService: string;
    rootOperation: string;
    services: string[];
  }>(
    `WITH matching AS (
       SELECT TraceId FROM otel_traces WHERE ${where.join(' AND ')}
       GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {limit:UInt32}
     )
     SELECT TraceId AS traceId,
       toString(toUnixTimestamp64Nano(min(Timestamp))) AS start,
       toString(max(toUnixTimestamp64Nano(Timestamp) + Duration)) AS end,
       count() AS spans, countIf(StatusCode = 'Error') AS errors,
       argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS rootService,
       argMinIf(SpanName, Timestamp, ParentSpanId = '') AS rootOperation,
       groupUniqArray(ServiceName) AS services
     FROM otel_traces
     WHERE ${inScope(scope)} AND TraceId IN (SELECT TraceId FROM matching)
       AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) - INTERVAL 1 HOUR
       AND Timestamp < fromUnixTimestamp64Milli({to:Int64}) + INTERVAL 1 HOUR
     GROUP BY TraceId ORDER BY min(Timestamp) DESC`,
    params,
  );
  return rows.map((r) => ({
    traceId: r.traceId,
    rootService: r.rootService,
    rootOperation: r.rootOperation,
    startMs: Number(BigInt(r.start) / 1000n) / 1000,
    durationMs: Number(BigInt(r.end) - BigInt(r.start)) / 1e6,
    spans: Number(r.spans),
    errors: Number(r.errors),
    services: [...r.services].sort(),
  }));
}

/** The most spans trace by id returns (a trace past it keeps its earliest spans). */
const MAX_TRACE_SPANS = 100_000;

interface TraceRow {
  SpanId: string;
  ParentSpanId: string;
  ServiceName: string;
  SpanName: string;
  SpanKind: string;
  ts: string;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
  evTimes: string[];
  evNames: string[];
  evAttrs: Array<Record<string, string>>;
}

/** By start: nanoseconds as decimal strings, so a shorter one is earlier and equal lengths compare as text. */
const byStart = (a: TraceRow, b: TraceRow): number =>
  a.ts.length - b.ts.length || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

export async function traceById(
  db: Reader,
  scope: ReadScope | string,
  traceId: string,
  maxSpans = MAX_TRACE_SPANS,
): Promise<SpanRecord[]> {
  // Spans are ordered by hour, then trace id (migration 24): the primary index finds the one
  // granule of each hour the trace can be in, without knowing when it ran, the bloom filter on the
  // trace id rules out all but the trace's own, and the rest is read from that granule.
  // Bounding the hours first through the trace-id lookup table cost more than it saved (1M spans
  // of bench/storage's corpus: 14-16 ms p50 with the lookup read first, 11-12 without).
  // About 40% of what is left is the engine's fixed cost of a query (parsing, analysis, planning),
  // so the read asks for no sorting (the spans are sorted here; only a trace past the cap is read
  // again in order, to keep its earliest) and is planned by the engine's older analyzer, which
  // plans this simple read in less time (README, "Trace by id"). It runs on one thread: a trace is
  // a granule or a few, and a second thread only cost their hand-overs (4-5% of the read, 1M spans).
  // The query plan's optimisations (push-downs, read in order, projections) have nothing to do in a
  // read of one table by its key without an order; skipping them took 2-3% off (10M spans).
  const select = `SELECT SpanId, ParentSpanId, ServiceName, SpanName, SpanKind,
       toString(toUnixTimestamp64Nano(Timestamp)) AS ts, toString(Duration) AS Duration, StatusCode, StatusMessage,
       SpanAttributes, ResourceAttributes,
       arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS evTimes, Events.Name AS evNames,
       Events.Attributes AS evAttrs
     FROM otel_traces
     WHERE ${inScope(scope)} AND TraceId = {id:String}`;
  const params = { ...scopeParams(scope), id: traceId };
  const cap = Math.max(1, Math.floor(maxSpans));
  let rows = await db.query<TraceRow>(
    `${select} LIMIT ${cap + 1} SETTINGS enable_analyzer = 0, max_threads = 1, query_plan_enable_optimizations = 0`,
    params,
  );
  if (rows.length > cap) rows = await db.query<TraceRow>(`${select} ORDER BY Timestamp LIMIT ${cap}`, params);
  else rows.sort(byStart);
  return rows.map((r) => ({
    traceId,
    spanId: r.SpanId,
    parentSpanId: r.ParentSpanId,
    service: r.ServiceName,
    operation: r.SpanName,
    kind: r.SpanKind,
    startNs: r.ts,
    startMs: Number(BigInt(r.ts) / 1000n) / 1000,
    durationMs: Number(r.Duration) / 1e6,
    status: r.StatusCode,
    statusMessage: r.StatusMessage,
    attributes: r.SpanAttributes,
    resource: r.ResourceAttributes,
    events: r.evNames.map((name, i) => ({
      name,
      timeMs: Number(BigInt(r.evTimes[i] ?? '0') / 1000n) / 1000,
      attributes: r.evAttrs[i] ?? {},
    })),
  }));
}

/** Operations (span names) seen, with their span kind; of one service when given. */
export async function operations(
  db: Reader,
  scope: ReadScope | string,
  service: string | undefined,
  range: TimeRange,
): Promise<Array<{ service: string; name: string; kind: string }>> {
  const rows = await db.query<{ service: string; name: string; kind: string }>(
    `SELECT ServiceName AS service, SpanName AS name, SpanKind AS kind FROM otel_traces
     WHERE ${inScope(scope)} AND ${TIMESTAMP_IN_RANGE}${service !== undefined ? ' AND ServiceName = {service:String}' : ''}
     GROUP BY service, name, kind ORDER BY service, name, kind LIMIT 10000`,
    { ...scopeParams(scope), ...rangeParams(range), ...(service !== undefined ? { service } : {}) },
  );
  return rows;
}

export interface DependencyEdge {
  parent: string;
  child: string;
  calls: number;
  errors: number;
  errorRate: number;
}

/** Calls between services: a span whose parent span belongs to another service. */
export async function dependencies(db: Reader, scope: ReadScope | string, range: TimeRange): Promise<DependencyEdge[]> {
  const rows = await db.query<{ parent: string; child: string; calls: string; errors: string }>(
    `SELECT p.ServiceName AS parent, c.ServiceName AS child, count() AS calls, countIf(c.StatusCode = 'Error') AS errors
     FROM (SELECT TraceId, ParentSpanId, ServiceName, StatusCode FROM otel_traces
           WHERE ${inScope(scope)} AND ${TIMESTAMP_IN_RANGE} AND ParentSpanId != '') AS c
     INNER JOIN (SELECT TraceId, SpanId, ServiceName FROM otel_traces
           WHERE ${inScope(scope)} AND ${TIMESTAMP_IN_RANGE}) AS p
       ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
     WHERE p.ServiceName != c.ServiceName
     GROUP BY parent, child ORDER BY parent, child`,
    { ...scopeParams(scope), ...rangeParams(range) },
  );
  return rows.map((r) => {
    const calls = Number(r.calls);
    const errors = Number(r.errors);
    return { parent: r.parent, child: r.child, calls, errors, errorRate: calls ? errors / calls : 0 };
  });
}
