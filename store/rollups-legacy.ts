// The rollups as migrations 19 to 26 kept them: a table per grain and kind (span counts, latency,
// runtime metrics; by minute and by hour), the hourly tables fed by views on the minute tables.
// Migrations 26 (spans) and 27 (runtime metrics) replaced them with one table per kind holding both
// grains (rollups.ts); the statements here are what the older migrations ran, kept so a store of
// any version upgrades the way it always did.
import { ENTRY_SPAN, LATENCY } from './telemetry-names.js';
import { RUNTIME_SOURCES, latencyTable, runtime1mSelect, runtimeTable, spanCountsTable } from './rollups.js';
import { INSTANCE_FROM_RESOURCE, type Retention } from './schema.js';

/** The span rollup tables of migrations 19 to 25, hourly first (their views read the minute tables). */
export const LEGACY_SPAN_ROLLUP_TABLES = [
  'otel_traces_red_1h',
  'otel_traces_latency_1h',
  'otel_traces_red_1m',
  'otel_traces_latency_1m',
] as const;

/** Their views, one per table. */
export const LEGACY_SPAN_ROLLUP_VIEWS: readonly string[] = LEGACY_SPAN_ROLLUP_TABLES.map((t) => `${t}_mv`);

export const RED_1M_SELECT = `SELECT Namespace, ServiceName, SpanName,
  ${INSTANCE_FROM_RESOURCE} AS ServiceInstance, ${ENTRY_SPAN} AS IsEntry, toStartOfMinute(Timestamp) AS Minute,
  count() AS Spans, countIf(StatusCode = 'Error') AS Errors, max(Timestamp) AS Last, anyLast(ResourceAttributes['service.version']) AS Version
FROM otel_traces
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Minute`;

export const LATENCY_1M_SELECT = `SELECT Namespace, ServiceName, SpanName, toStartOfMinute(Timestamp) AS Minute,
  ${LATENCY.state}(Duration) AS Latency
FROM otel_traces
WHERE ${ENTRY_SPAN}
GROUP BY Namespace, ServiceName, SpanName, Minute`;

export const RED_1H_SELECT = `SELECT Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, toStartOfHour(Minute) AS Hour,
  sum(Spans) AS Spans, sum(Errors) AS Errors, max(Last) AS Last, anyLast(Version) AS Version
FROM otel_traces_red_1m
GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Hour`;

export const LATENCY_1H_SELECT = `SELECT Namespace, ServiceName, SpanName, toStartOfHour(Minute) AS Hour,
  ${LATENCY.mergeState}(Latency) AS Latency
FROM otel_traces_latency_1m
GROUP BY Namespace, ServiceName, SpanName, Hour`;

function grainDdl(r: Retention, grain: '1m' | '1h', redSelect: string, latencySelect: string): string[] {
  const [red, latency] = [`otel_traces_red_${grain}`, `otel_traces_latency_${grain}`] as const;
  return [
    spanCountsTable(red, r),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${red}_mv TO ${red} AS\n${redSelect}`,
    latencyTable(latency, r),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${latency}_mv TO ${latency} AS\n${latencySelect}`,
  ];
}

/** The per-minute span rollups and their views (migration 19; migration 24 made the views again). */
export const legacySpans1mDdl = (r: Retention): string[] => grainDdl(r, '1m', RED_1M_SELECT, LATENCY_1M_SELECT);

/** The hourly span rollups and their views on the minute tables (migration 19). */
export const legacySpans1hDdl = (r: Retention): string[] => grainDdl(r, '1h', RED_1H_SELECT, LATENCY_1H_SELECT);

/** The runtime rollup's view on each metric table (migration 19), to its minute table. */
const runtimeViewOf = (source: (typeof RUNTIME_SOURCES)[number]) =>
  `${source.replace('otel_metrics_', 'otel_runtime_1m_')}_mv`;

/** The runtime rollup tables of migrations 19 to 26, hourly first (its view reads the minute table). */
export const LEGACY_RUNTIME_ROLLUP_TABLES = ['otel_runtime_1h', 'otel_runtime_1m'] as const;

/** Their views, the hourly one first. */
export const LEGACY_RUNTIME_ROLLUP_VIEWS: readonly string[] = [
  'otel_runtime_1h_mv',
  ...RUNTIME_SOURCES.map(runtimeViewOf),
];

/** The per-minute runtime rollup and its views on the metric tables (migration 19). */
export const legacyRuntime1mDdl = (r: Retention): string[] => [
  runtimeTable('otel_runtime_1m', r),
  ...RUNTIME_SOURCES.map(
    (t) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${runtimeViewOf(t)} TO otel_runtime_1m AS
${runtime1mSelect(t)}`,
  ),
];

const RUNTIME_1H_SELECT = `SELECT Namespace, ServiceName, ServiceInstance, MetricName, Attributes,
  toStartOfHour(Minute) AS Hour, argMinMergeState(First) AS First, argMaxMergeState(Last) AS Last,
  min(FirstAt) AS FirstAt, max(LastAt) AS LastAt, anyLast(Version) AS Version
FROM otel_runtime_1m
GROUP BY Namespace, ServiceName, ServiceInstance, MetricName, Attributes, Hour`;

/** The hourly runtime rollup and its view on the minute table (migration 19). */
export const legacyRuntime1hDdl = (r: Retention): string[] => [
  runtimeTable('otel_runtime_1h', r),
  `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_runtime_1h_mv TO otel_runtime_1h AS
${RUNTIME_1H_SELECT}`,
];
