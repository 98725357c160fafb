// Jaeger's query API under /jaeger, for Grafana's Jaeger data source and the Jaeger UI: every route
// answers in Jaeger's JSON model (checked against a JSON Schema of jaeger's model/json/model.go),
// and a trace sent over OTLP reads back with the same span count, parents and durations.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import { encodeTraces, hex, ids, kv, nanos } from './support/otlp-proto.js';
import { postOtlp, rawFetch, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const traceId = ids().traceId;
const [root, call, charge] = [ids().spanId, ids().spanId, ids().spanId];
const schema = JSON.parse(
  readFileSync(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/jaeger-model.schema.json'),
    'utf8',
  ),
);
const ajv = new Ajv({ allErrors: true });
ajv.addSchema(schema, 'jaeger');
const valid = (def: string, v: unknown): void => {
  const ok = ajv.validate({ $ref: `jaeger#/$defs/${def}` }, v);
  assert.ok(ok, `${def}: ${ajv.errorsText()}`);
};

before(async () => {
  server = await startTestServer();
  const at = (ms: number) => nanos(ms * 1_000_000);
  const body = encodeTraces({
    resource_spans: [
      {
        resource: { attributes: [kv('service.name', 'frontend'), kv('host.name', 'web-1')] },
        scope_spans: [
          {
            spans: [
              {
                trace_id: hex(traceId),
                span_id: hex(root),
                name: 'GET /checkout',
                kind: 2,
                start_time_unix_nano: at(0),
                end_time_unix_nano: at(120),
                attributes: [kv('http.route', '/checkout')],
              },
              {
                trace_id: hex(traceId),
                span_id: hex(call),
                parent_span_id: hex(root),
                name: 'call payments',
                kind: 3,
                start_time_unix_nano: at(10),
                end_time_unix_nano: at(100),
              },
            ],
          },
        ],
      },
      {
        resource: { attributes: [kv('service.name', 'payments')] },
        scope_spans: [
          {
            spans: [
              {
                trace_id: hex(traceId),
                span_id: hex(charge),
                parent_span_id: hex(call),
                name: 'charge',
                kind: 2,
                start_time_unix_nano: at(20),
                end_time_unix_nano: at(90),
                status: { code: 2, message: 'card declined' },
                events: [{ time_unix_nano: at(50), name: 'retry', attributes: [kv('attempt', 2)] }],
              },
            ],
          },
        ],
      },
    ],
  });
  assert.equal((await postOtlp(server, 'traces', body)).status, 200);
});
after(async () => {
  await server.stop();
});

const jaeger = async (p: string) => {
  const res = await fetch(`${server.apiUrl}/jaeger${p}`);
  const body = (await res.json()) as { data: unknown; errors: unknown; total: number };
  valid('envelope', body);
  return { status: res.status, body };
};

test("services, operations (both forms) and dependencies, in Jaeger's model", async () => {
  const s = await jaeger('/api/services');
  assert.deepEqual(s.body.data, ['frontend', 'payments']);
  const ops = await jaeger('/api/services/frontend/operations');
  assert.deepEqual((ops.body.data as string[]).sort(), ['GET /checkout', 'call payments']);
  const typed = await jaeger('/api/operations?service=frontend&spanKind=server');
  assert.deepEqual(typed.body.data, [{ name: 'GET /checkout', spanKind: 'server' }]);
  const deps = await jaeger(`/api/dependencies?endTs=${Date.now()}&lookback=3600000`);
  for (const d of deps.body.data as unknown[]) valid('dependencyLink', d);
  assert.deepEqual(deps.body.data, [{ parent: 'frontend', child: 'payments', callCount: 1 }]);
});

test('a trace sent over OTLP reads back with the same spans, parents, durations, tags and logs', async () => {
  const { status, body } = await jaeger(`/api/traces/${traceId}`);
  assert.equal(status, 200);
  const [trace] = body.data as Array<{
    traceID: string;
    spans: Array<Record<string, unknown>>;
    processes: Record<string, { serviceName: string; tags: unknown[] }>;
  }>;
  valid('trace', trace);
  assert.equal(trace!.spans.length, 3);
  const byId = new Map(trace!.spans.map((s) => [s.spanID as string, s]));
  const refs = (id: string) => byId.get(id)!.references as Array<{ spanID: string; refType: string }>;
  assert.deepEqual(refs(root), []);
  assert.deepEqual(
    refs(call).map((r) => [r.refType, r.spanID]),
    [['CHILD_OF', root]],
  );
  assert.deepEqual(
    refs(charge).map((r) => [r.refType, r.spanID]),
    [['CHILD_OF', call]],
  );
  assert.equal(byId.get(root)!.duration, 120_000);
  assert.equal(byId.get(charge)!.duration, 70_000);
  assert.equal((byId.get(charge)!.startTime as number) - (byId.get(root)!.startTime as number), 20_000);
  const tags = byId.get(charge)!.tags as Array<{ key: string; value: unknown }>;
  assert.ok(tags.some((t) => t.key === 'error' && t.value === true));
  assert.ok(tags.some((t) => t.key === 'span.kind' && t.value === 'server'));
  assert.ok(tags.some((t) => t.key === 'otel.status_description' && t.value === 'card declined'));
  const logs = byId.get(charge)!.logs as Array<{ fields: Array<{ key: string; value: unknown }> }>;
  assert.deepEqual(
    logs[0]!.fields.map((f) => [f.key, f.value]),
    [
      ['event', 'retry'],
      ['attempt', '2'],
    ],
  );
  const proc = trace!.processes[byId.get(root)!.processID as string]!;
  assert.equal(proc.serviceName, 'frontend');
  assert.ok(proc.tags.some((t) => (t as { key: string }).key === 'host.name'));
});

test("trace search by service, operation, tags and duration; errors in Jaeger's envelope; tokens as everywhere", async () => {
  const found = await jaeger('/api/traces?service=payments&lookback=1h&limit=20');
  assert.equal((found.body.data as unknown[]).length, 1);
  for (const t of found.body.data as unknown[]) valid('trace', t);
  assert.equal(
    ((await jaeger('/api/traces?service=frontend&operation=GET%20/checkout&lookback=1h')).body.data as unknown[])
      .length,
    1,
  );
  assert.equal(
    (
      (await jaeger(`/api/traces?service=frontend&tags=${encodeURIComponent('{"http.route":"/checkout"}')}`)).body
        .data as unknown[]
    ).length,
    1,
  );
  assert.equal(((await jaeger('/api/traces?service=frontend&minDuration=200ms')).body.data as unknown[]).length, 0);
  assert.equal(
    ((await jaeger('/api/traces?service=frontend&minDuration=100ms&maxDuration=1s')).body.data as unknown[]).length,
    1,
  );
  const now = Date.now() * 1000;
  assert.equal(
    ((await jaeger(`/api/traces?service=frontend&start=${now - 3_600_000_000}&end=${now}`)).body.data as unknown[])
      .length,
    1,
  );
  const missing = await jaeger(`/api/traces/${'f'.repeat(32)}`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body.errors, [{ code: 404, msg: 'trace not found' }]);
  assert.equal((await jaeger('/api/traces?service=x&minDuration=soon')).status, 400);
  const anonymous = await rawFetch(`${server.apiUrl}/jaeger/api/services`);
  assert.equal(anonymous.status, 401);
});
