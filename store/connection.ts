// One @clickhouse/client for both deployments. The embedded engine (chDB) is imported only in
// embedded mode, so a deployment against a ClickHouse server never loads its 540 MB library.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';

export type StoreTarget = { kind: 'embedded'; dataDir: string } | { kind: 'server'; url: string };

export interface StoreConnection {
  kind: StoreTarget['kind'];
  client: ClickHouseClient;
  /** Where the data lives, without credentials (for logs and /readyz). */
  describe: string;
}

export async function connect(target: StoreTarget): Promise<StoreConnection> {
  if (target.kind === 'embedded') {
    const dir = path.resolve(target.dataDir, 'clickhouse');
    // Telemetry, tokens and keys live here: readable by the owner only.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const d of [path.resolve(target.dataDir), dir]) {
      try {
        chmodSync(d, 0o700);
      } catch {
        // Not ours to change (a mounted volume owned by another user): its owner decides.
      }
    }
    const { createChdbConnection } = await import('chdb/connection');
    const client = createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<
      typeof createClient
    >[0]);
    return { kind: 'embedded', client, describe: `embedded ClickHouse at ${dir}` };
  }
  const url = new URL(target.url);
  const client = createClient({
    url: target.url,
    request_timeout: 60_000,
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  url.username = '';
  url.password = '';
  return { kind: 'server', client, describe: `ClickHouse server at ${url.toString()}` };
}

/** A ClickHouse URL with its credentials masked, safe to log. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
