// The store on its own: migrations, retention, and the binary insert path. Runs on the embedded
// engine, and also against a ClickHouse server when MICRO_TEST_CLICKHOUSE_URL is set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createClient } from '@clickhouse/client';
import {
  EMPTY_MAP,
  SKIP_INDEX_CACHE_BYTES,
  LAYOUTS,
  RowBinaryWriter,
  openStore,
  traceById,
  type Store,
} from '../store/index.js';
import { makeDataDir, removeDataDir, testClickHouseUrl } from './support/server.js';

const DAY = 86400;
let store: Store;
let dataDir: string;
let dropDatabase: (() => Promise<void>) | undefined;

before(async () => {
  dataDir = makeDataDir();
  const base = await testClickHouseUrl();
  if (base) {
    const db = `micro_store_test_${process.pid}`;
    const admin = createClient({ url: base });
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
    const u = new URL(base);
    u.pathname = `/${db}`;
    store = await openStore({ kind: 'server', url: u.toString() });
    dropDatabase = async () => {
      await admin.command({ query: `DROP DATABASE IF EXISTS ${db}` });
      await admin.close();
    };
  } else {
    store = await openStore({ kind: 'embedded', dataDir });
  }
});
after(async () => {
  await store.close();
  await dropDatabase?.();
  await removeDataDir(dataDir);
});

test('migrations apply once, are recorded, and a second run changes nothing', async () => {
  const first = await store.prepare({ traces: 7 * DAY, logs: 7 * DAY, metrics: 30 * DAY });
  assert.deepEqual(
    first.migrations.applied.map((m) => m.version),
    Array.from({ length: 27 }, (_, i) => i + 1),
  );
  const second = await store.prepare({ traces: 7 * DAY, logs: 7 * DAY, metrics: 30 * DAY });
  assert.deepEqual(second.migrations.applied, []);
  assert.deepEqual(second.retention, []);
  const recorded = await store.query<{ version: number }>('SELECT version FROM micro_migrations ORDER BY version');
  assert.deepEqual(
    recorded.map((r) => Number(r.version)),
    Array.from({ length: 27 }, (_, i) => i + 1),
  );
  const tables = await store.query<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'otel_%' ORDER BY name",
  );
  assert.deepEqual(
    tables.map((t) => t.name),
    [
      'otel_logs',
      'otel_metrics_exponential_histogram',
      'otel_metrics_gauge',
      'otel_metrics_histogram',
      'otel_metrics_sum',
      'otel_metrics_summary',
      'otel_runtime',
      'otel_runtime_gauge_mv',
      'otel_runtime_histogram_mv',
      'otel_runtime_sum_mv',
      'otel_traces',
      'otel_traces_latency',
      'otel_traces_latency_mv',
      'otel_traces_red',
      'otel_traces_red_mv',
      'otel_traces_trace_id_ts',
      'otel_traces_trace_id_ts_mv',
    ],
  );
  // Inserts of spans and log records stay compact parts (one data file); merged parts of 64k rows
  // are wide and merged column by column (migrations 23 and 25).
  const partLayouts = await store.query<{ name: string; create_table_query: string }>(
    "SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() AND name IN ('otel_traces', 'otel_logs') ORDER BY name",
  );
  assert.deepEqual(
    partLayouts.map((t) => t.name),
    ['otel_logs', 'otel_traces'],
  );
  for (const t of partLayouts) {
    assert.match(t.create_table_query, /min_bytes_for_wide_part = 0, min_rows_for_wide_part = 65536/);
    assert.match(t.create_table_query, /vertical_merge_algorithm_min_rows_to_activate = 65536/);
  }
});

test('skip indexes stay decompressed in a cache, in the embedded engine and the deployed server alike', async () => {
  const embedded = SKIP_INDEX_CACHE_BYTES;
  assert.ok(embedded >= 64 * 2 ** 20, `a cache of ${embedded} bytes`);
  const deployed = readFileSync(new URL('../../deploy/clickhouse-caches.xml', import.meta.url), 'utf8');
  assert.equal(Number(/<index_uncompressed_cache_size>(\d+)</.exec(deployed)?.[1]), embedded);
  if (store.kind !== 'embedded') return; // a server's settings are its configuration's (above)
  const rows = await store.query<{ value: string }>(
    "SELECT value FROM system.server_settings WHERE name = 'index_uncompressed_cache_size'",
  );
  assert.equal(Number(rows[0]?.value), embedded);
});

test('retention changes the TTLs in place', async () => {
  const changed = await store.prepare({ traces: 3 * DAY, logs: 14 * DAY, metrics: 30 * DAY });
  assert.deepEqual(changed.retention.map((c) => [c.table, c.toSeconds]).sort(), [
    ['otel_logs', 14 * DAY],
    ['otel_traces', 3 * DAY],
    ['otel_traces_latency', 3 * DAY],
    ['otel_traces_red', 3 * DAY],
    ['otel_traces_trace_id_ts', 3 * DAY],
  ]);
  const ttl = await store.retentionSeconds();
  assert.equal(ttl.get('otel_traces'), 3 * DAY);
  assert.equal(ttl.get('otel_logs'), 14 * DAY);
  assert.equal(ttl.get('otel_metrics_sum'), 30 * DAY);
});

test('RowBinary inserts keep values holding blank lines and every byte pair', async () => {
  // 2570 is 0x0A0A little-endian: the byte pair that ends inline INSERT data.
  const values = [
    '\n\n',
    'a\n\nb',
    '\t\\N\r\n',
    'é\u0000z',
    String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)),
  ];
  const w = new RowBinaryWriter();
  const now = BigInt(Date.now()) * 1_000_000n;
  values.forEach((v, i) => {
    const ns = now + BigInt(i);
    w.u64parts(Number(ns & 0xffffffffn), Number(ns >> 32n));
    w.str('0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a'); // TraceId
    w.str(String(i)); // SpanId
    w.str(''); // ParentSpanId
    w.str(''); // TraceState
    w.str(v); // SpanName
    w.str('Internal');
    w.str('binary-path'); // ServiceName
    w.raw(EMPTY_MAP); // ResourceAttributes
    w.str('');
    w.str('');
    w.varint(1); // SpanAttributes: one pair
    w.str(v);
    w.str(v);
    w.u64(2570); // Duration
    w.str('Unset');
    w.str(v);
    for (let k = 0; k < 7; k++) w.varint(0); // events and links
    w.str('default');
    w.rows++;
  });
  assert.equal(LAYOUTS.otel_traces.columns.length, 23);
  const outcome = await store.insertRowBinary('otel_traces', Buffer.from(w.bytes()));
  assert.deepEqual(outcome, { status: 'success' });
  const rows = await store.query<{
    SpanId: string;
    SpanName: string;
    StatusMessage: string;
    Duration: string;
    SpanAttributes: Record<string, string>;
  }>(
    "SELECT SpanId, SpanName, StatusMessage, Duration, SpanAttributes FROM otel_traces WHERE ServiceName = 'binary-path' ORDER BY toUInt32(SpanId)",
  );
  assert.equal(rows.length, values.length);
  rows.forEach((r, i) => {
    assert.equal(r.SpanName, values[i]);
    assert.equal(r.StatusMessage, values[i]);
    assert.deepEqual(r.SpanAttributes, { [values[i]!]: values[i] });
    assert.equal(Number(r.Duration), 2570);
  });
  // Spans are stored once, ordered by hour and trace id, with no projection copying them (migration
  // 24), and resource values are LowCardinality.
  const projections = await store.query<{ name: string }>(
    "SELECT DISTINCT name FROM system.projection_parts WHERE database = currentDatabase() AND table = 'otel_traces'",
  );
  assert.deepEqual(projections, []);
  const [resource] = await store.query<{ type: string }>(
    "SELECT type FROM system.columns WHERE database = currentDatabase() AND table = 'otel_traces' AND name = 'ResourceAttributes'",
  );
  assert.equal(resource?.type, 'Map(LowCardinality(String), LowCardinality(String))');
  // Spans and logs have a bloom filter on the trace id: the spans' in each hour (migration 24).
  const traceIdIndexes = await store.query<{ table: string }>(
    "SELECT table FROM system.data_skipping_indices WHERE database = currentDatabase() AND name = 'idx_trace_id' ORDER BY table",
  );
  assert.deepEqual(traceIdIndexes, [{ table: 'otel_logs' }, { table: 'otel_traces' }]);
});

test('trace by id gives the spans by start, and past its cap the earliest of them', async () => {
  // The read asks the engine for no order (the spans are sorted after it), and reads a trace past
  // the cap again in order: 30 spans over two hours, inserted in a shuffled order.
  const traceId = '5eed5eed5eed5eed5eed5eed5eed5eed';
  const base = BigInt(Date.now() - 3 * 3600_000) * 1_000_000n;
  const starts = Array.from({ length: 30 }, (_, i) => base + BigInt(i) * 240_000_000_000n + BigInt(i % 7));
  const shuffled = starts.map((ns, i) => ({ ns, i })).sort((a, b) => ((a.i * 17) % 30) - ((b.i * 17) % 30));
  const w = new RowBinaryWriter();
  for (const { ns, i } of shuffled) {
    w.u64parts(Number(ns & 0xffffffffn), Number(ns >> 32n));
    w.str(traceId);
    w.str(`span-${i}`);
    w.str(i === 0 ? '' : 'span-0');
    w.str(''); // TraceState
    w.str(`step ${i}`);
    w.str('Internal');
    w.str('ordering');
    w.raw(EMPTY_MAP);
    w.str('');
    w.str('');
    w.varint(0); // SpanAttributes
    w.u64(1000);
    w.str('Unset');
    w.str('');
    for (let k = 0; k < 7; k++) w.varint(0); // events and links
    w.str('default');
    w.rows++;
  }
  assert.deepEqual(await store.insertRowBinary('otel_traces', Buffer.from(w.bytes())), { status: 'success' });
  const all = await traceById(store, 'default', traceId);
  assert.deepEqual(
    all.map((s) => s.spanId),
    starts.map((_, i) => `span-${i}`),
  );
  assert.deepEqual(
    all.map((s) => s.startNs),
    starts.map(String),
  );
  const capped = await traceById(store, 'default', traceId, 12);
  assert.deepEqual(
    capped.map((s) => s.spanId),
    starts.slice(0, 12).map((_, i) => `span-${i}`),
  );
  assert.deepEqual(await traceById(store, 'other', traceId), []);
});

test('a bad insert is reported as data, not thrown', async () => {
  const outcome = await store.insertRowBinary('otel_traces', Buffer.from([1, 2, 3]));
  assert.equal(outcome.status === 'failure' || outcome.status === 'retryable', true);
});
