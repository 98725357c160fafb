import type { ClickHouseClient } from '@clickhouse/client';
import { connect, type StoreTarget } from './connection.js';
import { embeddedInserter, serverInserter, type InsertOutcome } from './insert.js';
import { migrate, type MigrationReport } from './migrations.js';
import { applyRetention, currentTtlSeconds, type RetentionChange } from './retention.js';
import type { Retention } from './schema.js';
import { LAYOUTS, type TableName } from './tables.js';

export interface Store {
  readonly kind: StoreTarget['kind'];
  readonly describe: string;
  /** Creates or upgrades the schema, then brings the tables' TTLs to the retention. */
  prepare(retention: Retention): Promise<{ migrations: MigrationReport; retention: RetentionChange[] }>;
  /** Stores rows already encoded as RowBinary in the table's wire layout (see tables.ts). */
  insertRowBinary(table: TableName, bytes: Buffer): Promise<InsertOutcome>;
  retentionSeconds(): Promise<Map<string, number | null>>;
  /** Small inserts of a few rows (events, configuration) as JSONEachRow. */
  insertJson(table: string, rows: Array<Record<string, unknown>>): Promise<void>;
  /** Parameterised read for store/ functions and tests; `{name:Type}` placeholders only. */
  query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openStore(target: StoreTarget): Promise<Store> {
  const conn = await connect(target);
  const client: ClickHouseClient = conn.client;
  const insert = conn.kind === 'embedded' ? embeddedInserter(client) : serverInserter(client);
  return {
    kind: conn.kind,
    describe: conn.describe,
    async prepare(retention) {
      const migrations = await migrate(client, retention);
      const changes = await applyRetention(client, retention);
      return { migrations, retention: changes };
    },
    insertRowBinary: (table, bytes) => insert(LAYOUTS[table], bytes),
    retentionSeconds: () => currentTtlSeconds(client),
    async insertJson(table, rows) {
      await client.insert({ table, values: rows, format: 'JSONEachRow' });
    },
    async query<T>(sql: string, params?: Record<string, unknown>) {
      const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return rs.json<T>();
    },
    async ping() {
      const r = await client.ping();
      return r.success;
    },
    close: () => client.close(),
  };
}
