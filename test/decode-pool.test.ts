// OTLP bodies decoded on the pool's threads give the rows, counts and errors the request's own
// thread gives, and a failed or stopped pool answers "retry", never a malformed request.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  DecodeContext,
  DecodeThreadError,
  MalformedInputError,
  OTLP_DECODERS,
  RequestRows,
  createDecodePool,
  type Encoding,
  type Signal,
} from '../collector/index.js';
import { gzipSync } from 'node:zlib';
import { encodeLogs, encodeTraces, kv, nanos, span, traceRequest } from './support/otlp-proto.js';
import { postOtlp, startTestServer } from './support/server.js';

const pool = createDecodePool(2);
after(() => pool.close());

const tracesBody = (): Buffer =>
  encodeTraces(
    traceRequest(
      'checkout',
      Array.from({ length: 300 }, (_, i) =>
        span(`GET /cart/${i % 7}`, { attributes: [kv('http.route', `/cart/${i}`)] }),
      ),
    ),
  );

const logsBody = (): Buffer =>
  encodeLogs({
    resource_logs: [
      {
        resource: { attributes: [kv('service.name', 'checkout')] },
        scope_logs: [
          {
            log_records: Array.from({ length: 200 }, (_, i) => ({
              time_unix_nano: nanos(i),
              severity_text: 'INFO',
              body: { string_value: `line ${i}` },
            })),
          },
        ],
      },
    ],
  });

const freshRows = (maxBytes = Number.POSITIVE_INFINITY, oldestNanos = Number.NEGATIVE_INFINITY): RequestRows =>
  new RequestRows(maxBytes, oldestNanos, new DecodeContext());

function snapshot(rows: RequestRows) {
  return {
    tables: [...rows.writers].map(([t, w]) => [t, w.rows, w.bytes().toString('base64')]),
    accepted: rows.accepted,
    rejected: rows.rejected,
    firstError: rows.firstError,
    rejectedBy: [...rows.rejectedBy],
  };
}

async function both(signal: Signal, encoding: Encoding, body: Buffer, make: () => RequestRows) {
  const here = make();
  let hereError: unknown = null;
  try {
    OTLP_DECODERS[signal][encoding](Buffer.from(body), 'default', here);
  } catch (err) {
    hereError = err;
  }
  const there = make();
  let thereError: unknown = null;
  try {
    await pool.decode(signal, encoding, body, 'default', there);
  } catch (err) {
    thereError = err;
  }
  return { here, there, hereError, thereError };
}

test('spans and log records decoded on a thread are the rows decoded on the request thread', async () => {
  for (const [signal, body] of [
    ['traces', tracesBody()],
    ['logs', logsBody()],
  ] as const) {
    const { here, there, hereError, thereError } = await both(signal, 'protobuf', body, () => freshRows());
    assert.equal(hereError, null);
    assert.equal(thereError, null);
    assert.ok(there.accepted > 0);
    assert.deepEqual(snapshot(there), snapshot(here));
    // The rows are the pool's to hand over: the writer holds them whole, ready to be queued.
    for (const w of there.writers.values()) assert.ok(w.pos <= w.buf.length);
  }
});

test('items rejected on a thread are counted and said as on the request thread', async () => {
  // Everything older than now is too old: each item is rejected for retention, with its reason.
  const { here, there } = await both('traces', 'protobuf', tracesBody(), () =>
    freshRows(Number.POSITIVE_INFINITY, Date.now() * 1e6 + 3600e9),
  );
  assert.ok(here.rejected > 0);
  assert.deepEqual(snapshot(there), snapshot(here));
});

test('a malformed body and one too large give the same errors, of the same kinds', async () => {
  const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
  const bad = await both('traces', 'protobuf', garbage, () => freshRows());
  assert.ok(bad.hereError instanceof Error);
  assert.equal(bad.thereError?.constructor, bad.hereError.constructor);
  assert.equal((bad.thereError as Error).message, bad.hereError.message);

  const json = await both('logs', 'json', Buffer.from('{"resourceLogs": ['), () => freshRows());
  assert.ok(json.thereError instanceof SyntaxError || json.thereError instanceof MalformedInputError);
  assert.equal((json.thereError as Error).message, (json.hereError as Error).message);

  const big = await both('traces', 'protobuf', tracesBody(), () => freshRows(2048));
  assert.equal(big.thereError?.constructor, (big.hereError as Error).constructor);
  assert.equal((big.thereError as Error).message, (big.hereError as Error).message);
});

test('a body that is a slice of a larger buffer is copied, and the larger buffer is left as it was', async () => {
  const body = tracesBody();
  const larger = Buffer.concat([Buffer.from('prefix'), body, Buffer.from('suffix')]);
  const before = Buffer.from(larger);
  const rows = freshRows();
  await pool.decode('traces', 'protobuf', larger.subarray(6, 6 + body.length), 'default', rows);
  assert.equal(rows.accepted, 300);
  assert.deepEqual(larger, before);
});

test('more bodies than the threads take at once wait their turn, and all are decoded', async () => {
  const one = createDecodePool(1);
  try {
    const all = Array.from({ length: 20 }, () => freshRows());
    await Promise.all(all.map((rows) => one.decode('logs', 'protobuf', logsBody(), 'default', rows)));
    for (const rows of all) assert.equal(rows.accepted, 200);
  } finally {
    await one.close();
  }
});

test('a stopped pool answers that the request may be retried', async () => {
  const stopped = createDecodePool(1);
  const first = freshRows();
  await stopped.decode('logs', 'protobuf', logsBody(), 'default', first);
  assert.equal(first.accepted, 200);
  await stopped.close();
  await assert.rejects(stopped.decode('logs', 'protobuf', logsBody(), 'default', freshRows()), DecodeThreadError);
});

test('a server with decode threads stores what it acknowledges and refuses what is malformed', async () => {
  const server = await startTestServer({ decodeThreads: 2 });
  try {
    const sent = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        postOtlp(server, 'traces', encodeTraces(traceRequest(`threaded-${i}`, [span('GET /a'), span('GET /b')]))),
      ),
    );
    for (const r of sent) assert.equal(r.status, 200);
    const zipped = await postOtlp(server, 'logs', gzipSync(logsBody()), { 'content-encoding': 'gzip' });
    assert.equal(zipped.status, 200);
    const bad = await postOtlp(server, 'traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    assert.equal(bad.status, 400);
    const json = await postOtlp(server, 'traces', '{"resourceSpans": [');
    assert.equal(json.status, 400);
    // gRPC bodies go through the threads too.
    const client = new grpc.Client(server.otlpGrpcAddress, grpc.credentials.createInsecure());
    const exportSpans = (bytes: Buffer) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          bytes,
          (err) => resolve(err),
        );
      });
    assert.equal(await exportSpans(encodeTraces(traceRequest('threaded-grpc', [span('GET /g')]))), null);
    assert.equal(
      (await exportSpans(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])))?.code,
      grpc.status.INVALID_ARGUMENT,
    );
    client.close();
    const [spans] = await server.store.query<{ n: string }>(
      "SELECT count() AS n FROM otel_traces WHERE startsWith(ServiceName, 'threaded-')",
    );
    assert.equal(Number(spans!.n), 17, 'every acknowledged span is stored');
    const [logs] = await server.store.query<{ n: string }>(
      "SELECT count() AS n FROM otel_logs WHERE ServiceName = 'checkout'",
    );
    assert.equal(Number(logs!.n), 200);
  } finally {
    await server.stop();
  }
});
