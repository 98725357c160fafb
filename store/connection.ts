// One @clickhouse/client for both deployments. The embedded engine (chDB) is imported only in
// embedded mode, so a deployment against a ClickHouse server never loads its 540 MB library.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';

export type StoreTarget =
  | { kind: 'embedded'; dataDir: string }
  /** `cluster`: the tables are created ON CLUSTER, replicated, with Distributed tables over them. */
  | { kind: 'server'; url: string; cluster?: string };

export interface StoreConnection {
  kind: StoreTarget['kind'];
  /** Inserts, schema changes and the store's own bookkeeping. */
  client: ClickHouseClient;
  /** Where reads run, each given to the one with the fewest in flight (a server's is `client`). */
  readers: ClickHouseClient[];
  /** Where the data lives, without credentials (for logs and /readyz). */
  describe: string;
  /** Releases what the connection holds beside its client; after the client is closed. */
  release(): void;
}

/**
 * The embedded engine's server settings (its arguments, built from the sizes here). A ClickHouse
 * server would read them from its configuration (deploy/clickhouse-caches.xml does the same for the
 * one docker-compose runs).
 * Skip indexes' blocks are kept decompressed: finding a trace tests the trace-id bloom filter of
 * about two granules per stored hour, and decompressing those blocks was a third of the read
 * (10M spans of bench/query's: 5.8-6.7 ms to find a trace's granule without the cache, 3.2-4.2
 * with it). 128 MiB holds that filter for ~70M spans; past it, the cache keeps the hours read most.
 */
export const SKIP_INDEX_CACHE_BYTES = 128 * 2 ** 20;
const EMBEDDED_ENGINE_ARGS: readonly string[] = [`--index_uncompressed_cache_size=${SKIP_INDEX_CACHE_BYTES}`];

/**
 * Connections of their own for the embedded engine's reads. A chDB connection runs one statement
 * at a time, so with one connection every read waited for the insert or read before it (a page's
 * parallel reads ran one after the other, and any read behind a 50k-row insert); connections on the
 * same data path run side by side. chDB also runs every statement bound with parameters one at a
 * time across the whole process (its guard against a libchdb race between connections), so reads
 * bind theirs in this process (query-params.ts). Two, beside the connection that writes: each
 * statement in flight holds one of libuv's four worker threads, and the fourth is left to file
 * writes and DNS lookups (lanes.ts). README, "Reads side by side", has the figures.
 */
const EMBEDDED_READ_CONNECTIONS = 2;

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
    const [{ Session }, { createChdbConnection }] = await Promise.all([import('chdb'), import('chdb/connection')]);
    // The engine takes its server settings from the first connection a process opens to it, and
    // the client's connection is given a path only: a session opened first with the settings sets
    // them, and stays open as long as the client. (Stores opened later on the same path in this
    // process find the engine running with them already.)
    const settings = new Session(dir, { connectionArgs: EMBEDDED_ENGINE_ARGS });
    const clients: ClickHouseClient[] = [];
    try {
      for (let i = 0; i <= EMBEDDED_READ_CONNECTIONS; i++)
        clients.push(
          createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<typeof createClient>[0]),
        );
    } catch (err) {
      await Promise.all(clients.map((c) => c.close()));
      settings.close();
      throw err;
    }
    const [client, ...readers] = clients as [ClickHouseClient, ...ClickHouseClient[]];
    return {
      kind: 'embedded',
      client,
      readers,
      describe: `embedded ClickHouse at ${dir}`,
      release: () => settings.close(),
    };
  }
  const url = new URL(target.url);
  const client = createClient({
    url: target.url,
    request_timeout: 60_000,
    clickhouse_settings: {
      date_time_input_format: 'best_effort',
      // Through a Distributed table an insert is answered once its shard has it, not when it is
      // spooled on the receiving node: acknowledge-after-store holds on a cluster too.
      ...(target.cluster ? { distributed_foreground_insert: 1 } : {}),
    },
  });
  url.username = '';
  url.password = '';
  const where = target.cluster ? `ClickHouse cluster ${target.cluster} through` : 'ClickHouse server at';
  return {
    kind: 'server',
    client,
    readers: [client],
    describe: `${where} ${url.toString()}`,
    release: () => undefined,
  };
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
