// DDL of the rollups: per-minute and hourly aggregates of spans and of the runtime metrics, kept
// by materialized views (the minute ones from the raw tables, the hourly ones from the minute ones).
// Reads of long windows aggregate these (store/queries/span-minutes.ts, runtime.ts).
import { ENTRY_SPAN, HISTOGRAM_METRICS, RUNTIME_METRIC_NAMES } from './telemetry-names.js';
import { INSTANCE_FROM_RESOURCE, ttlFor, type Retention } from './schema.js';

/** A span rollup table, by minute or by hour (`time` names its time column). */
const spanRollupTable = (table: string, time: 'Minute' | 'Hour', partition: string, ttl: string, settings = '') =>
  `CREATE TABLE IF NOT EXISTS ${table} (
    Namespace LowCardinality(String),
    ServiceName LowCardinality(String),
    SpanName LowCardinality(String),
    ServiceInstance LowCardinality(String),
    IsEntry Bool,
    ${time} DateTime CODEC(Delta, ZSTD(1)),
    Spans SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantiles(0.5, 0.95, 0.99), UInt64),
    Last SimpleAggregateFunction(max, DateTime64(9)),
    Version SimpleAggregateFunction(anyLast, String)
) ENGINE = AggregatingMergeTree
PARTITION BY ${partition}
ORDER BY (Namespace, ServiceName, ${time}, IsEntry, SpanName, ServiceInstance)
TTL ${ttl}${settings}`;

/** A runtime-metrics rollup table, by minute or by hour. */
const runtimeRollupTable = (table: string, time: 'Minute' | 'Hour', partition: string, ttl: string, settings = '') =>
  `CREATE TABLE IF NOT EXISTS ${table} (
    Namespace LowCardinality(String),
    ServiceName LowCardinality(String),
    ServiceInstance LowCardinality(String),
    MetricName LowCardinality(String),
    Attributes Map(LowCardinality(String), String),
    ${time} DateTime CODEC(Delta, ZSTD(1)),
    First AggregateFunction(argMin, Float64, DateTime64(9)),
    Last AggregateFunction(argMax, Float64, DateTime64(9)),
    FirstAt SimpleAggregateFunction(min, DateTime64(9)),
    LastAt SimpleAggregateFunction(max, DateTime64(9)),
    Version SimpleAggregateFunction(anyLast, String)
) ENGINE = AggregatingMergeTree
PARTITION BY ${partition}
ORDER BY (Namespace, ServiceName, ${time}, MetricName, ServiceInstance, Attributes)
TTL ${ttl}${settings}`;

const DROP_WHOLE_PARTS = '\nSETTINGS ttl_only_drop_parts = 1';

/** One per-minute rollup row from spans, grouped (the view's SELECT, and the backfill's). */
export const RED_1M_SELECT = `SELECT Namespace, ServiceName, SpanName,
  ${INSTANCE_FROM_RESOURCE} AS ServiceInstance, ${ENTRY_SPAN} AS IsEntry, toStartOfMinute(Timestamp) AS Minute,
  count() AS Spans, countIf(StatusCode = 'Error') AS Errors, quantilesState(0.5, 0.95, 0.99)(Duration) AS Latency,
  max(Timestamp) AS Last, anyLast(ResourceAttributes['service.version']) AS Version
FROM otel_traces
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Minute`;

/**
 * Per-minute rollups of spans (count, errors, latency quantile states, last seen) per namespace,
 * service, operation, instance and whether the span enters its service: reads of windows past a
 * few minutes aggregate these instead of every span, so their cost follows the window in minutes,
 * not the traffic. Kept as long as the traces (TTL on Minute).
 */
export function red1mDdl(r: Retention): string[] {
  return [
    spanRollupTable(
      'otel_traces_red_1m',
      'Minute',
      'toDate(Minute)',
      ttlFor('otel_traces_red_1m', r.traces),
      DROP_WHOLE_PARTS,
    ),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_red_1m_mv TO otel_traces_red_1m AS
${RED_1M_SELECT}`,
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

/**
 * Per-minute rollups of the runtime metrics (first and last value with their times, per series):
 * per-instance stats over a day read a row a minute per series instead of every point.
 */
export function runtime1mDdl(r: Retention): string[] {
  return [
    runtimeRollupTable(
      'otel_runtime_1m',
      'Minute',
      'toDate(Minute)',
      ttlFor('otel_runtime_1m', r.metrics),
      DROP_WHOLE_PARTS,
    ),
    ...RUNTIME_SOURCES.map(
      (
        t,
      ) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.replace('otel_metrics_', 'otel_runtime_1m_')}_mv TO otel_runtime_1m AS
${runtime1mSelect(t)}`,
    ),
  ];
}

/** Hourly rows from the per-minute span rollup (the view's SELECT, and the backfill's). */
export const RED_1H_SELECT = `SELECT Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, toStartOfHour(Minute) AS Hour,
  sum(Spans) AS Spans, sum(Errors) AS Errors, quantilesMergeState(0.5, 0.95, 0.99)(Latency) AS Latency,
  max(Last) AS Last, anyLast(Version) AS Version
FROM otel_traces_red_1m
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Hour`;

/** Hourly rows from the per-minute runtime rollup. */
export const RUNTIME_1H_SELECT = `SELECT Namespace, ServiceName, ServiceInstance, MetricName, Attributes,
  toStartOfHour(Minute) AS Hour, argMinMergeState(First) AS First, argMaxMergeState(Last) AS Last,
  min(FirstAt) AS FirstAt, max(LastAt) AS LastAt, anyLast(Version) AS Version
FROM otel_runtime_1m
GROUP BY Namespace, ServiceName, ServiceInstance, MetricName, Attributes, Hour`;

/**
 * Hourly rollups on top of the minute ones (a view on each minute table): a day's stats read 24 rows
 * per series instead of 1,440, and the minute rows only for the window's partial hours.
 */
export function hourlyDdl(r: Retention): string[] {
  return [
    spanRollupTable('otel_traces_red_1h', 'Hour', 'toStartOfWeek(Hour)', ttlFor('otel_traces_red_1h', r.traces)),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_red_1h_mv TO otel_traces_red_1h AS
${RED_1H_SELECT}`,
    runtimeRollupTable('otel_runtime_1h', 'Hour', 'toStartOfWeek(Hour)', ttlFor('otel_runtime_1h', r.metrics)),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_runtime_1h_mv TO otel_runtime_1h AS
${RUNTIME_1H_SELECT}`,
  ];
}
