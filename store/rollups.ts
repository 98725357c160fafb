// DDL of the rollups: per-minute and hourly aggregates of spans and of the runtime metrics, kept
// by materialized views (the minute ones from the raw tables, the hourly ones from the minute ones).
// Reads of long windows aggregate these (store/queries/span-minutes.ts, runtime.ts).
import {
  ENTRY_SPAN,
  HISTOGRAM_METRICS,
  LATENCY,
  ROLLUP_TABLES,
  RUNTIME_METRIC_NAMES,
  type RollupTable,
} from './telemetry-names.js';
import { INSTANCE_FROM_RESOURCE, ttlFor, type Retention } from './schema.js';

/**
 * A rollup table, by minute or by hour: its columns, and its key after time. Rollup tables are read
 * by time window across services, so time leads their order, and small granules (a few minutes of
 * rows each) keep a short window from reading, and decoding the states of, rows outside it. Minute
 * tables are partitioned by day and drop whole parts at their TTL; hour tables by week.
 */
function rollupTable(table: RollupTable, columns: string[], key: string, retentionSeconds: number): string {
  const time = table.endsWith('_1h') ? 'Hour' : 'Minute';
  return `CREATE TABLE IF NOT EXISTS ${table} (
    ${columns.join(',\n    ').replace('$TIME', `${time} DateTime CODEC(Delta, ZSTD(1))`)}
) ENGINE = AggregatingMergeTree
PARTITION BY ${time === 'Hour' ? 'toStartOfWeek(Hour)' : 'toDate(Minute)'}
ORDER BY (Namespace, ${time}, ${key})
TTL ${ttlFor(table, retentionSeconds)}
SETTINGS index_granularity = 1024${time === 'Minute' ? ', ttl_only_drop_parts = 1' : ''}`;
}

const SERVICE = ['Namespace LowCardinality(String)', 'ServiceName LowCardinality(String)'];

/** Span counts per service, operation, instance and whether the span enters its service. */
const spanCountsTable = (table: RollupTable, r: Retention) =>
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
 * read for counts only, so their rows carry none).
 */
const latencyTable = (table: RollupTable, r: Retention) =>
  rollupTable(
    table,
    [...SERVICE, 'SpanName LowCardinality(String)', '$TIME', `Latency ${LATENCY.type}`],
    'ServiceName, SpanName',
    r.traces,
  );

/** Per runtime-metric series, the first and last value with their times. */
const runtimeTable = (table: RollupTable, r: Retention) =>
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

/** One per-minute rollup row from spans, grouped (the view's SELECT, and the backfill's). */
export const RED_1M_SELECT = `SELECT Namespace, ServiceName, SpanName,
  ${INSTANCE_FROM_RESOURCE} AS ServiceInstance, ${ENTRY_SPAN} AS IsEntry, toStartOfMinute(Timestamp) AS Minute,
  count() AS Spans, countIf(StatusCode = 'Error') AS Errors, max(Timestamp) AS Last, anyLast(ResourceAttributes['service.version']) AS Version
FROM otel_traces
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Minute`;

/** One per-minute latency row from entry spans (the view's SELECT, and the backfill's). */
export const LATENCY_1M_SELECT = `SELECT Namespace, ServiceName, SpanName, toStartOfMinute(Timestamp) AS Minute,
  ${LATENCY.state}(Duration) AS Latency
FROM otel_traces
WHERE ${ENTRY_SPAN}
GROUP BY Namespace, ServiceName, SpanName, Minute`;

/**
 * Per-minute rollups of spans: counts (spans, errors, last seen) per namespace, service, operation,
 * instance and whether the span enters its service, and latency states per operation of entry
 * spans. Reads of windows past a few minutes aggregate these instead of every span, so their cost
 * follows the window in minutes, not the traffic. Kept as long as the traces (TTL on Minute).
 */
export const spans1mDdl = (r: Retention): string[] => spanRollupDdl(r, '1m', RED_1M_SELECT, LATENCY_1M_SELECT);

/** The span rollups of one grain: the counts table and the latency table, each with its view. */
function spanRollupDdl(r: Retention, grain: '1m' | '1h', redSelect: string, latencySelect: string): string[] {
  const [red, latency] = [`otel_traces_red_${grain}`, `otel_traces_latency_${grain}`] as const;
  return [
    spanCountsTable(red, r),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${red}_mv TO ${red} AS\n${redSelect}`,
    latencyTable(latency, r),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${latency}_mv TO ${latency} AS\n${latencySelect}`,
  ];
}

/** The runtime metrics per-instance stats read: the candidate lists of store/queries/runtime.ts. */
export const RUNTIME_METRICS = { values: RUNTIME_METRIC_NAMES, sums: HISTOGRAM_METRICS } as const;

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/** One per-minute runtime rollup row from a metric table's points (the views' SELECT and the backfills'). */
export function runtime1mSelect(table: 'otel_metrics_gauge' | 'otel_metrics_sum' | 'otel_metrics_histogram'): string {
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

/** The view that rolls a metric table's runtime points up into `otel_runtime_1m`. */
const runtimeViewOf = (source: (typeof RUNTIME_SOURCES)[number]) =>
  `${source.replace('otel_metrics_', 'otel_runtime_1m_')}_mv`;

/** Every rollup view, hourly ones first (they read the minute tables): one per table, three for the runtime minutes. */
export const ROLLUP_VIEWS: readonly string[] = ROLLUP_TABLES.flatMap((t) =>
  t === 'otel_runtime_1m' ? RUNTIME_SOURCES.map(runtimeViewOf) : [`${t}_mv`],
);

/**
 * Per-minute rollups of the runtime metrics (first and last value with their times, per series):
 * per-instance stats over a day read a row a minute per series instead of every point.
 */
export function runtime1mDdl(r: Retention): string[] {
  return [
    runtimeTable('otel_runtime_1m', r),
    ...RUNTIME_SOURCES.map(
      (t) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${runtimeViewOf(t)} TO otel_runtime_1m AS
${runtime1mSelect(t)}`,
    ),
  ];
}

/** Hourly rows from the per-minute span rollup (the view's SELECT, and the backfill's). */
export const RED_1H_SELECT = `SELECT Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, toStartOfHour(Minute) AS Hour,
  sum(Spans) AS Spans, sum(Errors) AS Errors, max(Last) AS Last, anyLast(Version) AS Version
FROM otel_traces_red_1m
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Hour`;

/** Hourly latency rows from the per-minute ones. */
export const LATENCY_1H_SELECT = `SELECT Namespace, ServiceName, SpanName, toStartOfHour(Minute) AS Hour,
  ${LATENCY.mergeState}(Latency) AS Latency
FROM otel_traces_latency_1m
GROUP BY Namespace, ServiceName, SpanName, Hour`;

/** Hourly rows from the per-minute runtime rollup. */
const RUNTIME_1H_SELECT = `SELECT Namespace, ServiceName, ServiceInstance, MetricName, Attributes,
  toStartOfHour(Minute) AS Hour, argMinMergeState(First) AS First, argMaxMergeState(Last) AS Last,
  min(FirstAt) AS FirstAt, max(LastAt) AS LastAt, anyLast(Version) AS Version
FROM otel_runtime_1m
GROUP BY Namespace, ServiceName, ServiceInstance, MetricName, Attributes, Hour`;

/**
 * Hourly rollups on top of the minute ones (a view on each minute table): a day's stats read 24 rows
 * per series instead of 1,440, and the minute rows only for the window's partial hours.
 */
export function hourlyDdl(r: Retention): string[] {
  return [...spanRollupDdl(r, '1h', RED_1H_SELECT, LATENCY_1H_SELECT), ...runtime1hDdl(r)];
}

function runtime1hDdl(r: Retention): string[] {
  return [
    runtimeTable('otel_runtime_1h', r),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_runtime_1h_mv TO otel_runtime_1h AS
${RUNTIME_1H_SELECT}`,
  ];
}
