// Names both the reads and the rollups' DDL rely on, with no imports of their own (so the schema
// and the queries share them without a cycle): which spans enter a service, and the candidate
// runtime metrics of each per-instance stat, first match wins: semantic-convention names first,
// then the names of the Node, Go, Java and Python instrumentations, old and new.

/** Spans through which a service is entered: server and consumer spans, and roots. */
export const ENTRY_SPAN = "(SpanKind IN ('Server', 'Consumer') OR ParentSpanId = '')";

export type Pick =
  | { kind: 'last'; metric: string; scale?: number; attr?: [string, string] }
  | { kind: 'rate'; metric: string; scale?: number }
  | { kind: 'delta'; metric: string; scale?: number };

export const MEMORY: Pick[] = [
  { kind: 'last', metric: 'process.memory.usage' },
  { kind: 'last', metric: 'process.runtime.cpython.memory', attr: ['type', 'rss'] },
  { kind: 'last', metric: 'jvm.memory.used' },
  { kind: 'last', metric: 'process.runtime.jvm.memory.usage' },
  { kind: 'last', metric: 'go.memory.used' },
  { kind: 'last', metric: 'process.runtime.go.mem.heap_alloc' },
  { kind: 'last', metric: 'v8js.memory.heap.used' },
];
export const CPU: Pick[] = [
  { kind: 'last', metric: 'process.cpu.utilization', scale: 100 },
  { kind: 'last', metric: 'jvm.cpu.recent_utilization', scale: 100 },
  { kind: 'last', metric: 'process.runtime.cpython.cpu.utilization', scale: 100 },
  { kind: 'last', metric: 'process.runtime.jvm.cpu.utilization', scale: 100 },
  { kind: 'rate', metric: 'process.cpu.time', scale: 100 },
  { kind: 'rate', metric: 'jvm.cpu.time', scale: 100 },
  { kind: 'rate', metric: 'process.runtime.cpython.cpu_time', scale: 100 },
];
export const THREADS: Pick[] = [
  { kind: 'last', metric: 'process.thread.count' },
  { kind: 'last', metric: 'jvm.thread.count' },
  { kind: 'last', metric: 'process.runtime.jvm.threads.count' },
  { kind: 'last', metric: 'go.goroutine.count' },
  { kind: 'last', metric: 'process.runtime.go.goroutines' },
  { kind: 'last', metric: 'process.runtime.cpython.thread_count' },
];
/** Milliseconds spent in garbage collection during the range. */
export const GC_MS: Pick[] = [
  { kind: 'delta', metric: 'v8js.gc.duration', scale: 1000 },
  { kind: 'delta', metric: 'jvm.gc.duration', scale: 1000 },
  { kind: 'delta', metric: 'process.runtime.jvm.gc.duration', scale: 1000 },
  { kind: 'delta', metric: 'process.runtime.go.gc.pause_total_ns', scale: 1e-6 },
];
export const UPTIME_S: Pick[] = [
  { kind: 'last', metric: 'process.uptime' },
  { kind: 'last', metric: 'runtime.uptime', scale: 1e-3 },
  { kind: 'last', metric: 'process.runtime.go.uptime' },
];

export const HISTOGRAM_METRICS: readonly string[] = [
  'v8js.gc.duration',
  'jvm.gc.duration',
  'process.runtime.jvm.gc.duration',
];
/** Every metric a stat may come from (the runtime rollup keeps these: store/rollups.ts). */
export const RUNTIME_METRIC_NAMES: readonly string[] = [
  ...new Set([...MEMORY, ...CPU, ...THREADS, ...GC_MS, ...UPTIME_S].map((p) => p.metric)),
];

/**
 * Latency quantiles of entry spans, kept as DDSketch states (1% relative accuracy): a state's
 * buckets add up when states merge, so a minute, an hour or a day of states answers exactly what
 * the same spans answer raw, and merging them is cheap (a reservoir sample per hour was not).
 */
const DD = 'quantilesDD(0.01, 0.5, 0.95, 0.99)';
export const LATENCY = {
  type: `AggregateFunction(${DD}, UInt64)`,
  state: DD.replace('quantilesDD', 'quantilesDDState'),
  merge: DD.replace('quantilesDD', 'quantilesDDMerge'),
  mergeState: DD.replace('quantilesDD', 'quantilesDDMergeState'),
} as const;

/**
 * The rollup tables: what retention sets the TTL of, and benchmarks merge. Each name says its
 * signal; each holds minute and hour rows (`Grain`, then `Time`).
 */
export const ROLLUP_TABLES = ['otel_traces_red', 'otel_traces_latency', 'otel_runtime'] as const;

/** The minutes a rollup row covers (its `Grain`): a minute's rows and an hour's, in one table. */
export const GRAINS = { minute: 1, hour: 60 } as const;
export type RollupTable = (typeof ROLLUP_TABLES)[number];
