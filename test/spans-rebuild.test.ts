// Migration 24 rebuilds otel_traces ordered by hour and trace id, without the by_trace projection:
// a store of version 23 keeps every span, its trace-id lookup and its rollups (not counted twice),
// reads the same after, and the views go on rolling up what arrives next. A rerun changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { schemaStatements, traceById } from '../store/index.js';
import { encodeTraces, hex, ids, traceRequest } from './support/otlp-proto.js';
import { makeDataDir, onClosedStore, postOtlp, startTestServer, type TestServer } from './support/server.js';

const SPANS = 4000;
let server: TestServer;

/** Traces of four spans (one entry span, three calls), seven seconds apart, some crossing an hour. */
const OLD_SPANS = `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName,
    ResourceAttributes, Duration, StatusCode)
  SELECT now64(9) - toIntervalSecond(number * 7), lower(leftPad(hex(intDiv(number, 4) + 1), 32, '0')),
    lower(leftPad(hex(number + 1), 16, '0')),
    if(number % 4 = 0, '', lower(leftPad(hex(number - number % 4 + 1), 16, '0'))),
    concat('op-', toString(number % 3)), if(number % 4 = 0, 'Server', 'Client'), concat('svc-', toString(number % 5)),
    map('service.instance.id', concat('i-', toString(number % 2))), 1000000 + number,
    if(number % 10 = 0, 'Error', 'Unset')
  FROM numbers(${SPANS})`;

const count = async (sql: string): Promise<number> => Number((await server.store.query<{ n: string }>(sql))[0]!.n);

async function expectAllThere(spans: number): Promise<void> {
  assert.equal(await count('SELECT count() AS n FROM otel_traces'), spans);
  assert.equal(await count('SELECT sum(Spans) AS n FROM otel_traces_red WHERE Grain = 1'), spans, 'minute rows, once');
  assert.equal(await count('SELECT sum(Spans) AS n FROM otel_traces_red WHERE Grain = 60'), spans, 'hour rows, once');
  assert.equal(
    await count('SELECT count() AS n FROM (SELECT TraceId FROM otel_traces_trace_id_ts GROUP BY TraceId)'),
    await count('SELECT uniqExact(TraceId) AS n FROM otel_traces'),
  );
}

before(async () => {
  const dataDir = makeDataDir();
  await onClosedStore(dataDir, [
    ...schemaStatements(undefined, undefined, 23),
    "INSERT INTO micro_migrations (version, name) SELECT number, 'set back' FROM numbers(1, 23)",
    OLD_SPANS,
  ]);
  server = await startTestServer({}, dataDir);
});
after(async () => {
  await server.stop();
});

test('the spans are copied into the new order, with nothing lost or rolled up twice', async () => {
  await expectAllThere(SPANS);
  const [table] = await server.store.query<{ sorting_key: string; create_table_query: string }>(
    "SELECT sorting_key, create_table_query FROM system.tables WHERE database = currentDatabase() AND name = 'otel_traces'",
  );
  assert.equal(table!.sorting_key, 'Namespace, toStartOfHour(Timestamp), TraceId, Timestamp');
  assert.doesNotMatch(table!.create_table_query, /PROJECTION/);
  const leftovers = await server.store.query<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('otel_traces_rebuilt', 'otel_traces_replaced')",
  );
  assert.deepEqual(leftovers, []);
  // A trace whose spans lie in two hours is read whole, in time order.
  const [crossing] = await server.store.query<{ id: string }>(
    `SELECT TraceId AS id FROM otel_traces GROUP BY TraceId
     HAVING uniqExact(toStartOfHour(Timestamp)) = 2 LIMIT 1`,
  );
  const spans = await traceById(server.store, 'default', crossing!.id);
  assert.equal(spans.length, 4);
  assert.deepEqual(
    spans.map((s) => s.startMs),
    spans.map((s) => s.startMs).sort((a, b) => a - b),
  );
  assert.equal(spans.filter((s) => s.parentSpanId === '').length, 1);
});

test('spans that arrive after the rebuild are rolled up and found by trace id', async () => {
  const { traceId, spanId } = ids();
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = encodeTraces(
    traceRequest('after-rebuild', [
      {
        trace_id: hex(traceId),
        span_id: hex(spanId),
        name: 'GET /',
        kind: 2,
        start_time_unix_nano: String(now),
        end_time_unix_nano: String(now + 5_000_000n),
      },
    ]),
  );
  assert.equal((await postOtlp(server, 'traces', body)).status, 200);
  await expectAllThere(SPANS + 1);
  const spans = await traceById(server.store, 'default', traceId);
  assert.deepEqual(
    spans.map((s) => [s.service, s.operation]),
    [['after-rebuild', 'GET /']],
  );
});

test('the rebuild run again (as after an interruption) changes nothing', async () => {
  const dataDir = server.dataDir;
  await server.close();
  // The migrations after it run again too: 24 makes the rollup views of its day, which 26 replaces.
  await onClosedStore(dataDir, [
    'ALTER TABLE micro_migrations DELETE WHERE version >= 24 AND version <= 26 SETTINGS mutations_sync = 2',
  ]);
  server = await startTestServer({}, dataDir);
  await expectAllThere(SPANS + 1);
});
