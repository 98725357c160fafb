// Bad input gets the right 4xx with a message, the server stays up, and what was stored
// before is intact.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { decodeTraceResponse, encodeTraces, kv, nanos, span, traceRequest } from './support/otlp-proto.js';
import { postOtlp, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const countBaseline = async () =>
  Number(
    (await server.store.query<{ n: string }>("SELECT count() AS n FROM otel_traces WHERE ServiceName = 'baseline'"))[0]!
      .n,
  );

before(async () => {
  server = await startTestServer({ maxBodySize: '1MiB' });
  const res = await postOtlp(
    server,
    'traces',
    encodeTraces(traceRequest('baseline', [span('before-1'), span('before-2')])),
  );
  assert.equal(res.status, 200);
});
after(async () => {
  // The server is still up and earlier data is intact.
  const health = await fetch(`${server.apiUrl}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(await countBaseline(), 2);
  await server.stop();
});

/** A seeded generator, so "random bytes" are the same on every run. */
function randomBytes(n: number, seed = 42): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

const message = (res: { body: Buffer }) => res.body.toString('latin1');

test('truncated protobuf: 400', async () => {
  const whole = encodeTraces(traceRequest('bad', [span('x', { attributes: [kv('k', 'v'.repeat(100))] })]));
  for (const cut of [1, 10, whole.length >> 1, whole.length - 1]) {
    const res = await postOtlp(server, 'traces', whole.subarray(0, cut));
    assert.equal(res.status, 400, `cut at ${cut}`);
    assert.match(message(res), /malformed OTLP traces request/);
  }
});

test('random bytes: 400 on every signal', async () => {
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    for (const seed of [1, 2, 3]) {
      const res = await postOtlp(server, signal, randomBytes(4096, seed));
      assert.equal(res.status, 400, `${signal} seed ${seed}`);
    }
  }
});

test('empty body: 400', async () => {
  const res = await postOtlp(server, 'traces', new Uint8Array(0));
  assert.equal(res.status, 400);
  assert.match(message(res), /empty/);
});

test('wrong content type: 415', async () => {
  const res = await postOtlp(server, 'traces', 'hello', { 'content-type': 'text/plain' });
  assert.equal(res.status, 415);
  assert.match(message(res), /unsupported content type/);
});

test('unknown content encoding: 415', async () => {
  const res = await postOtlp(server, 'traces', encodeTraces(traceRequest('bad', [span('x')])), {
    'content-encoding': 'br',
  });
  assert.equal(res.status, 415);
});

test('a body over the limit: 413, also once decompressed (gzip bomb)', async () => {
  const big = await postOtlp(server, 'traces', randomBytes(2 * 1024 * 1024));
  assert.equal(big.status, 413);
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
  assert.ok(bomb.length < 1024 * 1024);
  const res = await postOtlp(server, 'traces', bomb, { 'content-encoding': 'gzip' });
  assert.equal(res.status, 413);
  assert.match(message(res), /decompressed body is larger/);
});

test('gzip bodies are accepted', async () => {
  const res = await postOtlp(server, 'traces', gzipSync(encodeTraces(traceRequest('gzipped', [span('z')]))), {
    'content-encoding': 'gzip',
  });
  assert.equal(res.status, 200);
  const rows = await server.store.query<{ n: string }>(
    "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'gzipped'",
  );
  assert.equal(Number(rows[0]!.n), 1);
});

test('10k attributes on one span: 400 alone, partial success beside a good span', async () => {
  const huge = span('huge', { attributes: Array.from({ length: 10_000 }, (_, i) => kv(`attr.${i}`, i)) });
  const alone = await postOtlp(server, 'traces', encodeTraces(traceRequest('bad', [huge])));
  assert.equal(alone.status, 400);
  assert.match(message(alone), /more than 1000 attributes/);
  const mixed = await postOtlp(server, 'traces', encodeTraces(traceRequest('mixed', [huge, span('fine')])));
  assert.equal(mixed.status, 200);
  const partial = decodeTraceResponse(mixed.body).partial_success;
  assert.equal(Number(partial?.rejected_spans), 1);
  assert.match(partial?.error_message ?? '', /attributes/);
  const rows = await server.store.query<{ SpanName: string }>(
    "SELECT SpanName FROM otel_traces WHERE ServiceName = 'mixed'",
  );
  assert.deepEqual(
    rows.map((r) => r.SpanName),
    ['fine'],
  );
});

test('spans with empty or all-zero trace or span ids are rejected through partial success (protobuf and JSON)', async () => {
  const z16 = Buffer.alloc(16);
  const z8 = Buffer.alloc(8);
  const bad = [
    span('no-trace-id', { trace_id: Buffer.alloc(0) }),
    span('zero-trace-id', { trace_id: z16 }),
    span('no-span-id', { span_id: Buffer.alloc(0) }),
    span('zero-span-id', { span_id: z8 }),
    { name: 'no-ids-at-all', start_time_unix_nano: nanos(), end_time_unix_nano: nanos(1000) },
  ];
  const res = await postOtlp(server, 'traces', encodeTraces(traceRequest('ids', [...bad, span('fine')])));
  assert.equal(res.status, 200);
  const partial = decodeTraceResponse(res.body).partial_success;
  assert.equal(Number(partial?.rejected_spans), 5);
  assert.match(partial?.error_message ?? '', /trace_id is empty or all zeros/);
  const alone = await postOtlp(
    server,
    'traces',
    encodeTraces(traceRequest('ids', [span('zero-span-id', { span_id: z8 })])),
  );
  assert.equal(alone.status, 400);
  assert.match(message(alone), /span_id is empty or all zeros/);
  const t = '5b8efff798038103d269b633813fc60c';
  const json = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ids' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '',
                spanId: 'eee19b7ec3c1b174',
                name: 'j-empty-trace',
                startTimeUnixNano: nanos(),
                endTimeUnixNano: nanos(1),
              },
              {
                traceId: t,
                spanId: '0000000000000000',
                name: 'j-zero-span',
                startTimeUnixNano: nanos(),
                endTimeUnixNano: nanos(1),
              },
              { traceId: t, name: 'j-missing-span', startTimeUnixNano: nanos(), endTimeUnixNano: nanos(1) },
              {
                traceId: t,
                spanId: 'eee19b7ec3c1b174',
                name: 'j-fine',
                startTimeUnixNano: nanos(),
                endTimeUnixNano: nanos(1),
              },
            ],
          },
        ],
      },
    ],
  });
  const jres = await postOtlp(server, 'traces', json);
  assert.equal(jres.status, 200);
  const jpartial = JSON.parse(jres.body.toString()) as {
    partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
  };
  assert.equal(Number(jpartial.partialSuccess?.rejectedSpans), 3);
  assert.match(jpartial.partialSuccess?.errorMessage ?? '', /traceId is empty or all zeros/);
  const rows = await server.store.query<{ SpanName: string }>(
    "SELECT SpanName FROM otel_traces WHERE ServiceName = 'ids' ORDER BY SpanName",
  );
  assert.deepEqual(
    rows.map((r) => r.SpanName),
    ['fine', 'j-fine'],
  );
});

test('telemetry older than the retention is rejected through partial success with the reason, and counted', async () => {
  // The OTLP specification's own example time (2018-12-13), and a week and a day ago.
  const old = '1544712660000000000';
  const weekAgo = String(BigInt(Date.now() - 8 * 86400_000) * 1_000_000n);
  const res = await postOtlp(
    server,
    'traces',
    encodeTraces(
      traceRequest('aged', [
        span('from-2018', { start_time_unix_nano: old, end_time_unix_nano: old }),
        span('last-week', { start_time_unix_nano: weekAgo, end_time_unix_nano: weekAgo }),
        span('today'),
      ]),
    ),
  );
  assert.equal(res.status, 200);
  const partial = decodeTraceResponse(res.body).partial_success;
  assert.equal(Number(partial?.rejected_spans), 2);
  assert.match(partial?.error_message ?? '', /2018-12-13T14:51:00.000Z is older than the retention/);
  // All of a request too old: still 200 with every item rejected and why (not dropped in silence).
  const json = JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: 'spec-example',
                startTimeUnixNano: old,
                endTimeUnixNano: old,
              },
            ],
          },
        ],
      },
    ],
  });
  const jres = await postOtlp(server, 'traces', json);
  assert.equal(jres.status, 200);
  const jp = JSON.parse(jres.body.toString()) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
  assert.equal(Number(jp.partialSuccess?.rejectedSpans), 1);
  assert.match(jp.partialSuccess?.errorMessage ?? '', /older than the retention/);
  // Logs without any timestamp and old metric points too.
  const logs = JSON.stringify({
    resourceLogs: [
      {
        scopeLogs: [
          { logRecords: [{ body: { stringValue: 'no time' } }, { timeUnixNano: old, body: { stringValue: 'old' } }] },
        ],
      },
    ],
  });
  const lres = await postOtlp(server, 'logs', logs);
  assert.equal(lres.status, 200);
  const lp = JSON.parse(lres.body.toString()) as {
    partialSuccess?: { rejectedLogRecords?: string; errorMessage?: string };
  };
  assert.equal(Number(lp.partialSuccess?.rejectedLogRecords), 2);
  assert.match(lp.partialSuccess?.errorMessage ?? '', /no timestamp/);
  const metrics = JSON.stringify({
    resourceMetrics: [
      { scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: old, asDouble: 1 }] } }] }] },
    ],
  });
  const mres = await postOtlp(server, 'metrics', metrics);
  assert.equal(mres.status, 200);
  assert.equal(
    Number(
      (JSON.parse(mres.body.toString()) as { partialSuccess?: { rejectedDataPoints?: string } }).partialSuccess
        ?.rejectedDataPoints,
    ),
    1,
  );
  const text = await (await fetch(`${server.apiUrl}/metrics`)).text();
  assert.match(text, /micro_collector_rejected_items_total\{signal="traces",reason="older-than-retention"\} 3/);
  assert.match(text, /micro_collector_rejected_items_total\{signal="logs",reason="older-than-retention"\} 2/);
  assert.match(text, /micro_collector_rejected_items_total\{signal="metrics",reason="older-than-retention"\} 1/);
  const rows = await server.store.query<{ SpanName: string }>(
    "SELECT SpanName FROM otel_traces WHERE ServiceName = 'aged'",
  );
  assert.deepEqual(
    rows.map((r) => r.SpanName),
    ['today'],
  );
});

test('invalid UTF-8: the item is rejected (400 when it is the only one), JSON bodies 400', async () => {
  const body = encodeTraces(traceRequest('bad', [span('XXXXXXXX')]));
  const at = body.indexOf(Buffer.from('XXXXXXXX'));
  Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]).copy(body, at);
  const res = await postOtlp(server, 'traces', body);
  assert.equal(res.status, 400);
  assert.match(message(res), /invalid UTF-8 in span name/);
  const json = Buffer.concat([
    Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}]}]}]}'),
  ]);
  const jres = await postOtlp(server, 'traces', json, { 'content-type': 'application/json' });
  assert.equal(jres.status, 400);
  assert.match(jres.body.toString(), /not valid UTF-8/);
});

test('malformed JSON and wrong JSON shapes: 400 with a message', async () => {
  for (const body of [
    '{',
    '[]',
    '{"resourceSpans": 5}',
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}',
  ]) {
    const res = await postOtlp(server, 'traces', body);
    assert.equal(res.status, 400, body);
    assert.ok(JSON.parse(res.body.toString()).message.length > 0);
  }
});

test('unknown routes and methods on the OTLP port are 404', async () => {
  const res = await fetch(`${server.otlpHttpUrl}/v1/profiles`, {
    method: 'POST',
    body: 'x',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 404);
});

test('gRPC: random bytes are INVALID_ARGUMENT; a valid export is OK', async () => {
  const client = new grpc.Client(server.otlpGrpcAddress, grpc.credentials.createInsecure());
  const call = (bytes: Buffer) =>
    new Promise<{ err: grpc.ServiceError | null }>((resolve) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        (err) => resolve({ err }),
      );
    });
  const bad = await call(randomBytes(2048, 9));
  assert.equal(bad.err?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(bad.err?.details ?? '', /malformed/);
  const good = await call(encodeTraces(traceRequest('grpc-raw', [span('g')])));
  assert.equal(good.err, null);
  client.close();
});
