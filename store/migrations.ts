// Versioned migrations, applied in order at start and recorded in `micro_migrations`. Every
// statement is idempotent (IF NOT EXISTS), so a migration interrupted half-way runs again whole.
import type { ClickHouseClient } from '@clickhouse/client';
import { createdTables, onCluster } from './cluster.js';
import {
  INSTANCE_FROM_RESOURCE,
  METRIC_TABLES,
  RESOURCE_TABLES,
  RED_1M_SELECT,
  logsDdl,
  metricsDdl,
  red1mDdl,
  RUNTIME_SOURCES,
  RED_1H_SELECT,
  RUNTIME_1H_SELECT,
  hourlyDdl,
  runtime1mDdl,
  runtime1mSelect,
  tracesDdl,
  type Retention,
} from './schema.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (retention: Retention) => string[];
}

export const MIGRATIONS: readonly Migration[] = [
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
    version: 7,
    name: 'alert events',
    // Every transition of every alert, with the state after it: the current state of each
    // alert is its latest row, so a restart resumes where it stopped.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS micro_alert_events (
        Namespace LowCardinality(String),
        AlertKey String,
        At DateTime64(3),
        Seq UInt64,
        Kind LowCardinality(String),
        FromPhase LowCardinality(String),
        ToPhase LowCardinality(String),
        Reason String,
        Notify Bool,
        Labels Map(LowCardinality(String), String),
        State String CODEC(ZSTD(1))
      ) ENGINE = MergeTree
      ORDER BY (Namespace, AlertKey, At, Seq)
      TTL toDateTime(At) + toIntervalDay(400)`,
    ],
  },
  {
    version: 8,
    name: 'configuration objects',
    // Checks, rules (and later silences, schedules...) as declared, one row per version; the
    // newest version of each wins, and a deletion is a tombstone. An apply is one insert, so it
    // lands whole or not at all.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS micro_config (
        Namespace LowCardinality(String),
        Kind LowCardinality(String),
        Name String,
        Version UInt64,
        Deleted Bool,
        Spec String CODEC(ZSTD(1)),
        Author String,
        UpdatedAt DateTime64(3)
      ) ENGINE = ReplacingMergeTree(Version)
      ORDER BY (Namespace, Kind, Name)`,
    ],
  },
  {
    version: 9,
    name: 'heartbeat pings',
    // The last ping of each heartbeat survives a restart, so a job missed across it is noticed.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS micro_heartbeat_pings (
        Namespace LowCardinality(String),
        Name String,
        At DateTime64(3)
      ) ENGINE = MergeTree
      ORDER BY (Namespace, Name, At)
      TTL toDateTime(At) + toIntervalDay(90)`,
    ],
  },
  {
    version: 10,
    name: 'escalations and the notification log',
    // An escalation is one firing episode of one alert being paged; each version of it is a row
    // (the newest wins). Every notification attempt is recorded before and after it is sent, one
    // row per change, so a restart resumes from what was recorded and never sends a page twice.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS micro_escalations (
        Namespace LowCardinality(String),
        AlertKey String,
        FiredAt DateTime64(3),
        Version UInt64,
        Policy String,
        StartedAt DateTime64(3),
        StoppedAt DateTime64(3),
        StopReason String,
        ResolvedAt DateTime64(3),
        Labels Map(LowCardinality(String), String),
        Notice String CODEC(ZSTD(1))
      ) ENGINE = MergeTree
      ORDER BY (Namespace, AlertKey, FiredAt, Version)
      TTL toDateTime(StartedAt) + toIntervalDay(400)`,
      `CREATE TABLE IF NOT EXISTS micro_notifications (
        Namespace LowCardinality(String),
        Id String,
        At DateTime64(3),
        Seq UInt64,
        AlertKey String,
        FiredAt DateTime64(3),
        Kind LowCardinality(String),
        Channel LowCardinality(String),
        Recipient String,
        Contact String,
        Address String,
        Step Int32,
        Pass Int32,
        Status LowCardinality(String),
        Attempt UInt32,
        Error String,
        DueAt DateTime64(3),
        NextAttemptAt DateTime64(3)
      ) ENGINE = MergeTree
      ORDER BY (Namespace, Id, At, Seq)
      TTL toDateTime(At) + toIntervalDay(400)`,
    ],
  },
  {
    version: 11,
    name: 'tokens and the audit log',
    // Tokens are stored by id with the SHA-256 of their secret, never the secret; each change
    // is a new version. Uses and configuration changes go to the audit log.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS micro_tokens (
        Id String,
        Version UInt64,
        Namespace LowCardinality(String),
        Name String,
        Scope LowCardinality(String),
        SecretHash String,
        CreatedAt DateTime64(3),
        CreatedBy String,
        ExpiresAt DateTime64(3),
        RevokedAt DateTime64(3)
      ) ENGINE = MergeTree
      ORDER BY (Id, Version)`,
      `CREATE TABLE IF NOT EXISTS micro_audit (
        Namespace LowCardinality(String),
        At DateTime64(3),
        Actor String,
        Action LowCardinality(String),
        Target String,
        Detail String CODEC(ZSTD(1))
      ) ENGINE = MergeTree
      ORDER BY (Namespace, At)
      TTL toDateTime(At) + toIntervalDay(400)`,
    ],
  },
  {
    version: 12,
    name: 'write probe',
    // While writes fail (a full disk), a tiny row is written here now and then, so the server
    // finds out that writes go through again without waiting for traffic.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS micro_write_probe (At DateTime64(3)) ENGINE = MergeTree ORDER BY At
      TTL toDateTime(At) + toIntervalDay(1)`,
    ],
  },
  {
    version: 13,
    name: 'insert deduplication on the metric tables',
    // A remote-write request is inserted as its own block with a token; a sender's retry after a
    // crash (stored, not answered) is then stored once. Replicated tables do this by default.
    statements: () =>
      METRIC_TABLES.map((t) => `ALTER TABLE ${t} MODIFY SETTING non_replicated_deduplication_window = 10000`),
  },
  {
    version: 14,
    name: 'fencing numbers in the notification log, and the alerting processes of a store',
    // Each notification row records the lease under which it was written (0: a process alone
    // on its store). Alerting processes say they are alive here, so a second one without
    // Keeper refuses to start rather than page twice.
    statements: () => [
      'ALTER TABLE micro_notifications ADD COLUMN IF NOT EXISTS Fence UInt64',
      `CREATE TABLE IF NOT EXISTS micro_alerting_processes (
        Instance String,
        Coordination LowCardinality(String),
        At DateTime64(3)
      ) ENGINE = MergeTree
      ORDER BY (Instance, At)
      TTL toDateTime(At) + toIntervalDay(1)`,
    ],
  },
  {
    version: 15,
    name: 'console sessions and sign-in links',
    // A browser session, or a one-time sign-in link, stands for the token it was made with: stored
    // by the SHA-256 of its secret, never the secret; each change (use, logout) is a new version.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS micro_sessions (
        IdHash String,
        Version UInt64,
        Kind LowCardinality(String),
        TokenId String,
        CreatedAt DateTime64(3),
        ExpiresAt DateTime64(3),
        EndedAt DateTime64(3)
      ) ENGINE = ReplacingMergeTree(Version)
      ORDER BY IdHash
      TTL toDateTime(ExpiresAt) + toIntervalDay(1)`,
    ],
  },
  {
    version: 16,
    name: 'per-minute rollups of spans',
    // The view rolls up every span stored from now on; the spans already stored are rolled up
    // once here (migrations run before the receivers listen, so none arrive in between).
    statements: (r) => [...red1mDdl(r), `INSERT INTO otel_traces_red_1m ${RED_1M_SELECT}`],
  },
  {
    version: 17,
    name: 'per-minute rollups of runtime metrics',
    statements: (r) => [
      ...runtime1mDdl(r),
      ...RUNTIME_SOURCES.map((t) => `INSERT INTO otel_runtime_1m ${runtime1mSelect(t)}`),
    ],
  },
  {
    version: 18,
    name: 'hourly rollups on top of the minute ones',
    statements: (r) => [
      ...hourlyDdl(r),
      `INSERT INTO otel_traces_red_1h ${RED_1H_SELECT}`,
      `INSERT INTO otel_runtime_1h ${RUNTIME_1H_SELECT}`,
    ],
  },
];

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

/** The whole schema as statements, in order (`micro server --print-schema`). */
export function schemaStatements(retention: Retention = DEFAULT_RETENTION, cluster?: string): string[] {
  return [
    ...(cluster ? onCluster([MIGRATIONS_TABLE], cluster, SCHEMA_TABLES) : [MIGRATIONS_TABLE]),
    ...MIGRATIONS.flatMap((m) => migrationStatements(m, retention, cluster)),
  ];
}

export async function migrate(
  client: ClickHouseClient,
  retention: Retention,
  cluster?: string,
): Promise<MigrationReport> {
  for (const statement of cluster ? onCluster([MIGRATIONS_TABLE], cluster, SCHEMA_TABLES) : [MIGRATIONS_TABLE])
    await client.command({ query: statement });
  const rows = await (
    await client.query({ query: 'SELECT version FROM micro_migrations', format: 'JSONEachRow' })
  ).json<{ version: number }>();
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: MigrationReport['applied'] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const statement of migrationStatements(m, retention, cluster)) await client.command({ query: statement });
    await client.insert({
      table: 'micro_migrations',
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    applied.push({ version: m.version, name: m.name });
  }
  return { applied, current: Math.max(0, ...MIGRATIONS.map((m) => m.version)) };
}
