// kill -9 during ingest, restart on the same data dir: every acknowledged span is there, whether it
// was stored before its answer or answered from the write-ahead log.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { spawnServer } from './support/child-server.js';
import { encodedTraces, sendAll } from './support/load.js';
import { makeDataDir, postOtlp, startTestServer, removeDataDir } from './support/server.js';
import { encodeTraces, kv, span } from './support/otlp-proto.js';

const logged = (dataDir: string): number => {
  try {
    return readdirSync(path.join(dataDir, 'write-ahead')).filter((f) => f.endsWith('.rows')).length;
  } catch {
    return 0;
  }
};

for (const [name, args] of [
  ['every acknowledged span survives kill -9', []],
  // Logged at any load (the bench's inserts engage it; this test's 8 requests in flight do not).
  ['every span answered from the write-ahead log survives kill -9', ['--write-ahead-from', '0']],
] as const)
  test(name, (t) => killedAndRestarted(t, [...args]));

async function killedAndRestarted(t: { diagnostic(m: string): void }, args: string[]): Promise<void> {
  const dataDir = makeDataDir();
  const server = await spawnServer(dataDir, args);
  const traces = encodedTraces(400, 500, 'crash');
  const acked = new Set<string>();
  const logging = args.length > 0;
  const sending = sendAll(server.otlpHttpUrl, traces, logging ? 16 : 8, (tr, code) => {
    if (code === 200) acked.add(tr.traceId);
  });
  // Kill it in the middle of the stream, once a good part was acknowledged (and, with the log
  // engaged, while it holds rows not stored yet).
  while (acked.size < 60 || (logging && logged(dataDir) === 0 && acked.size < traces.length / 2))
    await new Promise((r) => setTimeout(r, 1));
  await server.kill9();
  const status = await sending;
  const failed = [...status.values()].filter((c) => c === -1).length;
  const left = logged(dataDir);
  t.diagnostic(
    `acknowledged ${acked.size} of ${traces.length} traces before kill -9; ${failed} requests were cut off; ` +
      `${left} requests in the write-ahead log`,
  );
  assert.ok(failed > 0, 'the kill happened during ingest');

  const restarted = await startTestServer({}, dataDir);
  try {
    const rows = await restarted.store.query<{ TraceId: string; n: string }>(
      "SELECT TraceId, count() AS n FROM otel_traces WHERE ServiceName = 'crash' GROUP BY TraceId",
    );
    const stored = new Map(rows.map((r) => [r.TraceId, Number(r.n)]));
    if (!logging) for (const id of acked) assert.equal(stored.get(id), 500, `acknowledged trace ${id} is stored whole`);
    else {
      // At least once: a kill between an insert and the removal of its files stores those rows again.
      for (const id of acked) {
        const n = stored.get(id) ?? 0;
        assert.ok(n > 0 && n % 500 === 0, `acknowledged trace ${id} is stored whole (${n} spans)`);
      }
      const twice = [...acked].filter((id) => (stored.get(id) ?? 0) > 500).length;
      t.diagnostic(`${twice} acknowledged traces stored twice (killed between an insert and its files' removal)`);
    }
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
    assert.equal(logged(dataDir), 0, 'the restart stored what the log held, and the log forgot it');
  } finally {
    await restarted.close();
    await removeDataDir(dataDir);
  }
}
