// One home per table: store/tables.ts declares each otel_* table's written columns, and the
// collector's row writers are made from that declaration. The declared columns are the table's
// (DESCRIBE TABLE: each declared column exists with its type; every other column fills itself),
// a writer refuses a declaration it has no encoder for, and a declared column with a DEFAULT in
// the table (what a migration adds) can be left out of the writer without touching it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WITH_PREVIOUS, compileRowWriter } from '../collector/index.js';
import { LAYOUTS, RowBinaryWriter, type Store, type TableLayout } from '../store/index.js';
import { encodeLogs, kv, nanos } from './support/otlp-proto.js';
import { postOtlp, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

/** A wire type as the table states it (LowCardinality and codecs aside). */
const base = (t: string): string => t.replace(/LowCardinality\((\w+)\)/g, '$1');

test("every declared column is the table's, with its type; every other column of the table fills itself", async () => {
  for (const layout of Object.values(LAYOUTS)) {
    const cols = await server.store.query<{ name: string; type: string; default_type: string }>(
      'SELECT name, type, default_kind AS default_type FROM system.columns WHERE database = currentDatabase() AND table = {t:String}',
      { t: layout.table },
    );
    const byName = new Map(cols.map((c) => [c.name, c]));
    for (const [name, wire] of layout.columns) {
      const c = byName.get(name);
      assert.ok(c, `${layout.table}.${name} is declared but not in the table`);
      assert.equal(base(c.type), base(wire), `${layout.table}.${name}: table ${c.type}, declared ${wire}`);
    }
    const declared = new Set(layout.columns.map(([n]) => n));
    for (const c of cols) {
      if (declared.has(c.name)) continue;
      assert.ok(
        ['DEFAULT', 'MATERIALIZED', 'ALIAS'].includes(c.default_type),
        `${layout.table}.${c.name} is neither declared nor filled by the table`,
      );
    }
  }
});

test('a writer refuses a declaration it does not cover, and an encoder for a column not declared', () => {
  const logs = LAYOUTS.otel_logs;
  const withNew: TableLayout = { table: logs.table, columns: [...logs.columns, ['Severity2', 'String']] };
  const encoders = Object.fromEntries(logs.columns.map(([n]) => [n, () => undefined]));
  assert.throws(
    () => compileRowWriter(withNew, encoders),
    /otel_logs row writer and its declared columns \(store\/tables\.ts\) disagree: no encoder for Severity2/,
  );
  assert.throws(() => compileRowWriter(logs, { ...encoders, Gone: () => undefined }), /encoders for undeclared Gone/);
  assert.throws(
    () => compileRowWriter(logs, { ...encoders, Timestamp: WITH_PREVIOUS }),
    /its first column has no encoder of its own/,
  );
  // The order written is the declaration's, whatever order the encoders are given in.
  const order: string[] = [];
  const shuffled = Object.fromEntries([...logs.columns].reverse().map(([n]) => [n, () => void order.push(n)]));
  compileRowWriter(logs, shuffled)(new RowBinaryWriter(16), {}, {}, Buffer.alloc(0));
  assert.deepEqual(
    order,
    logs.columns.map(([n]) => n),
  );
});

test('rows written through the declared order read back column by column (logs, with every field set)', async () => {
  const t = nanos();
  const body = encodeLogs({
    resource_logs: [
      {
        resource: { attributes: [kv('service.name', 'cols'), kv('service.instance.id', 'i-1')] },
        schema_url: 'https://res/1',
        scope_logs: [
          {
            scope: { name: 'sc', version: '9', attributes: [kv('scope.k', 'v')] },
            schema_url: 'https://scope/1',
            log_records: [
              {
                time_unix_nano: t,
                observed_time_unix_nano: t,
                severity_number: 17,
                severity_text: 'ERROR',
                body: { string_value: 'the body' },
                attributes: [kv('a', 'b')],
                flags: 1,
                trace_id: Buffer.alloc(16, 0xab),
                span_id: Buffer.alloc(8, 0xcd),
                event_name: 'ev',
              },
            ],
          },
        ],
      },
    ],
  });
  assert.equal((await postOtlp(server, 'logs', body)).status, 200);
  const [row] = await server.store.query<Record<string, unknown>>(
    "SELECT TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, ResourceSchemaUrl, ScopeSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes, LogAttributes, EventName, Namespace, ServiceInstance FROM otel_logs WHERE ServiceName = 'cols'",
  );
  assert.deepEqual(row, {
    TraceId: 'ab'.repeat(16),
    SpanId: 'cd'.repeat(8),
    TraceFlags: 1,
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    ServiceName: 'cols',
    Body: 'the body',
    ResourceSchemaUrl: 'https://res/1',
    ScopeSchemaUrl: 'https://scope/1',
    ScopeName: 'sc',
    ScopeVersion: '9',
    ScopeAttributes: { 'scope.k': 'v' },
    LogAttributes: { a: 'b' },
    EventName: 'ev',
    Namespace: 'default',
    ServiceInstance: 'i-1',
  });
});

test('a column a migration adds with a DEFAULT needs no writer change: inserts name their columns', async () => {
  const store: Store = server.store;
  await store.query("ALTER TABLE otel_logs ADD COLUMN IF NOT EXISTS TestAddedColumn String DEFAULT 'filled'");
  const body = encodeLogs({
    resource_logs: [
      {
        resource: { attributes: [kv('service.name', 'added')] },
        scope_logs: [{ log_records: [{ time_unix_nano: nanos(), body: { string_value: 'x' } }] }],
      },
    ],
  });
  assert.equal((await postOtlp(server, 'logs', body)).status, 200);
  const rows = await store.query<{ TestAddedColumn: string }>(
    "SELECT TestAddedColumn FROM otel_logs WHERE ServiceName = 'added'",
  );
  assert.deepEqual(rows, [{ TestAddedColumn: 'filled' }]);
});
