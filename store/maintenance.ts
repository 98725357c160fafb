// Maintenance of stored data that benchmarks and operators ask for explicitly.
import type { Store } from './store.js';
import type { TableName } from './tables.js';
import { ROLLUP_TABLES, type RollupTable } from './telemetry-names.js';

const MERGEABLE = new Set<string>(['otel_traces', 'otel_logs', 'otel_traces_trace_id_ts', ...ROLLUP_TABLES]);

/** Merges a table's parts now (OPTIMIZE … FINAL), as background merges would in time. */
export async function mergeParts(
  store: Pick<Store, 'query'>,
  table: TableName | 'otel_traces_trace_id_ts' | RollupTable,
): Promise<void> {
  // The name is one of ours (a fixed set), never the caller's text: identifiers cannot be parameters.
  if (!MERGEABLE.has(table)) throw new Error(`mergeParts: ${table} is not a table this merges`);
  await store.query(`OPTIMIZE TABLE ${table} FINAL`);
}

export interface StorageUse {
  table: string;
  rows: number;
  /** Compressed bytes on disk of the table's active parts, projections apart. */
  bytes: number;
  /** Compressed bytes of its projections' parts. */
  projectionBytes: number;
}

/** What our tables hold on disk (active parts), for benchmarks and operators. */
export async function storageUse(store: Pick<Store, 'query'>): Promise<StorageUse[]> {
  const rows = await store.query<{ table: string; rows: string; bytes: string; projectionBytes: string }>(
    `SELECT p.table AS table, p.rows AS rows, p.bytes AS bytes, ifNull(j.bytes, 0) AS projectionBytes
     FROM (SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts
           WHERE active AND database = currentDatabase() GROUP BY table) AS p
     LEFT JOIN (SELECT table, sum(bytes_on_disk) AS bytes FROM system.projection_parts
           WHERE active AND database = currentDatabase() GROUP BY table) AS j ON j.table = p.table
     ORDER BY table`,
  );
  return rows.map((r) => ({
    table: r.table,
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    projectionBytes: Number(r.projectionBytes),
  }));
}
