// The schema on a ClickHouse cluster (--clickhouse-cluster): no cluster runs here, so every
// statement is checked by the engine's own parser (formatQuery), and its shape is asserted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { query } from 'chdb';
import { migrationLockStatements, schemaStatements } from '../store/index.js';

const formatted = (sql: string): string =>
  query(`SELECT formatQuery('${sql.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`, 'TSVRaw').trim();

test('every statement of the cluster schema parses, ON CLUSTER, replicated, with a Distributed table over each', () => {
  const statements = schemaStatements(undefined, 'prod');
  const single = schemaStatements();
  assert.ok(statements.length > single.length);
  for (const s of statements) {
    const f = formatted(s);
    // A backfill reads and writes through the Distributed tables, from one node: no ON CLUSTER.
    if (s.startsWith('INSERT INTO '))
      assert.match(f, /^INSERT INTO otel_(traces_(red|latency)(_1[mh])?|runtime(_1[mh])?|traces_rebuilt) SELECT/);
    else assert.match(f, /ON CLUSTER prod/, f);
  }
  // A table dropped (the span rollups rebuilt by migration 19) is dropped with its local table.
  const drops = statements.filter((s) => s.startsWith('DROP TABLE'));
  assert.ok(drops.includes('DROP TABLE IF EXISTS otel_traces_red_1m_local ON CLUSTER prod SYNC'));
  assert.ok(drops.includes('DROP TABLE IF EXISTS otel_traces_red_1m ON CLUSTER prod SYNC'));
  // A table emptied (the hourly span rollups rebuilt by migration 22) is emptied where its rows are.
  assert.ok(statements.includes('TRUNCATE TABLE IF EXISTS otel_traces_red_1h_local ON CLUSTER prod SYNC'));
  // Spans rebuilt in a new order (migration 24): the local tables change names on every shard, and
  // the Distributed table otel_traces reads whichever local table is called otel_traces_local.
  assert.ok(
    statements.includes(
      'RENAME TABLE otel_traces_local TO otel_traces_replaced_local, otel_traces_rebuilt_local TO otel_traces_local ON CLUSTER prod',
    ),
  );
  const creates = statements.filter((s) => s.startsWith('CREATE TABLE'));
  const locals = creates.filter((s) => /^CREATE TABLE IF NOT EXISTS \w+_local /.test(s));
  const distributed = creates.filter((s) => /ENGINE = Distributed\(prod, currentDatabase\(\), \w+_local, /.test(s));
  assert.equal(locals.length + distributed.length, creates.length);
  assert.equal(locals.length, distributed.length, 'a Distributed table over each local one');
  for (const s of locals)
    assert.match(
      s,
      /ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/,
    );
  // Versioned tables keep their version column after the replication arguments.
  assert.ok(locals.some((s) => /ReplicatedReplacingMergeTree\('[^']+', '\{replica\}', Version\)/.test(s)));
  // A trace's spans and its lookup row go to one shard.
  assert.ok(
    distributed.some((s) => /^CREATE TABLE IF NOT EXISTS otel_traces ON CLUSTER.*cityHash64\(TraceId\)\)$/s.test(s)),
  );
  // The trace-id lookup is maintained on each shard, from and to the local tables.
  const views = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
  assert.match(views[0]!, /ON CLUSTER prod\s+TO otel_traces_trace_id_ts_local/);
  assert.match(views[0]!, /FROM otel_traces_local/);
  // So are the per-minute rollups of spans.
  assert.match(
    views[1]!,
    /otel_traces_red_1m_mv ON CLUSTER prod\s+TO otel_traces_red_1m_local[\s\S]*FROM otel_traces_local/,
  );
  assert.match(
    views[2]!,
    /otel_traces_latency_1m_mv ON CLUSTER prod\s+TO otel_traces_latency_1m_local[\s\S]*FROM otel_traces_local/,
  );
  // Since migration 26, one view per kind of span rollup, writing minute and hour rows.
  for (const kind of ['red', 'latency'])
    assert.ok(
      views.some((v) =>
        new RegExp(
          `otel_traces_${kind}_mv ON CLUSTER prod\\s+TO otel_traces_${kind}_local[\\s\\S]*FROM otel_traces_local`,
        ).test(v),
      ),
      kind,
    );
  // And the runtime metrics' rollup, one view per metric table (since migration 27, to one table
  // of minute and hour rows).
  assert.match(
    views[3]!,
    /otel_runtime_1m_gauge_mv ON CLUSTER prod\s+TO otel_runtime_1m_local[\s\S]*FROM otel_metrics_gauge_local/,
  );
  for (const source of ['gauge', 'sum', 'histogram'])
    assert.ok(
      views.some((v) =>
        new RegExp(
          `otel_runtime_${source}_mv ON CLUSTER prod\\s+TO otel_runtime_local[\\s\\S]*FROM otel_metrics_${source}_local`,
        ).test(v),
      ),
      source,
    );
  // Layout changes go to the local tables only; new columns to both.
  const alters = statements.filter((s) => s.startsWith('ALTER TABLE'));
  assert.ok(alters.every((s) => /^ALTER TABLE \w+ ON CLUSTER prod /.test(s)));
  assert.ok(
    alters.filter((s) => /PROJECTION|INDEX|MODIFY SETTING/.test(s)).every((s) => /^ALTER TABLE \w+_local /.test(s)),
  );
  const added = alters.filter((s) => / ADD COLUMN IF NOT EXISTS Fence /.test(s));
  assert.deepEqual(
    added.map((s) => s.split(' ')[2]),
    ['micro_notifications_local', 'micro_notifications'],
  );
  // The single-server schema is unchanged by all this.
  assert.ok(single.every((s) => !/ON CLUSTER|_local|Replicated|Distributed/.test(s)));
});

test('the migration lock goes ON CLUSTER too, each of its statements as the engine parses it', () => {
  const lock = migrationLockStatements('prod');
  const note = '\'{"holder":"h:1:ab","since":1,"seen":2}\'';
  const away = 'micro_migration_lock_stale_1';
  const forms = [lock.take(note), lock.renew(note), lock.renameAway(away), lock.renameBack(away), lock.drop()];
  for (const f of forms.map(formatted)) assert.match(f, /ON CLUSTER prod/, f);
  assert.match(formatted(lock.take(note)), /^CREATE TABLE micro_migration_lock ON CLUSTER prod/);
  assert.match(formatted(lock.renew(note)), /^ALTER TABLE micro_migration_lock ON CLUSTER prod\s+\(?MODIFY COMMENT/);
  // On one server, none of them names a cluster.
  const single = migrationLockStatements();
  for (const s of [
    single.take(note),
    single.renew(note),
    single.renameAway('x'),
    single.renameBack('x'),
    single.drop(),
  ])
    assert.doesNotMatch(formatted(s), /ON CLUSTER/);
});
