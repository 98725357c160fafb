// DDL of the rollups: per-minute and hourly aggregates of spans and of the runtime metrics, kept
// by materialized views (the minute ones from the raw tables, the hourly ones from the minute ones).
// Reads of long windows aggregate these (store/queries/span-minutes.ts, runtime.ts).
import { ENTRY_SPAN, HISTOGRAM_METRICS, LATENCY, RUNTIME_METRIC_NAMES } from './telemetry-names.js';
import { INSTANCE_FROM_RESOURCE, ttlFor, type Retention } from './schema.js';

/**
 * Rollup tables are read by time window across services: time leads their order, and small
 * granules (a few minutes of rows each) keep a short window from reading, and decoding the states
 * of, rows outside it.
 */
const SETTINGS = 'index_granularity = 1024';

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
    Last SimpleAggregateFunction(max, DateTime64(9)),
    Version SimpleAggregateFunction(anyLast, String)
) ENGINE = AggregatingMergeTree
PARTITION BY ${partition}
ORDER BY (Namespace, ${time}, ServiceName, IsEntry, SpanName, ServiceInstance)
TTL ${ttl}
SETTINGS ${SETTINGS}${settings}`;

/**
 * A latency rollup table, by minute or by hour: one DDSketch state per operation of entry spans
 * (instances and the other spans are read for counts only, so their rows carry none).
 */
const latencyRollupTable = (table: string, time: 'Minute' | 'Hour', partition: string, ttl: string, settings = '') =>
  `CREATE TABLE IF NOT EXISTS ${table} (
    Namespace LowCardinality(String),
    ServiceName LowCardinality(String),
    SpanName LowCardinality(String),
    ${time} DateTime CODEC(Delta, ZSTD(1)),
    Latency ${LATENCY.type}
) ENGINE = AggregatingMergeTree
PARTITION BY ${partition}
ORDER BY (Namespace, ${time}, ServiceName, SpanName)
TTL ${ttl}
SETTINGS ${SETTINGS}${settings}`;

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
ORDER BY (Namespace, ${time}, ServiceName, MetricName, ServiceInstance, Attributes)
TTL ${ttl}
SETTINGS ${SETTINGS}${settings}`;

const DROP_WHOLE_PARTS = ', ttl_only_drop_parts = 1';

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
export function spans1mDdl(r: Retention): string[] {
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
    latencyRollupTable(
      'otel_traces_latency_1m',
      'Minute',
      'toDate(Minute)',
      ttlFor('otel_traces_latency_1m', r.traces),
      DROP_WHOLE_PARTS,
    ),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_latency_1m_mv TO otel_traces_latency_1m AS
${LATENCY_1M_SELECT}`,
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
  sum(Spans) AS Spans, sum(Errors) AS Errors, max(Last) AS Last, anyLast(Version) AS Version
FROM otel_traces_red_1m
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Hour`;

/** Hourly latency rows from the per-minute ones. */
export const LATENCY_1H_SELECT = `SELECT Namespace, ServiceName, SpanName, toStartOfHour(Minute) AS Hour,
  ${LATENCY.mergeState}(Latency) AS Latency
FROM otel_traces_latency_1m
GROUP BY Namespace, ServiceName, SpanName, Hour`;

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
  return [...spans1hDdl(r), ...runtime1hDdl(r)];
}

/** The hourly span rollups (counts, and latency states). */
function spans1hDdl(r: Retention): string[] {
  return [
    spanRollupTable('otel_traces_red_1h', 'Hour', 'toStartOfWeek(Hour)', ttlFor('otel_traces_red_1h', r.traces)),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_red_1h_mv TO otel_traces_red_1h AS
${RED_1H_SELECT}`,
    latencyRollupTable(
      'otel_traces_latency_1h',
      'Hour',
      'toStartOfWeek(Hour)',
      ttlFor('otel_traces_latency_1h', r.traces),
    ),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_latency_1h_mv TO otel_traces_latency_1h AS
${LATENCY_1H_SELECT}`,
  ];
}

function runtime1hDdl(r: Retention): string[] {
  return [
    runtimeRollupTable('otel_runtime_1h', 'Hour', 'toStartOfWeek(Hour)', ttlFor('otel_runtime_1h', r.metrics)),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_runtime_1h_mv TO otel_runtime_1h AS
${RUNTIME_1H_SELECT}`,
  ];
}
