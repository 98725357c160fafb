// Versioned migrations, applied in order at start and recorded in `micro_migrations`. Every
// statement is idempotent (IF NOT EXISTS), so a migration interrupted half-way runs again whole.
import type { ClickHouseClient } from '@clickhouse/client';
import { createdTables, onCluster } from './cluster.js';
import type { Migration } from './migration.js';
import { withMigrationLock, type LockCheck, type MigrationLockOptions } from './migration-lock.js';
import { MICRO_MIGRATIONS } from './migrations-micro.js';
import {
  INSTANCE_FROM_RESOURCE,
  METRIC_TABLES,
  RESOURCE_TABLES,
  logsDdl,
  metricsDdl,
  PART_LAYOUT_SETTINGS,
  tracesDdl,
  type Retention,
} from './schema.js';
import { rebuildSpansTable, runtimeRollupByKind, spanRollupsByKind } from './migration-steps.js';
import { RUNTIME_SOURCES, runtime1mSelect } from './rollups.js';
import {
  LATENCY_1H_SELECT,
  LATENCY_1M_SELECT,
  LEGACY_RUNTIME_ROLLUP_TABLES,
  LEGACY_RUNTIME_ROLLUP_VIEWS,
  LEGACY_SPAN_ROLLUP_TABLES,
  LEGACY_SPAN_ROLLUP_VIEWS,
  RED_1H_SELECT,
  RED_1M_SELECT,
  legacyRuntime1hDdl,
  legacyRuntime1mDdl,
  legacySpans1hDdl,
  legacySpans1mDdl,
} from './rollups-legacy.js';

const TELEMETRY_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'otel traces and trace-id lookup', statements: tracesDdl },
  { version: 2, name: 'otel logs', statements: logsDdl },
  { version: 3, name: 'otel metrics', statements: metricsDdl },
  {
    version: 4,
    name: 'trace-ordered projection of otel_traces, for trace by id',
    // Spans of one trace sit in ~10 places of the (service, operation, time) order; this copy
    // keeps them together, so reading a trace touches one granule per part instead of ten.
    // MATERIALIZE runs as a background mutation for data stored before this migration.
    statements: () => [
      'ALTER TABLE otel_traces ADD PROJECTION IF NOT EXISTS by_trace (SELECT * ORDER BY TraceId, Timestamp)',
      'ALTER TABLE otel_traces MATERIALIZE PROJECTION by_trace',
    ],
  },
  {
    version: 5,
    name: 'materialized ServiceInstance and ServiceVersion',
    // Reading a Map element reads the whole map; per-instance stats read these small columns
    // instead. MATERIALIZED columns stay out of SELECT * and the exporter's inserts.
    statements: () =>
      RESOURCE_TABLES.flatMap((t) => [
        `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ServiceInstance LowCardinality(String) MATERIALIZED ${INSTANCE_FROM_RESOURCE}`,
        `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ServiceVersion LowCardinality(String) MATERIALIZED ResourceAttributes['service.version']`,
        `ALTER TABLE ${t} MATERIALIZE COLUMN ServiceInstance`,
        `ALTER TABLE ${t} MATERIALIZE COLUMN ServiceVersion`,
      ]),
  },
  {
    version: 6,
    name: 'minmax index on the metric tables time',
    // Their ordering key puts time after Attributes, so a recent window would otherwise read
    // the whole day's partition; within a part each granule spans a short time of one series.
    statements: () =>
      METRIC_TABLES.flatMap((t) => [
        `ALTER TABLE ${t} ADD INDEX IF NOT EXISTS idx_time_unix TimeUnix TYPE minmax GRANULARITY 1`,
        `ALTER TABLE ${t} MATERIALIZE INDEX idx_time_unix`,
      ]),
  },
  {
    version: 13,
    name: 'insert deduplication on the metric tables',
    // A remote-write request is inserted as its own block with a token; a sender's retry after a
    // crash (stored, not answered) is then stored once. Replicated tables do this by default.
    statements: () =>
      METRIC_TABLES.map((t) => `ALTER TABLE ${t} MODIFY SETTING non_replicated_deduplication_window = 10000`),
  },
  // Versions 16-18 added the first rollups (spans per minute, runtime metrics per minute, both per
  // hour). Version 19 drops whatever of them a store has and builds today's rollups, so on a store
  // that has not run them they do nothing (their backfills would only be dropped and done again).
  { version: 16, name: 'per-minute rollups of spans (superseded by 19)', statements: () => [] },
  { version: 17, name: 'per-minute rollups of runtime metrics (superseded by 19)', statements: () => [] },
  { version: 18, name: 'hourly rollups on top of the minute ones (superseded by 19)', statements: () => [] },
  {
    version: 19,
    name: 'rollups rebuilt: time-first order, latency as DDSketch states per operation of entry spans',
    // The span rollups of versions 16 and 18 kept a reservoir sample per row, per instance, that
    // was slow to merge over a day, and every rollup was ordered by service first, so a window's
    // rows were scattered. They are dropped and rebuilt from the raw data in the new shape (the new
    // tables too, so that a rebuild interrupted half-way starts again from nothing). The hourly
    // views exist before the minute tables are backfilled, so the backfill fills the hourly tables
    // through them (until version 22 it also inserted them a second time).
    statements: (r) => [
      ...[...LEGACY_SPAN_ROLLUP_VIEWS, ...LEGACY_RUNTIME_ROLLUP_VIEWS].map((v) => `DROP VIEW IF EXISTS ${v}`),
      ...[...LEGACY_SPAN_ROLLUP_TABLES, ...LEGACY_RUNTIME_ROLLUP_TABLES].map((t) => `DROP TABLE IF EXISTS ${t}`),
      ...legacySpans1mDdl(r),
      ...legacyRuntime1mDdl(r),
      ...legacySpans1hDdl(r),
      ...legacyRuntime1hDdl(r),
      `INSERT INTO otel_traces_red_1m ${RED_1M_SELECT}`,
      `INSERT INTO otel_traces_latency_1m ${LATENCY_1M_SELECT}`,
      ...RUNTIME_SOURCES.map((t) => `INSERT INTO otel_runtime_1m ${runtime1mSelect(t)}`),
    ],
  },
  {
    version: 20,
    name: 'spans stored smaller: the by_trace projection in ZSTD, resource values as LowCardinality',
    // A projection's columns take the table's default codec, not the columns' own (LZ4 unless set):
    // by_trace was LZ4 and cost more than the table it copies; in ZSTD(1) it is half (bench/query).
    // Resource values repeat on every row of a process; as LowCardinality they are stored once a
    // part (11 bytes a span down to 1 on bench/query's HTTP corpus). Parts written from now on
    // take both; older ones are rewritten for the new column type now, and get ZSTD as they merge.
    statements: () => [
      "ALTER TABLE otel_traces MODIFY SETTING default_compression_codec = 'ZSTD(1)'",
      ...RESOURCE_TABLES.map(
        (t) =>
          `ALTER TABLE ${t} MODIFY COLUMN ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1))`,
      ),
    ],
  },
  {
    version: 21,
    name: 'no bloom filter on the trace id of spans: the by_trace projection finds a trace',
    // Trace by id reads the by_trace projection, but the engine still weighed the base table's
    // bloom filter on every read by trace id (at 2M spans: 7.6 ms with it, 5.2 without), and it cost
    // 1.7 bytes a span and a hash of every trace id at each insert and merge. Logs keep theirs.
    statements: () => ['ALTER TABLE otel_traces DROP INDEX IF EXISTS idx_trace_id'],
  },
  {
    version: 22,
    name: 'hourly span rollups rebuilt from the minute ones (version 19 counted older spans twice)',
    // Version 19 backfilled the minute tables, which filled the hourly ones through their views,
    // then inserted the same hours again: a store that had spans then has their hourly counts
    // doubled (and hourly latency states weighing twice as much against the minute ones at a
    // window's edges). The runtime rollup's hourly rows (first and last values) came out right.
    statements: () => [
      'TRUNCATE TABLE IF EXISTS otel_traces_red_1h',
      'TRUNCATE TABLE IF EXISTS otel_traces_latency_1h',
      `INSERT INTO otel_traces_red_1h ${RED_1H_SELECT}`,
      `INSERT INTO otel_traces_latency_1h ${LATENCY_1H_SELECT}`,
    ],
  },
  {
    version: 23,
    name: 'spans inserted as compact parts: one data file a part until merges make it 64 MiB',
    // An insert of 15k spans (~12 MB before compression, above the engine's 10 MB default) was a
    // wide part: a file per column and subcolumn, ~220 files an insert with the projection and the
    // views' parts, and creating them on ext4 cost the engine 8-9 of its 22-25 CPU-s per million
    // spans in the kernel. Compact, ~100 files: 5 in the kernel, 19 in all (bench/ingest: 14% less
    // engine CPU at the batches end to end forms). Merged parts past 64 MiB are wide again.
    statements: () => ['ALTER TABLE otel_traces MODIFY SETTING min_bytes_for_wide_part = 67108864'],
  },
  {
    version: 24,
    name: 'spans ordered by hour and trace id, without the by_trace projection',
    // In the exporter's order (service, operation, time) a trace's spans sit in as many places as it
    // has services, so trace by id read the by_trace projection: a second copy of every span, in
    // trace-id order, larger than the table and as costly to merge. Ordered by hour and then trace
    // id, the table is that copy: a trace is one granule of its hour (its spans are found by the
    // primary index in every hour, without knowing the trace's time), a window reads only its
    // hours, and nothing is stored twice (bench/storage: 89.7 bytes a span before, 42.7 after). The
    // bloom filter on the trace id dropped by migration 21 is back: of the one granule a trace can
    // be in for each hour, it rules out all but the trace's own (1M spans over a day: trace by id
    // 11-12 ms with it, 16-18 without, reading 24 granules of trace ids). The spans are
    // copied into the new table, which then takes the old one's name; the views that read it are
    // made again over it. A rerun after an interruption starts the copy again from the table in
    // place, whichever it is. On a shared store, spans that servers still running insert during
    // the copy stay in the old table (README, "Running several servers").
    statements: (r) => rebuildSpansTable(r),
  },
  {
    version: 25,
    name: 'span and log parts past 64k rows wide and merged column by column',
    // Parts of both tables overlap (spans interleave by trace id, log records of many senders by
    // time), so a merge interleaves its parts row by row. Compact parts (migration 23) merge
    // horizontally, every column of a row at a time; wide ones vertically, the key columns first and
    // then each other column alone, for a quarter to a third of the CPU a row (README, "The store").
    // Inserts stay compact below 64k rows (a 16k-record insert of logs was wide, past 10 MB).
    statements: () => [
      `ALTER TABLE otel_traces MODIFY SETTING ${PART_LAYOUT_SETTINGS}`,
      `ALTER TABLE otel_logs MODIFY SETTING ${PART_LAYOUT_SETTINGS}`,
    ],
  },
  {
    version: 26,
    name: 'span rollups by minute and by hour in one table each: two views on an insert of spans, not four',
    // Each table a view writes costs every insert a part and the merges after it: the two hourly
    // tables alone cost 15% of the engine's CPU a span (README, "The store"). The new tables are
    // filled from the spans before their views exist (rows counted once; on a shared store, spans
    // other servers insert meanwhile are not rolled up), then the old tables go. A rerun starts over.
    statements: (r) => spanRollupsByKind(r),
  },
  {
    version: 27,
    name: 'runtime rollup by minute and by hour in one table: one view on an insert of metrics, not two',
    // The same move as 26 for the runtime metrics: the hourly table, fed by a view on the minute
    // table, cost every insert of runtime metrics a second part and its merges (within this machine's
    // noise on metric inserts, engine alone and end to end; README), and the reads a special case.
    // Filled from the metric tables' points before its views exist, then the old tables go.
    statements: (r) => runtimeRollupByKind(r),
  },
];

/** Every migration, in version order: the telemetry tables' (below) and our own tables' (migrations-micro.ts). */
export const MIGRATIONS: readonly Migration[] = [...TELEMETRY_MIGRATIONS, ...MICRO_MIGRATIONS].sort(
  (a, b) => a.version - b.version,
);

export interface MigrationReport {
  applied: Array<{ version: number; name: string }>;
  current: number;
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS micro_migrations (
      version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version`;

const DEFAULT_RETENTION: Retention = { traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 };

/** Every table the schema creates (on a cluster, each is Distributed over a `_local` one). */
export const SCHEMA_TABLES: ReadonlySet<string> = createdTables([
  MIGRATIONS_TABLE,
  ...MIGRATIONS.flatMap((m) => m.statements(DEFAULT_RETENTION)),
]);

/** A migration's statements, for one server or ON CLUSTER `cluster`. */
export function migrationStatements(m: Migration, retention: Retention, cluster?: string): string[] {
  const plain = m.statements(retention);
  return cluster ? onCluster(plain, cluster, SCHEMA_TABLES) : plain;
}

/**
 * The whole schema as statements, in order (`micro server --print-schema`); through a version,
 * the schema as a store of that version had it (tests set a store back to check an upgrade).
 */
export function schemaStatements(
  retention: Retention = DEFAULT_RETENTION,
  cluster?: string,
  throughVersion = Number.POSITIVE_INFINITY,
): string[] {
  return [
    ...(cluster ? onCluster([MIGRATIONS_TABLE], cluster, SCHEMA_TABLES) : [MIGRATIONS_TABLE]),
    ...MIGRATIONS.filter((m) => m.version <= throughVersion).flatMap((m) => migrationStatements(m, retention, cluster)),
  ];
}

/**
 * Applies the migrations the store lacks. With `lock` (processes sharing a ClickHouse server), one
 * process at a time does so: the others wait for it, then find the migrations recorded.
 */
export async function migrate(
  client: ClickHouseClient,
  retention: Retention,
  cluster?: string,
  lock?: MigrationLockOptions,
): Promise<MigrationReport> {
  for (const statement of cluster ? onCluster([MIGRATIONS_TABLE], cluster, SCHEMA_TABLES) : [MIGRATIONS_TABLE])
    await client.command({ query: statement });
  const current = Math.max(0, ...MIGRATIONS.map((m) => m.version));
  const pending = await pendingMigrations(client);
  // Most starts find nothing to do, and take no lock for it.
  if (pending.length === 0) return { applied: [], current };
  const apply = async (migrations: Migration[], check: LockCheck): Promise<MigrationReport> => {
    const applied: MigrationReport['applied'] = [];
    for (const m of migrations) {
      for (const statement of migrationStatements(m, retention, cluster)) {
        check();
        await client.command({ query: statement });
      }
      check();
      await client.insert({
        table: 'micro_migrations',
        values: [{ version: m.version, name: m.name }],
        format: 'JSONEachRow',
      });
      applied.push({ version: m.version, name: m.name });
    }
    return { applied, current };
  };
  if (!lock) return apply(pending, () => undefined);
  // Read again under the lock: the process waited for may have applied them all.
  return withMigrationLock(client, cluster, lock, async (check) => apply(await pendingMigrations(client), check));
}

async function pendingMigrations(client: ClickHouseClient): Promise<Migration[]> {
  const rows = await (
    await client.query({ query: 'SELECT version FROM micro_migrations', format: 'JSONEachRow' })
  ).json<{ version: number }>();
  const done = new Set(rows.map((r) => Number(r.version)));
  return MIGRATIONS.filter((m) => !done.has(m.version));
}
