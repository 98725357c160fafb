// Versioned migrations, applied in order at start and recorded in `micro_migrations`. Every
// statement is idempotent (IF NOT EXISTS), so a migration interrupted half-way runs again whole.
import type { ClickHouseClient } from '@clickhouse/client';
import { logsDdl, metricsDdl, tracesDdl, type Retention } from './schema.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (retention: Retention) => string[];
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'otel traces and trace-id lookup', statements: tracesDdl },
  { version: 2, name: 'otel logs', statements: logsDdl },
  { version: 3, name: 'otel metrics', statements: metricsDdl },
];

export interface MigrationReport {
  applied: Array<{ version: number; name: string }>;
  current: number;
}

export async function migrate(client: ClickHouseClient, retention: Retention): Promise<MigrationReport> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS micro_migrations (
      version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version`,
  });
  const rows = await (await client.query({ query: 'SELECT version FROM micro_migrations', format: 'JSONEachRow' })).json<{ version: number }>();
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: MigrationReport['applied'] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements(retention)) await client.command({ query: statement });
    await client.insert({ table: 'micro_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' });
    applied.push({ version: m.version, name: m.name });
  }
  return { applied, current: Math.max(0, ...MIGRATIONS.map((m) => m.version)) };
}
