// Maintenance of stored data that benchmarks and operators ask for explicitly.
import type { Store } from './store.js';
import type { TableName } from './tables.js';

const MERGEABLE = new Set<string>(['otel_traces', 'otel_logs', 'otel_traces_trace_id_ts', 'otel_traces_red_1m']);

/** Merges a table's parts now (OPTIMIZE … FINAL), as background merges would in time. */
export async function mergeParts(
  store: Pick<Store, 'query'>,
  table: TableName | 'otel_traces_trace_id_ts' | 'otel_traces_red_1m',
): Promise<void> {
  // The name is one of ours (a fixed set), never the caller's text: identifiers cannot be parameters.
  if (!MERGEABLE.has(table)) throw new Error(`mergeParts: ${table} is not a table this merges`);
  await store.query(`OPTIMIZE TABLE ${table} FINAL`);
}
