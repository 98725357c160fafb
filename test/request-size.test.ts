// A small request can ask for huge rows: resource attributes are copied into every row. Decoding
// stops at the request's bound (the body limit times DECODED_PER_BODY_BYTE, at most the queue),
// and what can never fit is refused for good (413 / INVALID_ARGUMENT), never 429 forever.
// The server's memory stays bounded throughout.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { encodeLogs, encodeMetrics, encodeTraces, kv, nanos, span } from './support/otlp-proto.js';
import { postOtlp, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;

before(async () => {
  // 2 MiB bodies: rows are bounded at 16 MiB a request.
  server = await startTestServer({ maxBodySize: '2MiB', maxQueueSize: '64MiB' });
});
after(async () => {
  await server.stop();
});

const bigResource = (service: string, attrBytes: number) => ({
  attributes: [kv('service.name', service), kv('blob', 'x'.repeat(attrBytes))],
});

const cases: Array<[string, 'traces' | 'logs' | 'metrics', () => Uint8Array]> = [
  [
    '1 MiB resource attribute × 300 spans (the report)',
    'traces',
    () =>
      encodeTraces({
        resource_spans: [
          {
            resource: bigResource('bomb', 1 << 20),
            scope_spans: [{ spans: Array.from({ length: 300 }, (_, i) => span(`s${i}`)) }],
          },
        ],
      }),
  ],
  [
    '512 KiB resource attribute × 2000 spans',
    'traces',
    () =>
      encodeTraces({
        resource_spans: [
          {
            resource: bigResource('bomb', 1 << 19),
            scope_spans: [{ spans: Array.from({ length: 2000 }, (_, i) => span(`s${i}`)) }],
          },
        ],
      }),
  ],
  [
    '900 KiB resource attribute × 500 log records',
    'logs',
    () =>
      encodeLogs({
        resource_logs: [
          {
            resource: bigResource('bomb', 900 << 10),
            scope_logs: [
              {
                log_records: Array.from({ length: 500 }, () => ({
                  time_unix_nano: nanos(),
                  body: { string_value: 'x' },
                })),
              },
            ],
          },
        ],
      }),
  ],
  [
    '700 KiB resource attribute × 400 gauge points',
    'metrics',
    () =>
      encodeMetrics({
        resource_metrics: [
          {
            resource: bigResource('bomb', 700 << 10),
            scope_metrics: [
              {
                metrics: [
                  {
                    name: 'g',
                    gauge: {
                      data_points: Array.from({ length: 400 }, () => ({ time_unix_nano: nanos(), as_double: 1 })),
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
  ],
];

for (const [what, signal, build] of cases) {
  test(`${what}: 413 for good over HTTP (gzip), memory bounded`, async () => {
    const body = gzipSync(build(), { level: 9 });
    assert.ok(body.length < 64 * 1024, `${body.length} bytes sent`);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      for (let i = 0; i < 5; i++) {
        const res = await postOtlp(server, signal, body, { 'content-encoding': 'gzip' });
        assert.equal(res.status, 413, res.body.toString('latin1'));
        assert.equal(res.headers.get('retry-after'), null, 'not retried');
        assert.match(res.body.toString('latin1'), /decodes to more than 16777216 bytes of rows/);
      }
    } finally {
      clearInterval(sampler);
    }
    assert.ok(peak - rssBefore < 256 * 2 ** 20, `RSS grew by ${Math.round((peak - rssBefore) / 2 ** 20)} MiB`);
  });
}

test('over gRPC: INVALID_ARGUMENT (not retried), not RESOURCE_EXHAUSTED', async () => {
  const client = new grpc.Client(server.otlpGrpcAddress, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 8 << 20,
  });
  const body = Buffer.from(
    encodeTraces({
      resource_spans: [
        {
          resource: bigResource('bomb', 600 << 10),
          scope_spans: [{ spans: Array.from({ length: 300 }, (_, i) => span(`s${i}`)) }],
        },
      ],
    }),
  );
  const code = await new Promise<grpc.status>((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new grpc.Metadata(),
      (err) => resolve(err ? err.code : grpc.status.OK),
    );
  });
  client.close();
  assert.equal(grpc.status[code], 'INVALID_ARGUMENT');
});

test('a request near the bound but within it is stored', async () => {
  const req = encodeTraces({
    resource_spans: [
      {
        resource: bigResource('fits', 4 << 10),
        scope_spans: [{ spans: Array.from({ length: 1000 }, (_, i) => span(`s${i}`)) }],
      },
    ],
  });
  const res = await postOtlp(server, 'traces', req);
  assert.equal(res.status, 200);
  const metrics = await (await fetch(`${server.apiUrl}/metrics`)).text();
  assert.match(metrics, /micro_collector_rejected_items_total\{signal="traces",reason="too-large"\} [1-9]/);
});
