// A lock around schema migrations, for processes that share a ClickHouse server or cluster.
// ClickHouse has no locks, but creating a table is atomic: of two CREATEs of one name, one fails
// (TABLE_ALREADY_EXISTS). So the lock is a table that exists while a process migrates; its comment
// names the holder and when it last said it was alive. A holder silent for longer than
// `staleAfterMs` (it died mid-migration) is displaced by renaming its table away, which only one
// of several waiting processes manages (the others find no table to rename). Reading the note and
// renaming are two steps: a waiter that finds it renamed a live lock (taken in between by another
// waiter) puts it back.
import type { ClickHouseClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const MIGRATION_LOCK_TABLE = 'micro_migration_lock';
/** How long a holder that finds no lock waits for one renamed away by mistake to come back. */
const PUT_BACK_MS = 150;

/** What the lock table's comment holds. */
export interface MigrationLockNote {
  holder: string;
  /** When the holder took the lock, and when it last said it was alive (ms since the epoch). */
  since: number;
  seen: number;
}

export interface MigrationLockOptions {
  /** Who this process is, in the lock's note (default host:pid:random). */
  holder?: string;
  /** A holder not heard from for this long is taken for dead (default 60 s). */
  staleAfterMs?: number;
  /** How often the holder says it is alive (default 10 s). */
  heartbeatMs?: number;
  /** How often a waiting process looks again (default 1 s). */
  pollMs?: number;
  /** The clock of the notes (default: the ClickHouse server's, one clock for every process). */
  now?: () => Promise<number>;
  /** Told, at each look, whom this process waits for. */
  onWait?: (holder: MigrationLockNote) => void;
}

/** Given to the work under the lock: throws once the lock was taken away (its holder was taken for dead). */
export type LockCheck = () => void;

function defaultLockHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

const alreadyExists = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return e.code === '57' || /already exists/i.test(e.message ?? '');
};
const unknownTable = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return e.code === '60' || /doesn't exist|does not exist|unknown table/i.test(e.message ?? '');
};

/** The server's time: holders and waiters judge silence by one clock, not each machine's own. */
async function serverMillis(client: ClickHouseClient): Promise<number> {
  const [row] = await (
    await client.query({ query: 'SELECT toUnixTimestamp64Milli(now64(3)) AS t', format: 'JSONEachRow' })
  ).json<{ t: string | number }>();
  return Number(row!.t);
}

/** A ClickHouse string literal of our own note (JSON of a checked holder name and numbers). */
const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The lock's statements, for one server or ON CLUSTER `cluster`; `note` is a string literal. */
export function migrationLockStatements(cluster?: string) {
  const on = cluster ? ` ON CLUSTER ${cluster}` : '';
  const t = MIGRATION_LOCK_TABLE;
  return {
    take: (note: string) => `CREATE TABLE ${t}${on} (Holder String) ENGINE = Memory COMMENT ${note}`,
    renew: (note: string) => `ALTER TABLE ${t}${on} MODIFY COMMENT ${note}`,
    renameAway: (away: string) => `RENAME TABLE ${t} TO ${away}${on}`,
    renameBack: (away: string) => `RENAME TABLE ${away} TO ${t}${on}`,
    drop: (name: string = t) => `DROP TABLE IF EXISTS ${name}${on} SYNC`,
  };
}

/** The note of the lock table `table` (the lock, or a lock renamed away), or null when there is none. */
async function readNote(client: ClickHouseClient, table: string): Promise<MigrationLockNote | null> {
  const rows = await (
    await client.query({
      query: 'SELECT comment FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
      query_params: { table },
      format: 'JSONEachRow',
    })
  ).json<{ comment: string }>();
  if (rows.length === 0) return null;
  try {
    return JSON.parse(rows[0]!.comment) as MigrationLockNote;
  } catch {
    return { holder: 'unknown', since: 0, seen: 0 }; // not ours to read: old enough to displace
  }
}

/**
 * Displaces the holder `judged` (a note read before and found stale): renames the lock away (one of
 * several waiters succeeds) and drops it. If what was renamed is not that note, another waiter
 * displaced the dead holder first and took the lock itself, and its live lock goes back.
 */
export async function displaceMigrationLock(
  client: ClickHouseClient,
  cluster: string | undefined,
  judged: MigrationLockNote,
): Promise<void> {
  const sql = migrationLockStatements(cluster);
  const away = `${MIGRATION_LOCK_TABLE}_stale_${randomBytes(4).toString('hex')}`;
  try {
    await client.command({ query: sql.renameAway(away) });
  } catch (err) {
    if (unknownTable(err)) return; // another waiting process displaced it first
    throw err;
  }
  const renamed = await readNote(client, away);
  // A lock is known by its holder and when it was taken (renewals change only `seen`).
  if (renamed && (renamed.holder !== judged.holder || renamed.since !== judged.since)) {
    try {
      await client.command({ query: sql.renameBack(away) });
      return;
    } catch (err) {
      // A third process took the lock meanwhile; the live holder finds its lock gone at its next
      // heartbeat and stops, so two never migrate side by side.
      if (!alreadyExists(err)) throw err;
    }
  }
  await client.command({ query: sql.drop(away) });
}

/** Runs `work` while this process holds the migration lock, waiting for another holder first. */
export async function withMigrationLock<T>(
  client: ClickHouseClient,
  cluster: string | undefined,
  opts: MigrationLockOptions,
  work: (check: LockCheck) => Promise<T>,
): Promise<T> {
  const holder = opts.holder ?? defaultLockHolder();
  if (!/^[\w.:-]{1,200}$/.test(holder)) throw new Error(`a migration lock holder must be a plain name: ${holder}`);
  const now = opts.now ?? (() => serverMillis(client));
  const staleAfterMs = opts.staleAfterMs ?? 60_000;
  const sql = migrationLockStatements(cluster);
  let since = 0; // set when the lock is taken
  const note = async (): Promise<string> =>
    literal(JSON.stringify({ holder, since, seen: await now() } satisfies MigrationLockNote));

  const read = () => readNote(client, MIGRATION_LOCK_TABLE);
  const pollMs = opts.pollMs ?? 1000;
  const tryTake = async (): Promise<boolean> => {
    since = await now();
    try {
      await client.command({ query: sql.take(await note()) });
      return true;
    } catch (err) {
      if (alreadyExists(err)) return false;
      throw err;
    }
  };

  for (;;) {
    if (await tryTake()) break;
    const other = await read();
    if (!other) continue; // released between the two
    if ((await now()) - other.seen > staleAfterMs) {
      await displaceMigrationLock(client, cluster, other);
      continue;
    }
    opts.onWait?.(other);
    await new Promise((r) => setTimeout(r, pollMs));
  }

  let lost: MigrationLockNote | null = null;
  /**
   * The lock's note as the holder sees it. No lock at all may be a waiter putting back the lock it
   * renamed away by mistake (three statements), so it looks once more; still none: taken for dead.
   */
  const readHeld = async (): Promise<MigrationLockNote | null> =>
    (await read()) ?? (await new Promise((r) => setTimeout(r, PUT_BACK_MS)).then(read));
  /** Says this process is alive, unless the lock is no longer its own. */
  const heartbeat = async (): Promise<void> => {
    const current = await readHeld();
    if (current?.holder !== holder) {
      lost = current ?? { holder: 'nobody', since: 0, seen: 0 };
      return;
    }
    await client.command({ query: sql.renew(await note()) });
  };
  let beating = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(heartbeat).catch(() => undefined); // a missed beat is retried at the next
  }, opts.heartbeatMs ?? 10_000);
  timer.unref();
  const check: LockCheck = () => {
    if (lost)
      throw new Error(
        `this process lost the schema migration lock to ${lost.holder}, which took it for dead; ` +
          'the migration stops here and runs again, whole, at the next start',
      );
  };
  try {
    return await work(check);
  } finally {
    clearInterval(timer);
    await beating;
    if ((await readHeld())?.holder === holder) await client.command({ query: sql.drop() });
  }
}
