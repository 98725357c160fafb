// bench/interop: Prometheus remote write (samples/s end to end, snappy protobuf over loopback,
// acknowledged once stored) against the embedded engine's own insert rate of the same rows in the
// same run; and Zipkin v2 JSON spans/s end to end.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { RequestRows, decodeRemoteWriteV1, writePromSeries } from '../collector/index.js';
import { openStore, type TableName } from '../store/index.js';
import { spawnServer } from '../test/support/child-server.js';
import { makeDataDir } from '../test/support/server.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const SERIES = 2000;
const CONCURRENCY = 16;

const WriteRequest = protobuf
  .parse(
    `syntax = "proto3"; package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }`,
    { keepCase: true },
  )
  .root.lookupType('prometheus.WriteRequest');

/** A scrape's worth of node-exporter-like gauges and counters: 2000 series of one sample. */
function writeRequest(i: number): Buffer {
  const t = Date.now() - 60_000 + i;
  const timeseries = Array.from({ length: SERIES }, (_, s) => ({
    labels: [
      { name: '__name__', value: s % 2 ? `node_cpu_seconds_total` : `node_filesystem_avail_bytes` },
      { name: 'cpu', value: String(s % 16) },
      { name: 'device', value: `/dev/sd${String.fromCharCode(97 + (s % 8))}` },
      { name: 'instance', value: `host-${i % 20}:9100` },
      { name: 'job', value: 'node' },
      { name: 'mode', value: ['idle', 'user', 'system', 'iowait'][s % 4]! },
      { name: 'series', value: String(s) },
    ],
    samples: [{ value: Math.random() * 1e9, timestamp: t }],
  }));
  return Buffer.from(WriteRequest.encode(WriteRequest.fromObject({ timeseries })).finish());
}

function zipkinRequest(): string {
  const traceId = randomBytes(16).toString('hex');
  const now = Date.now() * 1000;
  return JSON.stringify(
    Array.from({ length: 1000 }, (_, i) => ({
      traceId,
      id: randomBytes(8).toString('hex'),
      parentId: i ? randomBytes(8).toString('hex') : undefined,
      name: 'get /api/items',
      kind: i % 2 ? 'CLIENT' : 'SERVER',
      timestamp: now + i * 10,
      duration: 1000 + (i % 97) * 10,
      localEndpoint: { serviceName: `svc-${i % 5}`, ipv4: '10.0.0.1' },
      tags: { 'http.path': `/api/items/${i}`, 'http.status_code': '200' },
    })),
  );
}

/** `perInsert`: requests a block holds (25: the collector's 50,000-row batches; 1: one request a block, as remote write inserts to be stored exactly once). */
async function engineRate(bodies: Buffer[], perInsert: number): Promise<number> {
  const byTable = new Map<TableName, Buffer[]>();
  for (const body of bodies) {
    const rows = new RequestRows();
    writePromSeries(decodeRemoteWriteV1(body), 'default', rows, () => undefined);
    for (const [table, w] of rows.writers) byTable.set(table, [...(byTable.get(table) ?? []), Buffer.from(w.bytes())]);
  }
  const dataDir = makeDataDir();
  const store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare({ traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 });
  const started = performance.now();
  for (const [table, chunks] of byTable) {
    for (let i = 0; i < chunks.length; i += perInsert) {
      const o = await store.insertRowBinary(table, Buffer.concat(chunks.slice(i, i + perInsert)));
      if (o.status !== 'success') throw new Error(JSON.stringify(o));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return (bodies.length * SERIES) / seconds;
}

async function endToEnd(
  send: (base: { otlpHttpUrl: string; zipkinUrl: string }, i: number) => Promise<number>,
  n: number,
): Promise<number> {
  const dataDir = makeDataDir();
  const server = await spawnServer(dataDir, []);
  let next = 0;
  let items = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) {
      // Not `items += await …`: that reads `items` before the wait and loses the other workers' counts.
      const sent = await send(server, next++);
      items += sent;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return items / seconds;
}

async function main(): Promise<void> {
  console.log(
    `bench/interop: ${REQUESTS} remote-write requests x ${SERIES} samples; Zipkin ${REQUESTS / 2} requests x 1000 spans; ${CONCURRENCY} in flight`,
  );
  const bodies = Array.from({ length: REQUESTS }, (_, i) => writeRequest(i));
  const compressed = bodies.map((b) => Buffer.from(snappy.compress(b)));
  process.stdout.write('  engine: the same rows straight into embedded ClickHouse, 50,000-row blocks... ');
  const engine = await engineRate(bodies, 25);
  console.log(`${Math.round(engine)} samples/s`);
  process.stdout.write(`  engine: the same rows, one request (${SERIES} rows) a block... `);
  const enginePerRequest = await engineRate(bodies, 1);
  console.log(`${Math.round(enginePerRequest)} samples/s`);
  process.stdout.write('  remote write end to end (acknowledged once stored)... ');
  const rw = await endToEnd(async (s, i) => {
    for (;;) {
      const res = await fetch(`${s.otlpHttpUrl}/api/v1/write`, {
        method: 'POST',
        body: compressed[i] as unknown as BodyInit,
        headers: {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
        },
      });
      await res.arrayBuffer();
      if (res.status === 204) return SERIES;
      if (res.status !== 429 && res.status !== 503) throw new Error(`remote write answered ${res.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, REQUESTS);
  console.log(`${Math.round(rw)} samples/s`);
  const zipkin = Array.from({ length: REQUESTS / 2 }, zipkinRequest);
  process.stdout.write('  Zipkin v2 JSON end to end... ');
  const zk = await endToEnd(async (s, i) => {
    for (;;) {
      const res = await fetch(`${s.zipkinUrl}/api/v2/spans`, {
        method: 'POST',
        body: zipkin[i],
        headers: { 'content-type': 'application/json' },
      });
      await res.arrayBuffer();
      if (res.status === 202) return 1000;
      if (res.status !== 429 && res.status !== 503) throw new Error(`Zipkin answered ${res.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, REQUESTS / 2);
  console.log(`${Math.round(zk)} spans/s`);
  const n = (v: number) => Math.round(v).toLocaleString('en');
  console.log(
    `\n| path | end to end | engine, 50,000-row blocks | ratio | engine, a request a block | ratio |\n|---|---|---|---|---|---|`,
  );
  console.log(
    `| Prometheus remote write 1.0 | ${n(rw)} samples/s | ${n(engine)} | ${(rw / engine).toFixed(2)} | ${n(enginePerRequest)} | ${(rw / enginePerRequest).toFixed(2)} |`,
  );
  console.log(`| Zipkin v2 JSON | ${n(zk)} spans/s | | | | |`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
