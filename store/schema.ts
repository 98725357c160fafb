// DDL of the telemetry tables. Column names and types follow the OpenTelemetry collector's
// ClickHouse exporter, so Grafana's ClickHouse data source and the exporter itself can read and
// write them. We add one column, `Namespace`, at the end: the collector sets it; rows written by
// other writers take it from the resource attribute `service.namespace` (or 'default').
// The ordering key leads with Namespace because every read is confined to one namespace.

import { ROLLUP_TABLES } from './telemetry-names.js';

export type Signal = 'traces' | 'logs' | 'metrics';

export const NAMESPACE_COLUMN =
  "Namespace LowCardinality(String) DEFAULT if(ResourceAttributes['service.namespace'] != '', ResourceAttributes['service.namespace'], 'default') CODEC(ZSTD(1))";

/** The instance a row came from: service.instance.id, else host.name. */
export const INSTANCE_FROM_RESOURCE =
  "if(ResourceAttributes['service.instance.id'] != '', ResourceAttributes['service.instance.id'], ResourceAttributes['host.name'])";

export const METRIC_TABLES = [
  'otel_metrics_gauge',
  'otel_metrics_sum',
  'otel_metrics_histogram',
  'otel_metrics_exponential_histogram',
  'otel_metrics_summary',
] as const;

/** Tables whose rows carry ResourceAttributes. */
export const RESOURCE_TABLES = [
  'otel_traces',
  'otel_logs',
  'otel_metrics_gauge',
  'otel_metrics_sum',
  'otel_metrics_histogram',
  'otel_metrics_exponential_histogram',
  'otel_metrics_summary',
] as const;

/** A TTL of `seconds` after a time expression. */
export const ttlAfter = (timeExpr: string, seconds: number): string =>
  `${timeExpr} + toIntervalSecond(${Math.floor(seconds)})`;

/** The TTL expression of each table, by signal: what retention changes in place. */
export const TABLE_TTL: ReadonlyArray<{ table: string; signal: Signal; timeExpr: string }> = [
  { table: 'otel_traces', signal: 'traces', timeExpr: 'toDateTime(Timestamp)' },
  { table: 'otel_traces_trace_id_ts', signal: 'traces', timeExpr: 'Start' },
  ...ROLLUP_TABLES.map((table) => ({
    table,
    signal: table.startsWith('otel_runtime') ? ('metrics' as const) : ('traces' as const),
    timeExpr: 'Time',
  })),
  { table: 'otel_logs', signal: 'logs', timeExpr: 'TimestampTime' },
  { table: 'otel_metrics_gauge', signal: 'metrics', timeExpr: 'toDateTime(TimeUnix)' },
  { table: 'otel_metrics_sum', signal: 'metrics', timeExpr: 'toDateTime(TimeUnix)' },
  { table: 'otel_metrics_histogram', signal: 'metrics', timeExpr: 'toDateTime(TimeUnix)' },
  { table: 'otel_metrics_exponential_histogram', signal: 'metrics', timeExpr: 'toDateTime(TimeUnix)' },
  { table: 'otel_metrics_summary', signal: 'metrics', timeExpr: 'toDateTime(TimeUnix)' },
];

export function ttlFor(table: string, seconds: number): string {
  const entry = TABLE_TTL.find((t) => t.table === table);
  if (!entry) throw new Error(`no TTL is defined for table ${table}`);
  return ttlAfter(entry.timeExpr, seconds);
}

export type Retention = Record<Signal, number>;

/**
 * How the span and log tables' parts are laid out (migrations 23 and 25). An insert (up to the
 * collector's 50k-row batches) stays a compact part: one data file, where a wide part has a file per
 * column and subcolumn. A merge of 64k rows or more makes a wide part, merged column by column (the
 * vertical algorithm): the rows of overlapping parts interleave, and merging them all columns at
 * once cost the engine three to four times as much a row (migration 25).
 */
export const PART_LAYOUT_SETTINGS =
  'min_bytes_for_wide_part = 0, min_rows_for_wide_part = 65536, vertical_merge_algorithm_min_rows_to_activate = 65536';

/**
 * `otel_traces` as migration 1 created it (the exporter's layout: ordered by service, operation
 * and time) or as migration 24 rebuilt it: ordered by hour, then trace id, so a trace's spans sit
 * together and similar rows of one service no longer do. See migration 24 for why.
 */
export function spansTableDdl(table: string, r: Retention, shape: 'exporter' | 'trace-local'): string {
  const exporter = shape === 'exporter';
  const resourceValues = exporter ? 'String' : 'LowCardinality(String)';
  const materialized = exporter
    ? ''
    : `
    ServiceInstance LowCardinality(String) MATERIALIZED ${INSTANCE_FROM_RESOURCE},
    ServiceVersion LowCardinality(String) MATERIALIZED ResourceAttributes['service.version'],`;
  const key = exporter
    ? `PRIMARY KEY (Namespace, ServiceName, SpanName, toDateTime(Timestamp))
ORDER BY (Namespace, ServiceName, SpanName, toDateTime(Timestamp), Timestamp)`
    : `PRIMARY KEY (Namespace, toStartOfHour(Timestamp), TraceId)
ORDER BY (Namespace, toStartOfHour(Timestamp), TraceId, Timestamp)`;
  const settings = exporter ? '' : `, default_compression_codec = 'ZSTD(1)', ${PART_LAYOUT_SETTINGS}`;
  return `CREATE TABLE IF NOT EXISTS ${table} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), ${resourceValues}) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    ${NAMESPACE_COLUMN},${materialized}
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1,
    INDEX idx_lower_span_name lower(SpanName) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
${key}
TTL ${ttlFor('otel_traces', r.traces)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1${settings}`;
}

export function tracesDdl(r: Retention): string[] {
  return [
    spansTableDdl('otel_traces', r, 'exporter'),
    `CREATE TABLE IF NOT EXISTS otel_traces_trace_id_ts (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))
) ENGINE = AggregatingMergeTree
PARTITION BY toStartOfWeek(Start)
ORDER BY (TraceId)
TTL ${ttlFor('otel_traces_trace_id_ts', r.traces)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_trace_id_ts_mv
TO otel_traces_trace_id_ts
AS SELECT TraceId, min(Timestamp) AS Start, max(Timestamp) AS End
FROM otel_traces
WHERE TraceId != ''
GROUP BY TraceId`,
  ];
}

export function logsDdl(r: Retention): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS otel_logs (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TimestampTime DateTime DEFAULT toDateTime(Timestamp),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    TraceFlags UInt8,
    SeverityText LowCardinality(String) CODEC(ZSTD(1)),
    SeverityNumber UInt8,
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    Body String CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    EventName String CODEC(ZSTD(1)),
    ${NAMESPACE_COLUMN},
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ENGINE = MergeTree
PARTITION BY toDate(TimestampTime)
PRIMARY KEY (Namespace, ServiceName, TimestampTime)
ORDER BY (Namespace, ServiceName, TimestampTime, Timestamp)
TTL ${ttlFor('otel_logs', r.logs)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, ${PART_LAYOUT_SETTINGS}`,
  ];
}

const METRIC_COMMON = `
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ResourceSchemaUrl String CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeDroppedAttrCount UInt32 CODEC(ZSTD(1)),
    ScopeSchemaUrl String CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    MetricName String CODEC(ZSTD(1)),
    MetricDescription String CODEC(ZSTD(1)),
    MetricUnit String CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    StartTimeUnix DateTime64(9) CODEC(Delta, ZSTD(1)),
    TimeUnix DateTime64(9) CODEC(Delta, ZSTD(1)),`;

const EXEMPLARS = `
    Exemplars Nested (
        FilteredAttributes Map(LowCardinality(String), String),
        TimeUnix DateTime64(9),
        Value Float64,
        SpanId String,
        TraceId String
    ) CODEC(ZSTD(1)),`;

const METRIC_INDEXES = `
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1`;

function metricTable(table: string, specific: string, r: Retention): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (${METRIC_COMMON}${specific}
    ${NAMESPACE_COLUMN},${METRIC_INDEXES}
) ENGINE = MergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (Namespace, ServiceName, MetricName, Attributes, toUnixTimestamp64Nano(TimeUnix))
TTL ${ttlFor(table, r.metrics)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`;
}

export function metricsDdl(r: Retention): string[] {
  return [
    metricTable(
      'otel_metrics_gauge',
      `
    Value Float64 CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),${EXEMPLARS}`,
      r,
    ),
    metricTable(
      'otel_metrics_sum',
      `
    Value Float64 CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),${EXEMPLARS}
    AggregationTemporality Int32 CODEC(ZSTD(1)),
    IsMonotonic Boolean CODEC(Delta, ZSTD(1)),`,
      r,
    ),
    metricTable(
      'otel_metrics_histogram',
      `
    Count UInt64 CODEC(Delta, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    BucketCounts Array(UInt64) CODEC(ZSTD(1)),
    ExplicitBounds Array(Float64) CODEC(ZSTD(1)),${EXEMPLARS}
    Flags UInt32 CODEC(ZSTD(1)),
    Min Float64 CODEC(ZSTD(1)),
    Max Float64 CODEC(ZSTD(1)),
    AggregationTemporality Int32 CODEC(ZSTD(1)),`,
      r,
    ),
    metricTable(
      'otel_metrics_exponential_histogram',
      `
    Count UInt64 CODEC(Delta, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    Scale Int32 CODEC(ZSTD(1)),
    ZeroCount UInt64 CODEC(ZSTD(1)),
    PositiveOffset Int32 CODEC(ZSTD(1)),
    PositiveBucketCounts Array(UInt64) CODEC(ZSTD(1)),
    NegativeOffset Int32 CODEC(ZSTD(1)),
    NegativeBucketCounts Array(UInt64) CODEC(ZSTD(1)),${EXEMPLARS}
    Flags UInt32 CODEC(ZSTD(1)),
    Min Float64 CODEC(ZSTD(1)),
    Max Float64 CODEC(ZSTD(1)),
    AggregationTemporality Int32 CODEC(ZSTD(1)),`,
      r,
    ),
    metricTable(
      'otel_metrics_summary',
      `
    Count UInt64 CODEC(Delta, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    ValueAtQuantiles Nested (
        Quantile Float64,
        Value Float64
    ) CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),`,
      r,
    ),
  ];
}
