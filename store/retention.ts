// Retention per signal is the tables' TTL. At every start the configured retention is compared
// with each table's TTL and changed in place (ALTER ... MODIFY TTL) where it differs.
import type { ClickHouseClient } from '@clickhouse/client';
import { localName } from './cluster.js';
import { TABLE_TTL, ttlFor, type Retention } from './schema.js';

export interface RetentionChange {
  table: string;
  fromSeconds: number | null;
  toSeconds: number;
}

/** On a cluster the TTL is the local tables' (Distributed tables have none). */
const ttlTable = (table: string, cluster?: string): string => (cluster ? localName(table) : table);

export async function currentTtlSeconds(
  client: ClickHouseClient,
  cluster?: string,
): Promise<Map<string, number | null>> {
  const rows = await (
    await client.query({
      query:
        'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}',
      query_params: { names: TABLE_TTL.map((t) => ttlTable(t.table, cluster)) },
      format: 'JSONEachRow',
    })
  ).json<{ name: string; engine_full: string }>();
  const out = new Map<string, number | null>();
  for (const r of rows) {
    const m = /toIntervalSecond\((\d+)\)/.exec(r.engine_full);
    out.set(cluster ? r.name.replace(/_local$/, '') : r.name, m ? Number(m[1]) : null);
  }
  return out;
}

export async function applyRetention(
  client: ClickHouseClient,
  retention: Retention,
  cluster?: string,
): Promise<RetentionChange[]> {
  const current = await currentTtlSeconds(client, cluster);
  const changes: RetentionChange[] = [];
  for (const { table, signal } of TABLE_TTL) {
    if (!current.has(table)) continue;
    const want = Math.floor(retention[signal]);
    const have = current.get(table) ?? null;
    if (have === want) continue;
    // The table name comes from our own list, never from input.
    const target = cluster ? `${localName(table)} ON CLUSTER ${cluster}` : table;
    await client.command({ query: `ALTER TABLE ${target} MODIFY TTL ${ttlFor(table, want)}` });
    changes.push({ table, fromSeconds: have, toSeconds: want });
  }
  return changes;
}
