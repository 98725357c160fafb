// Sending faster than the store can write: 429 with Retry-After, the server's memory stays
// bounded, and everything answered 200 is stored whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../store/index.js';
import { scrape, spawnServer } from './support/child-server.js';
import { encodedTraces, sendAll } from './support/load.js';
import { makeDataDir, removeDataDir, testDatabaseUrl } from './support/server.js';

test('overload answers 429 with Retry-After, RSS stays bounded, every 200 is stored', async (t) => {
  const dataDir = makeDataDir();
  const server = await spawnServer(dataDir, ['--max-queue-size', '16MiB']);
  const traces = encodedTraces(200, 2000);
  const rssBefore = await scrape(server.apiUrl, 'micro_process_resident_memory_bytes');
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    scrape(server.apiUrl, 'micro_process_resident_memory_bytes').then(
      (v) => (rssMax = Math.max(rssMax, v)),
      () => undefined,
    );
  }, 100);
  let missingRetryAfter = 0;
  const status = await sendAll(server.otlpHttpUrl, traces, 48, (_t, code, retryAfter) => {
    if (code === 429 && !retryAfter) missingRetryAfter++;
  });
  clearInterval(sampler);
  const codes = [...status.values()];
  const ok = codes.filter((c) => c === 200).length;
  const tooMany = codes.filter((c) => c === 429).length;
  t.diagnostic(
    `overload: ${ok} answered 200, ${tooMany} answered 429, RSS ${Math.round(rssBefore / 2 ** 20)} → max ${Math.round(rssMax / 2 ** 20)} MiB`,
  );
  assert.ok(tooMany > 0, 'the sender outran the store and got 429s');
  assert.ok(ok > 0);
  assert.equal(ok + tooMany, traces.length, 'every request got 200 or 429');
  assert.equal(missingRetryAfter, 0, 'every 429 carries Retry-After');
  assert.ok(rssMax - rssBefore < 768 * 2 ** 20, `RSS grew by ${Math.round((rssMax - rssBefore) / 2 ** 20)} MiB`);
  assert.equal(await server.stop(), 0, 'a clean stop stores what was accepted');

  const url = await testDatabaseUrl(dataDir);
  const store = await openStore(url ? { kind: 'server', url } : { kind: 'embedded', dataDir });
  try {
    const rows = await store.query<{ TraceId: string; n: string }>(
      "SELECT TraceId, count() AS n FROM otel_traces WHERE ServiceName = 'load' GROUP BY TraceId",
    );
    const stored = new Map(rows.map((r) => [r.TraceId, Number(r.n)]));
    for (const t of traces) {
      if (status.get(t.traceId) === 200)
        assert.equal(stored.get(t.traceId), t.spans, `trace ${t.traceId} answered 200 is stored whole`);
      else assert.equal(stored.get(t.traceId), undefined, 'a refused request left nothing behind');
    }
  } finally {
    await store.close();
    await removeDataDir(dataDir);
  }
});
