// DDL of the rollups: per-minute and hourly aggregates of spans and of the runtime metrics, kept
// by materialized views, both grains in one table per kind, written by one view per source table.
// Reads of long windows aggregate these (store/queries/span-minutes.ts, runtime.ts).
import { ENTRY_SPAN, GRAINS, HISTOGRAM_METRICS, LATENCY, RUNTIME_METRIC_NAMES } from './telemetry-names.js';
import { INSTANCE_FROM_RESOURCE, ttlAfter, type Retention } from './schema.js';

/**
 * A rollup table, by minute, by hour, or both (`Grain`, the minutes a row covers, then `Time`): its
 * columns, and its key after time. Rollup tables are read by time window across services, so time
 * leads their order (after the grain), and small granules (a few minutes of rows each) keep a short
 * window from reading, and decoding the states of, rows outside it. Tables with minute rows are
 * partitioned by day and drop whole parts at their TTL; hour-only tables by week.
 */
function rollupTable(table: string, columns: string[], key: string, retentionSeconds: number): string {
  // Today's tables hold both grains (`Time`); those of one grain, which migrations 19 to 26 made
  // (rollups-legacy.ts), are named for it and keep their `Hour` or `Minute`.
  const time = table.endsWith('_1h') ? 'Hour' : table.endsWith('_1m') ? 'Minute' : 'Time';
  const timeColumns = `${time === 'Time' ? 'Grain UInt8,\n    ' : ''}${time} DateTime CODEC(Delta, ZSTD(1))`;
  return `CREATE TABLE IF NOT EXISTS ${table} (
    ${columns.join(',\n    ').replace('$TIME', timeColumns)}
) ENGINE = AggregatingMergeTree
PARTITION BY ${time === 'Hour' ? 'toStartOfWeek(Hour)' : `toDate(${time})`}
ORDER BY (Namespace, ${time === 'Time' ? 'Grain, ' : ''}${time}, ${key})
TTL ${ttlAfter(time, retentionSeconds)}
SETTINGS index_granularity = 1024${time === 'Hour' ? '' : ', ttl_only_drop_parts = 1'}`;
}

const SERVICE = ['Namespace LowCardinality(String)', 'ServiceName LowCardinality(String)'];

/**
 * Span counts per service, operation, instance and whether the span enters its service, by minute
 * and by hour in one table (`Grain`: the minutes a row covers).
 */
export const spanCountsTable = (table: string, r: Retention): string =>
  rollupTable(
    table,
    [
      ...SERVICE,
      'SpanName LowCardinality(String)',
      'ServiceInstance LowCardinality(String)',
      'IsEntry Bool',
      '$TIME',
      'Spans SimpleAggregateFunction(sum, UInt64)',
      'Errors SimpleAggregateFunction(sum, UInt64)',
      'Last SimpleAggregateFunction(max, DateTime64(9))',
      'Version SimpleAggregateFunction(anyLast, String)',
    ],
    'ServiceName, IsEntry, SpanName, ServiceInstance',
    r.traces,
  );

/**
 * One DDSketch state of the latency per operation of entry spans (instances and the other spans are
 * read for counts only, so their rows carry none), by minute and by hour.
 */
export const latencyTable = (table: string, r: Retention): string =>
  rollupTable(
    table,
    [...SERVICE, 'SpanName LowCardinality(String)', '$TIME', `Latency ${LATENCY.type}`],
    'ServiceName, SpanName',
    r.traces,
  );

/** Per runtime-metric series, the first and last value with their times. */
export const runtimeTable = (table: string, r: Retention): string =>
  rollupTable(
    table,
    [
      ...SERVICE,
      'ServiceInstance LowCardinality(String)',
      'MetricName LowCardinality(String)',
      'Attributes Map(LowCardinality(String), String)',
      '$TIME',
      'First AggregateFunction(argMin, Float64, DateTime64(9))',
      'Last AggregateFunction(argMax, Float64, DateTime64(9))',
      'FirstAt SimpleAggregateFunction(min, DateTime64(9))',
      'LastAt SimpleAggregateFunction(max, DateTime64(9))',
      'Version SimpleAggregateFunction(anyLast, String)',
    ],
    'ServiceName, MetricName, ServiceInstance, Attributes',
    r.metrics,
  );

/**
 * The rows of both grains from rows by minute (their start in the column `minute`): each minute row
 * once as itself and once into its hour. Hours are summed from minutes, not from the raw rows again,
 * so a span or a metric point is aggregated once.
 */
const bothGrains = (minute: string): string =>
  `ARRAY JOIN [(toUInt8(${GRAINS.minute}), ${minute}), (toUInt8(${GRAINS.hour}), toStartOfHour(${minute}))] AS g`;

/** Span count rows, by minute and by hour (the view's SELECT, and the backfill's). */
export const RED_SELECT = `SELECT Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, g.1 AS Grain, g.2 AS Time,
  sum(S) AS Spans, sum(E) AS Errors, max(L) AS Last, anyLast(V) AS Version
FROM (
  SELECT Namespace, ServiceName, SpanName, ${INSTANCE_FROM_RESOURCE} AS ServiceInstance, ${ENTRY_SPAN} AS IsEntry,
    toStartOfMinute(Timestamp) AS M, count() AS S, countIf(StatusCode = 'Error') AS E, max(Timestamp) AS L,
    anyLast(ResourceAttributes['service.version']) AS V
  FROM otel_traces
  GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, M
)
${bothGrains('M')}
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, g`;

/** Latency rows of entry spans, by minute and by hour (the view's SELECT, and the backfill's). */
export const LATENCY_SELECT = `SELECT Namespace, ServiceName, SpanName, g.1 AS Grain, g.2 AS Time,
  ${LATENCY.mergeState}(St) AS Latency
FROM (
  SELECT Namespace, ServiceName, SpanName, toStartOfMinute(Timestamp) AS M, ${LATENCY.state}(Duration) AS St
  FROM otel_traces
  WHERE ${ENTRY_SPAN}
  GROUP BY Namespace, ServiceName, SpanName, M
)
${bothGrains('M')}
GROUP BY Namespace, ServiceName, SpanName, g`;

/**
 * The span rollups: counts (spans, errors, last seen) per namespace, service, operation, instance
 * and whether the span enters its service, and latency states per operation of entry spans, each
 * by minute and by hour in one table. Reads of windows past a few minutes aggregate these instead
 * of every span (whole hours from the hour rows), so their cost follows the window, not the
 * traffic. One table per kind, not per grain: every table a view writes costs each insert a part
 * and the merges after it (two views instead of four: 10% less engine CPU a span, README).
 * Kept as long as the traces (TTL on Time).
 */
export function spanRollupsDdl(r: Retention): string[] {
  return [
    spanCountsTable('otel_traces_red', r),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_red_mv TO otel_traces_red AS\n${RED_SELECT}`,
    latencyTable('otel_traces_latency', r),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_latency_mv TO otel_traces_latency AS\n${LATENCY_SELECT}`,
  ];
}

/** The runtime metrics per-instance stats read: the candidate lists of store/queries/runtime.ts. */
export const RUNTIME_METRICS = { values: RUNTIME_METRIC_NAMES, sums: HISTOGRAM_METRICS } as const;

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * Runtime rollup rows by minute from a metric table's points: what `runtimeSelect` sums into both
 * grains, and what the minute table of migrations 19 to 26 held (rollups-legacy.ts).
 */
export function runtime1mSelect(table: RuntimeSource): string {
  const value = table === 'otel_metrics_histogram' ? 'Sum' : 'Value';
  const names = table === 'otel_metrics_histogram' ? RUNTIME_METRICS.sums : RUNTIME_METRICS.values;
  return `SELECT Namespace, ServiceName, ${INSTANCE_FROM_RESOURCE} AS ServiceInstance, MetricName, Attributes,
  toStartOfMinute(TimeUnix) AS Minute, argMinState(${value}, TimeUnix) AS First, argMaxState(${value}, TimeUnix) AS Last,
  min(TimeUnix) AS FirstAt, max(TimeUnix) AS LastAt, anyLast(ResourceAttributes['service.version']) AS Version
FROM ${table}
WHERE MetricName IN (${quoted(names)})
GROUP BY Namespace, ServiceName, ServiceInstance, MetricName, Attributes, Minute`;
}

export const RUNTIME_SOURCES = ['otel_metrics_gauge', 'otel_metrics_sum', 'otel_metrics_histogram'] as const;
export type RuntimeSource = (typeof RUNTIME_SOURCES)[number];

/** Runtime rollup rows, by minute and by hour, from a metric table's points (its view's SELECT, and the backfill's). */
export function runtimeSelect(source: RuntimeSource): string {
  return `SELECT Namespace, ServiceName, ServiceInstance, MetricName, Attributes, g.1 AS Grain, g.2 AS Time,
  argMinMergeState(First) AS First, argMaxMergeState(Last) AS Last, min(FirstAt) AS FirstAt, max(LastAt) AS LastAt,
  anyLast(Version) AS Version
FROM (
${runtime1mSelect(source)}
)
${bothGrains('Minute')}
GROUP BY Namespace, ServiceName, ServiceInstance, MetricName, Attributes, g`;
}

/**
 * The runtime rollup: per runtime-metric series, the first and last value with their times, by
 * minute and by hour in one table (`Grain`), written by a view on each metric table that runtime
 * metrics arrive in. Per-instance stats over a day read 24 hour rows a series, and minute rows
 * only for the window's partial hours. Kept as long as the metrics (TTL on Time).
 */
export function runtimeRollupDdl(r: Retention): string[] {
  return [
    runtimeTable('otel_runtime', r),
    ...RUNTIME_SOURCES.map(
      (
        t,
      ) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.replace('otel_metrics_', 'otel_runtime_')}_mv TO otel_runtime AS
${runtimeSelect(t)}`,
    ),
  ];
}
