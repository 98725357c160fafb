// The statements of the migrations that rebuild a table or a set of them (24 and 26), apart from
// the list of migrations (migrations.ts).
import { createdTables, createdViews } from './cluster.js';
import { LEGACY_SPAN_ROLLUP_TABLES, LEGACY_SPAN_ROLLUP_VIEWS, legacySpans1mDdl } from './rollups-legacy.js';
import { LATENCY_SELECT, RED_SELECT, spanRollupsDdl } from './rollups.js';
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
 * Migration 26: the span rollups by kind (counts, latency), each table holding minute and hour rows,
 * in place of a table per kind and grain. The new tables are filled from the spans before their
 * views exist (each span counted once; on a shared store, spans other servers insert meanwhile are
 * not rolled up), then the old tables go. A rerun starts over from the spans.
 */
export function spanRollupsByKind(r: Retention): string[] {
  const ddl = spanRollupsDdl(r);
  return [
    ...[...LEGACY_SPAN_ROLLUP_VIEWS, ...createdViews(ddl)].map((v) => `DROP VIEW IF EXISTS ${v}`),
    ...[...createdTables(ddl)].map((t) => `DROP TABLE IF EXISTS ${t} SYNC`),
    ...ddl.filter((s) => !isView(s)),
    `INSERT INTO otel_traces_red ${RED_SELECT}`,
    `INSERT INTO otel_traces_latency ${LATENCY_SELECT}`,
    ...ddl.filter(isView),
    ...LEGACY_SPAN_ROLLUP_TABLES.map((t) => `DROP TABLE IF EXISTS ${t} SYNC`),
  ];
}
