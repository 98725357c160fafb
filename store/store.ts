import type { ClickHouseClient } from '@clickhouse/client';
import { connect, type StoreTarget } from './connection.js';
import { StoreError, classifyStoreError, type WriteHealth } from './errors.js';
import { embeddedInserter, outcomeOf, serverInserter, type InsertOutcome, type RowBinaryBytes } from './insert.js';
import { Lane, leastLoaded } from './lanes.js';
import { migrate, type MigrationReport } from './migrations.js';
import { bindQueryParams } from './query-params.js';
import type { MigrationLockOptions } from './migration-lock.js';
import { applyRetention, currentTtlSeconds, type RetentionChange } from './retention.js';
import type { Retention } from './schema.js';
import { LAYOUTS, type TableName } from './tables.js';

export interface Store {
  readonly kind: StoreTarget['kind'];
  readonly describe: string;
  /** Creates or upgrades the schema, then brings the tables' TTLs to the retention. */
  prepare(retention: Retention): Promise<{ migrations: MigrationReport; retention: RetentionChange[] }>;
  /** Stores rows already encoded as RowBinary in the table's wire layout (see tables.ts). */
  /** `dedupToken`: a retry of the same token is stored once (see insert.ts). */
  insertRowBinary(table: TableName, rows: RowBinaryBytes, dedupToken?: string): Promise<InsertOutcome>;
  retentionSeconds(): Promise<Map<string, number | null>>;
  /** Small inserts of a few rows (events, configuration) as JSONEachRow. */
  insertJson(table: string, rows: Array<Record<string, unknown>>): Promise<void>;
  /** Parameterised read for store/ functions and tests; `{name:Type}` placeholders only. */
  query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  ping(): Promise<boolean>;
  /** Whether writes go through, as the last write found; while they do not, a probe retries. */
  writeHealth(): WriteHealth;
  /** Told each time writes stop or start going through again. */
  onWriteHealth(listener: (h: WriteHealth) => void): void;
  close(): Promise<void>;
}

/** The rows of a JSONEachRow answer: one JSON object a line. */
function rowsOf<T>(text: string): T[] {
  const rows: T[] = [];
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    if (end > at) rows.push(JSON.parse(text.slice(at, end)) as T);
    at = end + 1;
  }
  return rows;
}

export interface StoreOptions {
  /** How often a tiny write is tried while writes fail (so readiness recovers without traffic). */
  writeProbeMs?: number;
  now?: () => number;
  /**
   * On a ClickHouse server, migrations run under a lock so that processes started together take
   * turns (see migration-lock.ts); its options here. The embedded store is one process's alone, so
   * it takes the lock only when given these (tests of the lock do).
   */
  migrationLock?: MigrationLockOptions;
}

export async function openStore(target: StoreTarget, opts: StoreOptions = {}): Promise<Store> {
  const conn = await connect(target);
  const cluster = target.kind === 'server' ? target.cluster : undefined;
  const client: ClickHouseClient = conn.client;
  // The embedded engine's connections take one statement at a time (lanes.ts), and its reads bind
  // their parameters here (query-params.ts); a server's connections take many, parameters beside.
  const embedded = conn.kind === 'embedded';
  const perConnection = embedded ? 1 : Number.POSITIVE_INFINITY;
  const writes = new Lane(client, perConnection);
  const reads = conn.readers.map((c) => (c === client ? writes : new Lane(c, perConnection)));
  /** Every connection once (a server's reads share the writing one). */
  const lanes = [...new Set([writes, ...reads])];
  const inserter =
    conn.kind === 'embedded' ? embeddedInserter(writes) : { insert: serverInserter(client), dispose: () => undefined };
  const insert = inserter.insert;
  const now = opts.now ?? Date.now;
  let health: WriteHealth = { ok: true };
  const listeners: Array<(h: WriteHealth) => void> = [];
  let probe: NodeJS.Timeout | null = null;
  let prepared = false;
  const probeWrite = async (): Promise<void> => {
    try {
      await writes.run((c) => c.insert({ table: 'micro_write_probe', values: [{ At: now() }], format: 'JSONEachRow' }));
      seen({ status: 'success' });
    } catch (err) {
      seen(outcomeOf(err));
    }
  };
  /** Every write's outcome: a change of health is told to the listeners once. */
  function seen(o: InsertOutcome): void {
    if (o.status === 'success') {
      if (health.ok) return;
      health = { ok: true };
      if (probe) clearInterval(probe);
      probe = null;
    } else if (o.status === 'retryable') {
      if (!health.ok && health.problem === o.problem) return;
      health = { ok: false, problem: o.problem, message: o.error, since: now() };
      if (!probe && prepared) {
        probe = setInterval(() => void probeWrite(), opts.writeProbeMs ?? 2000);
        probe.unref();
      }
    } else {
      return; // a write refused for its content says nothing of the store
    }
    for (const l of listeners) l(health);
  }
  const classified = (err: unknown): StoreError => new StoreError(classifyStoreError(err), { cause: err });
  return {
    kind: conn.kind,
    describe: conn.describe,
    async prepare(retention) {
      const migrations = await migrate(
        client,
        retention,
        cluster,
        opts.migrationLock ?? (conn.kind === 'server' ? {} : undefined),
      );
      const changes = await applyRetention(client, retention, cluster);
      prepared = true;
      return { migrations, retention: changes };
    },
    async insertRowBinary(table, rows, dedupToken) {
      const o = await insert(LAYOUTS[table], rows, dedupToken);
      seen(o);
      return o;
    },
    retentionSeconds: () => writes.run((c) => currentTtlSeconds(c, cluster)),
    async insertJson(table, rows) {
      try {
        // A few rows (a ping, an alert event, a notification): any connection takes them, so they
        // need not wait behind a batch of telemetry on the writing one.
        await leastLoaded(lanes).run((c) => c.insert({ table, values: rows, format: 'JSONEachRow' }));
        seen({ status: 'success' });
      } catch (err) {
        seen(outcomeOf(err));
        throw classified(err);
      }
    },
    async query<T>(sql: string, params?: Record<string, unknown>) {
      const request = embedded
        ? { query: bindQueryParams(sql, params), format: 'JSONEachRow' as const }
        : { query: sql, query_params: params, format: 'JSONEachRow' as const };
      try {
        // Parsed here from the whole text: the result set's json() passes the rows through a stream
        // one by one, which was 4% of a trace's read (0.4 of ~10 ms). A row is one line: JSON
        // escapes every newline inside a value.
        const text = await leastLoaded(reads).run(async (c) => (await c.query(request)).text());
        return rowsOf<T>(text);
      } catch (err) {
        throw classified(err);
      }
    },
    async ping() {
      const r = await writes.run((c) => c.ping());
      return r.success;
    },
    writeHealth: () => health,
    onWriteHealth(listener) {
      listeners.push(listener);
    },
    async close() {
      if (probe) clearInterval(probe);
      probe = null;
      await Promise.all(lanes.map((lane) => lane.close()));
      await Promise.all(lanes.map((lane) => lane.client.close()));
      inserter.dispose();
      conn.release();
    },
  };
}
