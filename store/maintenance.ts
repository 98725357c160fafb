// Maintenance of stored data that benchmarks and operators ask for explicitly.
import type { Store } from './store.js';
import type { TableName } from './tables.js';

const ROLLUPS = [
  'otel_traces_red_1m',
  'otel_traces_red_1h',
  'otel_traces_latency_1m',
  'otel_traces_latency_1h',
  'otel_runtime_1m',
  'otel_runtime_1h',
] as const;
const MERGEABLE = new Set<string>(['otel_traces', 'otel_logs', 'otel_traces_trace_id_ts', ...ROLLUPS]);

/** Merges a table's parts now (OPTIMIZE … FINAL), as background merges would in time. */
export async function mergeParts(
  store: Pick<Store, 'query'>,
  table: TableName | 'otel_traces_trace_id_ts' | (typeof ROLLUPS)[number],
): Promise<void> {
  // The name is one of ours (a fixed set), never the caller's text: identifiers cannot be parameters.
  if (!MERGEABLE.has(table)) throw new Error(`mergeParts: ${table} is not a table this merges`);
  await store.query(`OPTIMIZE TABLE ${table} FINAL`);
}
