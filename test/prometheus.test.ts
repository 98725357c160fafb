// Prometheus remote write: a real Prometheus (Debian's package) scrapes a target and remote-writes
// to us; counters, gauges and histograms land in the right tables with the values Prometheus
// itself answers for the same series and time. Our server is killed (kill -9) mid-stream and started
// again, twice: Prometheus retries, and no sample is lost or doubled (requests are stored once).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureDebianPackage } from './support/debian.js';
import { spawnServer } from './support/child-server.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from './support/server.js';
import { eventually } from './support/services.js';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

let requests = 0;
const target = http.createServer((_req, res) => {
  requests += 3;
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# HELP demo_requests_total Requests served.
# TYPE demo_requests_total counter
demo_requests_total{path="/a"} ${requests}
# HELP demo_temperature_celsius The temperature.
# TYPE demo_temperature_celsius gauge
demo_temperature_celsius 21.5
# HELP demo_latency_seconds Request latency.
# TYPE demo_latency_seconds histogram
demo_latency_seconds_bucket{le="0.1"} ${requests}
demo_latency_seconds_bucket{le="0.5"} ${requests * 2}
demo_latency_seconds_bucket{le="+Inf"} ${requests * 3}
demo_latency_seconds_sum ${requests * 0.7}
demo_latency_seconds_count ${requests * 3}
`);
});

let server: TestServer;
let prometheus: ChildProcess;
let promUrl = '';
const dataDir = makeDataDir();
const promDir = mkdtempSync(path.join(tmpdir(), 'micro-prom-'));
let otlpPort = 0;

before(async () => {
  ensureDebianPackage('prometheus', '/usr/bin/prometheus');
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  otlpPort = await freePort();
  server = await startTestServer({ otlpHttpPort: otlpPort }, dataDir);
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  writeFileSync(
    path.join(promDir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: demo
    static_configs: [{ targets: ['127.0.0.1:${(target.address() as AddressInfo).port}'] }]
remote_write:
  - url: http://127.0.0.1:${otlpPort}/api/v1/write
    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }
    metadata_config: { send_interval: 1s }
`,
  );
  prometheus = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${path.join(promDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(promDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
});
after(async () => {
  prometheus?.kill('SIGKILL');
  await server?.close();
  target.close();
  await removeDataDir(dataDir);
  rmSync(promDir, { recursive: true, force: true });
});

const rows = (sql: string) => server.store.query<Record<string, string | number>>(sql);

test('counters, gauges and histograms from a real Prometheus land in the right tables with the same values', async () => {
  await eventually(
    'the counter, gauge and histogram rows',
    async () => {
      const [s] = await rows("SELECT count() AS n FROM otel_metrics_sum WHERE MetricName = 'demo_requests_total'");
      const [g] = await rows(
        "SELECT count() AS n FROM otel_metrics_gauge WHERE MetricName = 'demo_temperature_celsius'",
      );
      const [h] = await rows(
        "SELECT count() AS n FROM otel_metrics_histogram WHERE MetricName = 'demo_latency_seconds'",
      );
      return [Number(s!.n), Number(g!.n), Number(h!.n)];
    },
    (n) => n.every((x) => x >= 3),
    60_000,
  );
  const [sum] =
    await rows(`SELECT Value, IsMonotonic, AggregationTemporality, ServiceName, ResourceAttributes['service.instance.id'] AS instance,
      Attributes['path'] AS path, toUnixTimestamp64Milli(TimeUnix) AS ms
    FROM otel_metrics_sum WHERE MetricName = 'demo_requests_total' ORDER BY TimeUnix DESC LIMIT 1`);
  assert.equal(sum!.IsMonotonic, true);
  assert.equal(sum!.AggregationTemporality, 2);
  assert.equal(sum!.ServiceName, 'demo');
  assert.match(String(sum!.instance), /^127\.0\.0\.1:\d+$/);
  assert.equal(sum!.path, '/a');
  const q = async (query: string, ms: number) => {
    const r = (await (
      await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}&time=${ms / 1000}`)
    ).json()) as { data: { result: Array<{ value: [number, string] }> } };
    return Number(r.data.result[0]?.value[1]);
  };
  assert.equal(
    Number(sum!.Value),
    await q('demo_requests_total', Number(sum!.ms)),
    'the counter equals what Prometheus answers',
  );
  const [gauge] = await rows(
    "SELECT Value, MetricDescription FROM otel_metrics_gauge WHERE MetricName = 'demo_temperature_celsius' ORDER BY TimeUnix DESC LIMIT 1",
  );
  assert.equal(Number(gauge!.Value), 21.5);
  const [hist] =
    await rows(`SELECT Count, Sum, BucketCounts, ExplicitBounds, toUnixTimestamp64Milli(TimeUnix) AS ms FROM otel_metrics_histogram
    WHERE MetricName = 'demo_latency_seconds' ORDER BY TimeUnix DESC LIMIT 1`);
  const ms = Number(hist!.ms);
  assert.equal(Number(hist!.Count), await q('demo_latency_seconds_count', ms));
  assert.ok(Math.abs(Number(hist!.Sum) - (await q('demo_latency_seconds_sum', ms))) < 1e-9);
  assert.deepEqual((hist!.ExplicitBounds as unknown as number[]).map(Number), [0.1, 0.5]);
  const counts = (hist!.BucketCounts as unknown as string[]).map(Number);
  const first = await q('demo_latency_seconds_bucket{le="0.1"}', ms);
  assert.deepEqual(counts, [first, first, first], 'per-bucket counts from cumulative le buckets');
});

test('killed (kill -9) mid-stream and started again: Prometheus retries, nothing lost or doubled', async () => {
  const before = Number(
    (await rows("SELECT count() AS n FROM otel_metrics_sum WHERE MetricName = 'demo_requests_total'"))[0]!.n,
  );
  // A server process of its own on the same port and data directory, so it can be killed.
  await server.close();
  const args = ['--otlp-http-port', String(otlpPort)];
  let child = await spawnServer(dataDir, args);
  await new Promise((r) => setTimeout(r, 3500));
  await child.kill9();
  await new Promise((r) => setTimeout(r, 3000));
  child = await spawnServer(dataDir, args);
  await new Promise((r) => setTimeout(r, 3500));
  await child.kill9();
  child = await spawnServer(dataDir, args);
  await new Promise((r) => setTimeout(r, 8000));
  await child.stop();
  server = await startTestServer({ otlpHttpPort: otlpPort }, dataDir);
  const samples = await rows(`SELECT toUnixTimestamp64Milli(TimeUnix) AS ms, count() AS n FROM otel_metrics_sum
    WHERE MetricName = 'demo_requests_total' GROUP BY ms ORDER BY ms`);
  assert.ok(samples.length >= before + 10, `${samples.length} samples`);
  assert.ok(
    samples.every((s) => Number(s.n) === 1),
    `doubled: ${JSON.stringify(samples.filter((s) => Number(s.n) > 1))}`,
  );
  // No gap: consecutive scrapes (1 s apart) stay within a few seconds of each other across the kills.
  const times = samples.map((s) => Number(s.ms));
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(Math.max(...gaps) < 2500, `largest gap between stored samples ${Math.max(...gaps)} ms`);
});
