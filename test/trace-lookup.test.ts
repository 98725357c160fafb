// Trace by id bounds its read by the trace-id lookup's first and last second (whole seconds):
// spans anywhere in those seconds are found, and a trace whose lookup row is missing is still read.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { encodeTraces, hex, ids, kv } from './support/otlp-proto.js';
import { onClosedStore, postOtlp, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const { traceId } = ids();
// The first span starts a nanosecond before a second ends; the last 3 s later, late in its second.
const SECOND = Math.floor(Date.now() / 1000) - 60;
const STARTS = [
  BigInt(SECOND) * 1_000_000_000n + 999_999_999n,
  BigInt(SECOND + 1) * 1_000_000_000n,
  BigInt(SECOND + 4) * 1_000_000_000n + 900_000_000n,
];

before(async () => {
  server = await startTestServer();
  const spans = STARTS.map((start, i) => ({
    trace_id: hex(traceId),
    span_id: hex(ids().spanId),
    name: `step ${i}`,
    kind: 2,
    start_time_unix_nano: String(start),
    end_time_unix_nano: String(start + 50_000_000n),
  }));
  const body = encodeTraces({
    resource_spans: [
      { resource: { attributes: [kv('service.name', 'checkout')] }, scope_spans: [{ scope: { name: 't' }, spans }] },
    ],
  });
  assert.equal((await postOtlp(server, 'traces', body)).status, 200);
});
after(() => server.stop());

async function spansOf(id: string): Promise<string[]> {
  const res = await fetch(`${server.apiUrl}/api/v1/traces/${id}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { spans: Array<{ startNs: string }> }).spans.map((s) => s.startNs);
}

test('a trace is read whole when its spans sit at the edges of its first and last seconds', async () => {
  assert.deepEqual(await spansOf(traceId), STARTS.map(String));
});

test('a trace whose lookup row is missing is still read, unbounded', async () => {
  const dataDir = server.dataDir;
  await server.close();
  await onClosedStore(dataDir, ['TRUNCATE TABLE otel_traces_trace_id_ts']);
  server = await startTestServer({}, dataDir);
  assert.deepEqual(await spansOf(traceId), STARTS.map(String));
  const unknown = await fetch(`${server.apiUrl}/api/v1/traces/${ids().traceId}`);
  assert.equal(unknown.status, 404);
});
