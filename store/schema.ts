// DDL of the telemetry tables. Column names and types follow the OpenTelemetry collector's
// ClickHouse exporter, so Grafana's ClickHouse data source and the exporter itself can read and
// write them. We add one column, `Namespace`, at the end: the collector sets it; rows written by
// other writers take it from the resource attribute `service.namespace` (or 'default').
// The ordering key leads with Namespace because every read is confined to one namespace.

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

const ttlExpr = (timeExpr: string, seconds: number): string => `${timeExpr} + toIntervalSecond(${Math.floor(seconds)})`;

/** The TTL expression of each table, by signal: what retention changes in place. */
export const TABLE_TTL: ReadonlyArray<{ table: string; signal: Signal; timeExpr: string }> = [
  { table: 'otel_traces', signal: 'traces', timeExpr: 'toDateTime(Timestamp)' },
  { table: 'otel_traces_trace_id_ts', signal: 'traces', timeExpr: 'Start' },
  { table: 'otel_traces_red_1m', signal: 'traces', timeExpr: 'Minute' },
  { table: 'otel_runtime_1m', signal: 'metrics', timeExpr: 'Minute' },
  { table: 'otel_traces_red_1h', signal: 'traces', timeExpr: 'Hour' },
  { table: 'otel_runtime_1h', signal: 'metrics', timeExpr: 'Hour' },
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
  return ttlExpr(entry.timeExpr, seconds);
}

export type Retention = Record<Signal, number>;

export function tracesDdl(r: Retention): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS otel_traces (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
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
    ${NAMESPACE_COLUMN},
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1,
    INDEX idx_lower_span_name lower(SpanName) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
PRIMARY KEY (Namespace, ServiceName, SpanName, toDateTime(Timestamp))
ORDER BY (Namespace, ServiceName, SpanName, toDateTime(Timestamp), Timestamp)
TTL ${ttlFor('otel_traces', r.traces)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
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
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
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

/** Which spans enter a service (server and consumer spans, and roots): a service's requests. */
export const ENTRY_SPAN_EXPR = "(SpanKind IN ('Server', 'Consumer') OR ParentSpanId = '')";

/** One per-minute rollup row from spans, grouped (the view's SELECT, and the backfill's). */
export const RED_1M_SELECT = `SELECT Namespace, ServiceName, SpanName,
  ${INSTANCE_FROM_RESOURCE} AS ServiceInstance, ${ENTRY_SPAN_EXPR} AS IsEntry, toStartOfMinute(Timestamp) AS Minute,
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
    `CREATE TABLE IF NOT EXISTS otel_traces_red_1m (
    Namespace LowCardinality(String),
    ServiceName LowCardinality(String),
    SpanName LowCardinality(String),
    ServiceInstance LowCardinality(String),
    IsEntry Bool,
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Spans SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantiles(0.5, 0.95, 0.99), UInt64),
    Last SimpleAggregateFunction(max, DateTime64(9)),
    Version SimpleAggregateFunction(anyLast, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Namespace, ServiceName, Minute, IsEntry, SpanName, ServiceInstance)
TTL ${ttlFor('otel_traces_red_1m', r.traces)}
SETTINGS ttl_only_drop_parts = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_red_1m_mv TO otel_traces_red_1m AS
${RED_1M_SELECT}`,
  ];
}

/** The runtime metrics per-instance stats read (store/queries/runtime.ts lists which stat is which). */
export const RUNTIME_METRICS = {
  /** Gauges and sums: their Value. */
  values: [
    'process.memory.usage',
    'process.runtime.cpython.memory',
    'jvm.memory.used',
    'process.runtime.jvm.memory.usage',
    'go.memory.used',
    'process.runtime.go.mem.heap_alloc',
    'v8js.memory.heap.used',
    'process.cpu.utilization',
    'jvm.cpu.recent_utilization',
    'process.runtime.cpython.cpu.utilization',
    'process.runtime.jvm.cpu.utilization',
    'process.cpu.time',
    'jvm.cpu.time',
    'process.runtime.cpython.cpu_time',
    'process.thread.count',
    'jvm.thread.count',
    'process.runtime.jvm.threads.count',
    'go.goroutine.count',
    'process.runtime.go.goroutines',
    'process.runtime.cpython.thread_count',
    'v8js.gc.duration',
    'jvm.gc.duration',
    'process.runtime.jvm.gc.duration',
    'process.runtime.go.gc.pause_total_ns',
    'process.uptime',
    'runtime.uptime',
    'process.runtime.go.uptime',
  ],
  /** Histograms: their Sum. */
  sums: ['v8js.gc.duration', 'jvm.gc.duration', 'process.runtime.jvm.gc.duration'],
} as const;

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
    `CREATE TABLE IF NOT EXISTS otel_runtime_1m (
    Namespace LowCardinality(String),
    ServiceName LowCardinality(String),
    ServiceInstance LowCardinality(String),
    MetricName LowCardinality(String),
    Attributes Map(LowCardinality(String), String),
    Minute DateTime CODEC(Delta, ZSTD(1)),
    First AggregateFunction(argMin, Float64, DateTime64(9)),
    Last AggregateFunction(argMax, Float64, DateTime64(9)),
    FirstAt SimpleAggregateFunction(min, DateTime64(9)),
    LastAt SimpleAggregateFunction(max, DateTime64(9)),
    Version SimpleAggregateFunction(anyLast, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Namespace, ServiceName, Minute, MetricName, ServiceInstance, Attributes)
TTL ${ttlFor('otel_runtime_1m', r.metrics)}
SETTINGS ttl_only_drop_parts = 1`,
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
    `CREATE TABLE IF NOT EXISTS otel_traces_red_1h (
    Namespace LowCardinality(String),
    ServiceName LowCardinality(String),
    SpanName LowCardinality(String),
    ServiceInstance LowCardinality(String),
    IsEntry Bool,
    Hour DateTime CODEC(Delta, ZSTD(1)),
    Spans SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantiles(0.5, 0.95, 0.99), UInt64),
    Last SimpleAggregateFunction(max, DateTime64(9)),
    Version SimpleAggregateFunction(anyLast, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toStartOfWeek(Hour)
ORDER BY (Namespace, ServiceName, Hour, IsEntry, SpanName, ServiceInstance)
TTL ${ttlFor('otel_traces_red_1h', r.traces)}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_red_1h_mv TO otel_traces_red_1h AS
${RED_1H_SELECT}`,
    `CREATE TABLE IF NOT EXISTS otel_runtime_1h (
    Namespace LowCardinality(String),
    ServiceName LowCardinality(String),
    ServiceInstance LowCardinality(String),
    MetricName LowCardinality(String),
    Attributes Map(LowCardinality(String), String),
    Hour DateTime CODEC(Delta, ZSTD(1)),
    First AggregateFunction(argMin, Float64, DateTime64(9)),
    Last AggregateFunction(argMax, Float64, DateTime64(9)),
    FirstAt SimpleAggregateFunction(min, DateTime64(9)),
    LastAt SimpleAggregateFunction(max, DateTime64(9)),
    Version SimpleAggregateFunction(anyLast, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toStartOfWeek(Hour)
ORDER BY (Namespace, ServiceName, Hour, MetricName, ServiceInstance, Attributes)
TTL ${ttlFor('otel_runtime_1h', r.metrics)}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_runtime_1h_mv TO otel_runtime_1h AS
${RUNTIME_1H_SELECT}`,
  ];
}
