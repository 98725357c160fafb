// Migrations of our own tables: alert events, configuration, heartbeats, escalations and the
// notification log, tokens and audit, the write probe, alerting processes, console sessions.
import type { Migration } from './migration.js';

export const MICRO_MIGRATIONS: readonly Migration[] = [
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
];
