// Zipkin v2: a real Zipkin client (the zipkin and zipkin-transport-http libraries) sends a
// two-service trace; it reads back with the right parents, kinds, tags as attributes and
// annotations as events, and `micro trace <id>` draws it. proto3 (zipkin.proto's ListOfSpans),
// gzip, 64-bit trace ids, shared server spans and bad spans are covered with hand-built bodies.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import protobuf from 'protobufjs';
import zipkin from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import { startTestServer, type TestServer } from './support/server.js';
import { eventually, micro } from './support/services.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

interface ApiSpan {
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  kind: string;
  status: string;
  attributes: Record<string, string>;
  events: Array<{ name: string }>;
  durationMs: number;
}
const trace = async (id: string) =>
  (await fetch(`${server.apiUrl}/api/v1/traces/${id}`)).json() as Promise<{ spans?: ApiSpan[] }>;

test('a two-service trace from the Zipkin JS client reads back with its parents, kinds, tags and annotations', async () => {
  const { Tracer, BatchRecorder, ExplicitContext, Annotation, TraceId, option, jsonEncoder } = zipkin;
  const recorder = (_service: string) =>
    new BatchRecorder({
      logger: new HttpLogger({
        endpoint: `${server.zipkinUrl}/api/v2/spans`,
        jsonEncoder: jsonEncoder.JSON_V2,
        httpInterval: 50,
      }),
      timeout: 60_000_000,
    });
  const frontend = new Tracer({
    ctxImpl: new ExplicitContext(),
    recorder: recorder('frontend'),
    localServiceName: 'frontend',
    traceId128Bit: true,
  });
  const backend = new Tracer({
    ctxImpl: new ExplicitContext(),
    recorder: recorder('backend'),
    localServiceName: 'backend',
  });
  const rootId = frontend.createRootId();
  frontend.letId(rootId, () => {
    frontend.recordServiceName('frontend');
    frontend.recordRpc('get /checkout');
    frontend.recordBinary('http.path', '/checkout');
    frontend.recordAnnotation(new Annotation.ClientSend());
    frontend.recordAnnotation(new Annotation.ServerAddr({ serviceName: 'backend', port: 8081 }));
  });
  const childId = new TraceId({
    traceId: rootId.traceId,
    parentId: new option.Some(rootId.spanId),
    spanId: zipkin.randomTraceId(),
    sampled: new option.Some(true),
  });
  backend.letId(childId, () => {
    backend.recordServiceName('backend');
    backend.recordRpc('post /orders');
    backend.recordAnnotation(new Annotation.ServerRecv());
    backend.recordMessage('cache miss');
    backend.recordBinary('error', 'out of stock');
  });
  await new Promise((r) => setTimeout(r, 20));
  backend.letId(childId, () => backend.recordAnnotation(new Annotation.ServerSend()));
  frontend.letId(rootId, () => frontend.recordAnnotation(new Annotation.ClientRecv()));
  const id = rootId.traceId;
  assert.equal(id.length, 32);
  const got = await eventually(
    'the two spans',
    () => trace(id),
    (t) => (t.spans?.length ?? 0) === 2,
    15_000,
  );
  const client = got.spans!.find((s) => s.service === 'frontend')!;
  const server_ = got.spans!.find((s) => s.service === 'backend')!;
  assert.equal(client.kind, 'Client');
  assert.equal(client.operation, 'get /checkout');
  assert.equal(client.parentSpanId, '');
  assert.equal(client.attributes['http.path'], '/checkout');
  assert.equal(client.attributes['peer.service'], 'backend');
  assert.equal(server_.kind, 'Server');
  assert.equal(server_.parentSpanId, client.spanId);
  assert.equal(server_.status, 'Error');
  assert.ok(
    server_.events.some((e) => e.name === 'cache miss'),
    JSON.stringify(server_.events),
  );
  assert.ok(server_.durationMs >= 15, `${server_.durationMs} ms`);
  const drawn = await micro(['trace', id, '--api', server.apiUrl]);
  assert.equal(drawn.code, 0, drawn.stderr);
  assert.match(drawn.stdout, /frontend.*get \/checkout/);
  assert.match(drawn.stdout, /└─ .*backend.*post \/orders/);
  assert.match(drawn.stdout, /events: cache miss/);
});

const PROTO = `syntax = "proto3"; package zipkin.proto3;
message Endpoint { string service_name = 1; bytes ipv4 = 2; bytes ipv6 = 3; int32 port = 4; }
message Annotation { fixed64 timestamp = 1; string value = 2; }
message Span { bytes trace_id = 1; bytes parent_id = 2; bytes id = 3; int32 kind = 4; string name = 5; fixed64 timestamp = 6;
  uint64 duration = 7; Endpoint local_endpoint = 8; Endpoint remote_endpoint = 9; repeated Annotation annotations = 10;
  map<string, string> tags = 11; bool debug = 12; bool shared = 13; }
message ListOfSpans { repeated Span spans = 1; }`;

test('proto3, gzip, 64-bit trace ids, a shared server span, and bad spans rejected alone', async () => {
  const ListOfSpans = protobuf.parse(PROTO, { keepCase: true }).root.lookupType('zipkin.proto3.ListOfSpans');
  const now = Date.now() * 1000;
  const traceId = `${'00000000000000000000000000000000'.slice(0, 16)}a1b2c3d4e5f60718`;
  const body = ListOfSpans.encode(
    ListOfSpans.fromObject({
      spans: [
        {
          trace_id: Buffer.from('a1b2c3d4e5f60718', 'hex'),
          id: Buffer.from('1111111111111111', 'hex'),
          kind: 1,
          name: 'call',
          timestamp: now,
          duration: 5000,
          local_endpoint: { service_name: 'proto-client', ipv4: Buffer.from([10, 0, 0, 1]) },
          annotations: [{ timestamp: now + 10, value: 'ws' }],
          tags: { k: 'v' },
        },
        {
          trace_id: Buffer.from('a1b2c3d4e5f60718', 'hex'),
          id: Buffer.from('1111111111111111', 'hex'),
          kind: 2,
          name: 'handle',
          timestamp: now + 100,
          duration: 4000,
          local_endpoint: { service_name: 'proto-server' },
          shared: true,
        },
      ],
    }),
  ).finish();
  const res = await fetch(`${server.zipkinUrl}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
    body: gzipSync(body),
  });
  assert.equal(res.status, 202, await res.text());
  const got = await eventually(
    'the proto spans',
    () => trace(traceId),
    (t) => (t.spans?.length ?? 0) === 2,
  );
  const c = got.spans!.find((s) => s.service === 'proto-client')!;
  const s = got.spans!.find((x) => x.service === 'proto-server')!;
  assert.equal(c.spanId, '1111111111111111');
  assert.equal(c.attributes['net.host.ip'], '10.0.0.1');
  assert.ok(c.events.some((e) => e.name === 'ws'));
  assert.notEqual(s.spanId, c.spanId, 'the shared server half has an id of its own');
  assert.equal(s.parentSpanId, c.spanId);
  assert.equal(s.kind, 'Server');

  const mixed = JSON.stringify([
    { traceId: 'zz', id: '2222222222222222', name: 'bad' },
    {
      traceId: 'b'.repeat(32),
      id: '3333333333333333',
      name: 'good',
      timestamp: now,
      duration: 10,
      localEndpoint: { serviceName: 'json-svc' },
    },
  ]);
  const m = await fetch(`${server.zipkinUrl}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: mixed,
  });
  assert.equal(m.status, 202);
  assert.match(await m.text(), /1 spans rejected: the first because traceId must be 16 or 32 hex digits/);
  for (const bad of ['{', '{"not":"a list"}']) {
    const r = await fetch(`${server.zipkinUrl}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bad,
    });
    assert.equal(r.status, 400);
  }
});
