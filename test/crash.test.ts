// kill -9 during ingest, restart on the same data dir: every acknowledged span is there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnServer } from './support/child-server.js';
import { encodedTraces, sendAll } from './support/load.js';
import { makeDataDir, postOtlp, startTestServer, removeDataDir } from './support/server.js';
import { encodeTraces, kv, span } from './support/otlp-proto.js';

test('every acknowledged span survives kill -9', async (t) => {
  const dataDir = makeDataDir();
  const server = await spawnServer(dataDir);
  const traces = encodedTraces(400, 500, 'crash');
  const acked = new Set<string>();
  const sending = sendAll(server.otlpHttpUrl, traces, 8, (tr, code) => {
    if (code === 200) acked.add(tr.traceId);
  });
  // Kill it in the middle of the stream, once a good part was acknowledged.
  while (acked.size < 60) await new Promise((r) => setTimeout(r, 10));
  await server.kill9();
  const status = await sending;
  const failed = [...status.values()].filter((c) => c === -1).length;
  t.diagnostic(`acknowledged ${acked.size} of ${traces.length} traces before kill -9; ${failed} requests were cut off`);
  assert.ok(failed > 0, 'the kill happened during ingest');

  const restarted = await startTestServer({}, dataDir);
  try {
    const rows = await restarted.store.query<{ TraceId: string; n: string }>(
      "SELECT TraceId, count() AS n FROM otel_traces WHERE ServiceName = 'crash' GROUP BY TraceId",
    );
    const stored = new Map(rows.map((r) => [r.TraceId, Number(r.n)]));
    for (const id of acked) assert.equal(stored.get(id), 500, `acknowledged trace ${id} is stored whole`);
    // And the restarted server takes new data.
    const res = await postOtlp(
      restarted,
      'traces',
      encodeTraces({
        resource_spans: [
          { resource: { attributes: [kv('service.name', 'after-crash')] }, scope_spans: [{ spans: [span('after')] }] },
        ],
      }),
    );
    assert.equal(res.status, 200);
  } finally {
    await restarted.close();
    await removeDataDir(dataDir);
  }
});
