// Retention per signal is the tables' TTL. At every start the configured retention is compared
// with each table's TTL and changed in place (ALTER ... MODIFY TTL) where it differs.
import type { ClickHouseClient } from '@clickhouse/client';
import { TABLE_TTL, ttlFor, type Retention } from './schema.js';

export interface RetentionChange {
  table: string;
  fromSeconds: number | null;
  toSeconds: number;
}

export async function currentTtlSeconds(client: ClickHouseClient): Promise<Map<string, number | null>> {
  const rows = await (
    await client.query({
      query:
        'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}',
      query_params: { names: TABLE_TTL.map((t) => t.table) },
      format: 'JSONEachRow',
    })
  ).json<{ name: string; engine_full: string }>();
  const out = new Map<string, number | null>();
  for (const r of rows) {
    const m = /toIntervalSecond\((\d+)\)/.exec(r.engine_full);
    out.set(r.name, m ? Number(m[1]) : null);
  }
  return out;
}

export async function applyRetention(client: ClickHouseClient, retention: Retention): Promise<RetentionChange[]> {
  const current = await currentTtlSeconds(client);
  const changes: RetentionChange[] = [];
  for (const { table, signal } of TABLE_TTL) {
    if (!current.has(table)) continue;
    const want = Math.floor(retention[signal]);
    const have = current.get(table) ?? null;
    if (have === want) continue;
    // The table name comes from our own list, never from input.
    await client.command({ query: `ALTER TABLE ${table} MODIFY TTL ${ttlFor(table, want)}` });
    changes.push({ table, fromSeconds: have, toSeconds: want });
  }
  return changes;
}
