export { openStore, type Store, type StoreOptions } from './store.js';
export { SKIP_INDEX_CACHE_BYTES, redactUrl, type StoreTarget } from './connection.js';
export { coldEngineMappings, pageOutEngineStartup, type EnginePageOut } from './engine-memory.js';
export { rowBinaryLength, type InsertOutcome, type RowBinaryBytes } from './insert.js';
export {
  PROBLEM_TEXT,
  StoreError,
  classifyStoreError,
  type StoreFailure,
  type StoreProblem,
  type WriteHealth,
} from './errors.js';
export { schemaStatements, type MigrationReport } from './migrations.js';
export {
  MIGRATION_LOCK_TABLE,
  displaceMigrationLock,
  migrationLockStatements,
  withMigrationLock,
  type MigrationLockNote,
  type MigrationLockOptions,
} from './migration-lock.js';
export type { RetentionChange } from './retention.js';
export type { Retention, Signal } from './schema.js';
export { RowBinaryWriter, encodeStringMap, EMPTY_MAP, type Str } from './row-binary.js';
export { LAYOUTS, type TableLayout, type TableName } from './tables.js';
export {
  MAX_LIMIT,
  ROLLUP_FROM_MS,
  SEVERITY_LEVELS,
  dependencies,
  instanceStats,
  operations,
  listServices,
  rateSeconds,
  readWindow,
  searchLogs,
  searchTraces,
  serviceActivity,
  traceById,
  type Activity,
  type DependencyEdge,
  type InstanceRequests,
  type InstanceStats,
  type LogFilter,
  type LogLine,
  type OperationRed,
  type Red,
  type ServiceSummary,
  type ReadScope,
  type ReadWindow,
  type SeverityLevel,
  type SpanSource,
  type SpanRecord,
  type TimeRange,
  type TraceFilter,
  type TraceSummary,
} from './queries/index.js';
export { alertHistory, appendAlertEvents, latestAlertEvents, type AlertEventRow } from './alert-events.js';
export {
  logVolume,
  runtimeSeries,
  serviceSeries,
  stepFor,
  type LogVolumePoint,
  type RedPoint,
  type RuntimeSeries,
} from './queries/index.js';
export { errorRateOver, lastTelemetryAt, latencyOver, logCountOver, runtimeStatMax } from './queries/index.js';
export { readConfigObjects, writeConfigObjects, type ConfigObject, type ConfigWrite } from './config-objects.js';
export { lastPings, recordPing } from './heartbeats.js';
export {
  appendNotifications,
  latestNotifications,
  loadEscalations,
  notificationHistory,
  saveEscalation,
  type EscalationRow,
  type NotificationRow,
  type NotificationStatus,
} from './notifications.js';
export {
  appendAudit,
  auditLog,
  loadTokens,
  saveToken,
  tokenLastUse,
  type AuditEvent,
  type TokenRow,
} from './tokens.js';
export { configNamespaces } from './namespaces.js';
export { findSession, saveSession, type SessionKind, type SessionRow } from './sessions.js';
export {
  markAlertingProcess,
  otherAlertingProcesses,
  type AlertingProcessSeen,
  type Coordination,
} from './processes.js';
export { mergeParts, storageUse, type StorageUse } from './maintenance.js';
export { ROLLUP_TABLES } from './telemetry-names.js';
