// Processes that share a store take turns at migrating it: one applies what is missing while the
// others wait and then find it done; a holder that died is displaced once it has been silent long
// enough, and a holder displaced that way stops rather than migrate beside the new one; a live lock
// renamed away by a waiter that judged an older one puts it back.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { test } from 'node:test';
import {
  MIGRATION_LOCK_TABLE,
  displaceMigrationLock,
  migrationLockStatements,
  openStore,
  withMigrationLock,
  type MigrationLockNote,
  type Store,
  type StoreTarget,
} from '../store/index.js';
import { makeDataDir, testDatabaseUrl } from './support/server.js';

async function targetOf(dataDir: string): Promise<StoreTarget> {
  const url = await testDatabaseUrl(dataDir);
  return url ? { kind: 'server', url } : { kind: 'embedded', dataDir };
}

/** A client of the same store for the statements a Store does not run (DDL, deletes). */
async function rawClient(target: StoreTarget): Promise<ClickHouseClient> {
  if (target.kind === 'server') return createClient({ url: target.url });
  const { createChdbConnection } = await import('chdb/connection');
  return createClient({
    connection: createChdbConnection({ path: path.join(target.dataDir, 'clickhouse') }),
  } as Parameters<typeof createClient>[0]);
}

const RETENTION = { traces: 86400, logs: 86400, metrics: 86400 };
// One store for the whole file: the embedded engine binds one data directory per process, and
// several Stores of one process share it as several processes share a server.
const DATA_DIR = makeDataDir();

const lockTables = (store: Store) =>
  store.query<{ name: string }>(
    'SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, {p:String})',
    { p: MIGRATION_LOCK_TABLE },
  );

const versionsRecorded = (store: Store) =>
  store.query<{ version: number; times: string }>(
    'SELECT version, count() AS times FROM micro_migrations GROUP BY version ORDER BY version',
  );

const lockNote = (holder: string, seenMsAgo: number): string => {
  const at = Date.now() - seenMsAgo;
  return JSON.stringify({ holder, since: at, seen: at } satisfies MigrationLockNote);
};

test('two processes starting together migrate once: one applies, the other waits and finds it done', async () => {
  const target = await targetOf(DATA_DIR);
  const waitedFor: string[] = [];
  const a = await openStore(target);
  try {
    const lock = (holder: string) => ({
      holder,
      pollMs: 50,
      onWait: (h: MigrationLockNote) => waitedFor.push(h.holder),
    });
    const [sa, sb] = await Promise.all([
      openStore(target, { migrationLock: lock('first') }),
      openStore(target, { migrationLock: lock('second') }),
    ]);
    const [ra, rb] = await Promise.all([sa.prepare(RETENTION), sb.prepare(RETENTION)]);
    await Promise.all([sa.close(), sb.close()]);
    const applied = [ra.migrations.applied.length, rb.migrations.applied.length].sort((x, y) => x - y);
    assert.equal(applied[0], 0, 'the process that waited applied nothing');
    assert.equal(applied[1], ra.migrations.current, 'the other applied every migration');
    assert.ok(waitedFor.length > 0 && waitedFor.every((h) => h === 'first' || h === 'second'));
    const recorded = await versionsRecorded(a);
    assert.equal(recorded.length, ra.migrations.current);
    assert.ok(
      recorded.every((r) => Number(r.times) === 1),
      'each migration recorded once',
    );
    assert.deepEqual(await lockTables(a), [], 'the lock is gone once the migrations are done');
  } finally {
    await a.close();
  }
});

test('a live holder is waited for; a silent one is displaced and its lock dropped', async () => {
  const target = await targetOf(DATA_DIR);
  const raw = await rawClient(target);
  const lock = migrationLockStatements();
  const create = (note: string) => raw.command({ query: lock.take(`'${note}'`) });
  /** The store set back by its last migration, which the next start applies again. The version is read
   *  first: a mutation's subquery over its own table is evaluated part by part as the parts change, so
   *  `WHERE version = (SELECT max(version) …)` could delete the last two. */
  const setBackLast = async () => {
    const rows = await raw.query({ query: 'SELECT max(version) AS v FROM micro_migrations', format: 'JSONEachRow' });
    const [{ v }] = await rows.json<{ v: number }>();
    await raw.command({
      query: 'ALTER TABLE micro_migrations DELETE WHERE version = {v:UInt32}',
      query_params: { v: Number(v) },
      clickhouse_settings: { mutations_sync: '2' },
    });
  };
  const waits: MigrationLockNote[] = [];
  const store = await openStore(target, { migrationLock: { holder: 'me', pollMs: 50, onWait: (h) => waits.push(h) } });
  try {
    await setBackLast();
    await create(lockNote('alive:1', 0));
    const started = Date.now();
    const preparing = store.prepare(RETENTION);
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(waits.length > 0 && waits.every((h) => h.holder === 'alive:1'), 'it waits for the live holder');
    await raw.command({ query: lock.drop() }); // the holder finishes
    const report = await preparing;
    assert.ok(Date.now() - started >= 600);
    assert.deepEqual(
      report.migrations.applied.map((m) => m.version),
      [report.migrations.current],
    );

    // A holder that died mid-migration: silent for two minutes, longer than the minute allowed.
    await setBackLast();
    await create(lockNote('dead:2', 120_000));
    waits.length = 0;
    const again = await store.prepare(RETENTION);
    assert.deepEqual(
      again.migrations.applied.map((m) => m.version),
      [report.migrations.current],
    );
    assert.deepEqual(waits, [], 'a dead holder is not waited for');
    assert.deepEqual(await lockTables(store), [], 'the dead holder’s lock is dropped, not left renamed');
  } finally {
    await store.close();
    await raw.close();
  }
});

/** Two clients and a Store of one store, as three processes sharing it; closed when `play` ends. */
async function asProcesses(
  play: (one: ClickHouseClient, two: ClickHouseClient, reader: Store) => Promise<void>,
): Promise<void> {
  const target = await targetOf(DATA_DIR);
  const [one, two] = await Promise.all([rawClient(target), rawClient(target)]);
  const reader = await openStore(target);
  try {
    await play(one, two, reader);
  } finally {
    await Promise.all([one.close(), two.close(), reader.close()]);
  }
}

/** A promise and what settles it. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

const lockTaken = async (reader: Store) => {
  while ((await lockTables(reader)).length === 0) await new Promise((r) => setTimeout(r, 5));
};

test('a holder displaced while it works stops at its next step, with a sentence', () =>
  asProcesses(async (one, two, reader) => {
    const eagerHolds = gate();
    // The first holder beats every 20 ms; the second takes any holder silent for 0 ms for dead.
    const displaced = withMigrationLock(one, undefined, { holder: 'displaced', heartbeatMs: 20 }, async (check) => {
      await eagerHolds.opened;
      await new Promise((r) => setTimeout(r, 200)); // a beat or more later
      check();
      return 'went on';
    });
    await lockTaken(reader);
    const eager = withMigrationLock(two, undefined, { holder: 'eager', staleAfterMs: 0, pollMs: 20 }, async () => {
      eagerHolds.open();
      await new Promise((r) => setTimeout(r, 400));
      return 'done';
    });
    await assert.rejects(displaced, /lost the schema migration lock to eager/);
    assert.equal(await eager, 'done');
    assert.deepEqual(await lockTables(reader), [], 'the new holder dropped its lock; the displaced one left it alone');
  }));

test('a waiter that renamed away a live lock, judging the dead one before it, puts it back', () =>
  asProcesses(async (one, two, reader) => {
    const finished = gate();
    // The live holder beats every 20 ms, so a beat may well fall while its lock is away.
    const live = withMigrationLock(one, undefined, { holder: 'live', heartbeatMs: 20 }, async (check) => {
      await finished.opened;
      check();
      return 'done';
    });
    await lockTaken(reader);
    // A waiter read a dead holder's note, then another waiter displaced it and took the lock (the
    // live one above); only now does the first waiter rename "the dead holder's" lock away.
    await displaceMigrationLock(two, undefined, { holder: 'dead:3', since: 1, seen: 1 });
    const notes = await reader.query<{ name: string; comment: string }>(
      'SELECT name, comment FROM system.tables WHERE database = currentDatabase() AND startsWith(name, {p:String})',
      { p: MIGRATION_LOCK_TABLE },
    );
    assert.deepEqual(
      notes.map((n) => [n.name, (JSON.parse(n.comment) as MigrationLockNote).holder]),
      [[MIGRATION_LOCK_TABLE, 'live']],
      'the live lock is back under its name, and nothing is left renamed',
    );
    await new Promise((r) => setTimeout(r, 300)); // beats after the put-back
    finished.open();
    assert.equal(await live, 'done', 'the live holder kept its lock');
    assert.deepEqual(await lockTables(reader), [], 'and dropped it when done');
  }));
