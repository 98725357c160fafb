// The statements of the migrations that rebuild a table or a set of them (24, 26 and 27), apart
// from the list of migrations (migrations.ts).
import { createdTables, createdViews } from './cluster.js';
import {
  LEGACY_RUNTIME_ROLLUP_TABLES,
  LEGACY_RUNTIME_ROLLUP_VIEWS,
  LEGACY_SPAN_ROLLUP_TABLES,
  LEGACY_SPAN_ROLLUP_VIEWS,
  legacySpans1mDdl,
} from './rollups-legacy.js';
import {
  LATENCY_SELECT,
  RED_SELECT,
  RUNTIME_SOURCES,
  runtimeRollupDdl,
  runtimeSelect,
  spanRollupsDdl,
} from './rollups.js';
import { spansTableDdl, tracesDdl, type Retention } from './schema.js';
import { LAYOUTS } from './tables.js';

const isView = (s: string): boolean => s.startsWith('CREATE MATERIALIZED VIEW');

/**
 * Migration 24: spans copied into a table ordered by hour and trace id, which then takes the old
 * one's name; the views that read spans are made again over it, as they were then (the trace-id
 * lookup's and the per-minute rollups', with their tables should a rerun come after migration 26
 * dropped them). Every view that reads spans now is dropped first.
 */
export function rebuildSpansTable(r: Retention): string[] {
  const then = [...tracesDdl(r).filter(isView), ...legacySpans1mDdl(r)];
  const columns = LAYOUTS.otel_traces.columns.map(([name]) => name).join(', ');
  return [
    'DROP TABLE IF EXISTS otel_traces_rebuilt SYNC',
    spansTableDdl('otel_traces_rebuilt', r, 'trace-local'),
    // Straight into the new table: the views are not on it, so nothing is rolled up twice.
    `INSERT INTO otel_traces_rebuilt SELECT ${columns} FROM otel_traces`,
    ...createdViews([...then, ...spanRollupsDdl(r)]).map((v) => `DROP VIEW IF EXISTS ${v}`),
    'DROP TABLE IF EXISTS otel_traces_replaced SYNC',
    'RENAME TABLE otel_traces TO otel_traces_replaced, otel_traces_rebuilt TO otel_traces',
    'DROP TABLE IF EXISTS otel_traces_replaced SYNC',
    // On a cluster, the Distributed table over the rebuilt local one (the local tables were renamed).
    'DROP TABLE IF EXISTS otel_traces_rebuilt SYNC',
    ...then,
  ];
}

/**
 * Rollups of one kind per table, holding minute and hour rows, in place of a table per kind and
 * grain: the new tables are filled from the raw data (`fills`) before their views exist (each row
 * counted once; on a shared store, what other servers insert meanwhile is not rolled up), then the
 * old tables go. A rerun starts over from the raw data.
 */
function rollupsByKind(
  ddl: string[],
  fills: string[],
  legacy: { views: readonly string[]; tables: readonly string[] },
): string[] {
  return [
    ...[...legacy.views, ...createdViews(ddl)].map((v) => `DROP VIEW IF EXISTS ${v}`),
    ...[...createdTables(ddl)].map((t) => `DROP TABLE IF EXISTS ${t} SYNC`),
    ...ddl.filter((s) => !isView(s)),
    ...fills,
    ...ddl.filter(isView),
    ...legacy.tables.map((t) => `DROP TABLE IF EXISTS ${t} SYNC`),
  ];
}

/** Migration 26: the span rollups by kind (counts, latency), from the spans. */
export const spanRollupsByKind = (r: Retention): string[] =>
  rollupsByKind(
    spanRollupsDdl(r),
    [`INSERT INTO otel_traces_red ${RED_SELECT}`, `INSERT INTO otel_traces_latency ${LATENCY_SELECT}`],
    { views: LEGACY_SPAN_ROLLUP_VIEWS, tables: LEGACY_SPAN_ROLLUP_TABLES },
  );

/** Migration 27: the runtime rollup in one table, from the metric tables' points. */
export const runtimeRollupByKind = (r: Retention): string[] =>
  rollupsByKind(
    runtimeRollupDdl(r),
    RUNTIME_SOURCES.map((t) => `INSERT INTO otel_runtime ${runtimeSelect(t)}`),
    { views: LEGACY_RUNTIME_ROLLUP_VIEWS, tables: LEGACY_RUNTIME_ROLLUP_TABLES },
  );
