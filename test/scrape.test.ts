// Scraping /metrics ourselves: a target in Prometheus text format, one in OpenMetrics (`_total`,
// `_created`, `# UNIT`, `# EOF`), and our own /metrics, into the same tables; the synthetic `up`
// says whether each target answered, and `up = 0` (nothing else from the service) fires an
// absence rule on it.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/server.js';
import { eventually } from './support/services.js';

let server: TestServer;
let flakyUp = true;
const text = http.createServer((_req, res) => {
  if (!flakyUp) return res.destroy();
  res
    .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
    .end(
      '# HELP shop_orders_total Orders.\n# TYPE shop_orders_total counter\nshop_orders_total{region="eu"} 12\n# TYPE shop_queue gauge\nshop_queue 3\n',
    );
});
const openmetrics = http.createServer((req, res) => {
  assert.match(String(req.headers.accept), /application\/openmetrics-text/);
  assert.equal(req.headers.authorization, 'Bearer scrape-secret');
  res
    .writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0' })
    .end(
      '# TYPE om_events counter\n# HELP om_events Events seen.\n# UNIT om_events events\nom_events_total{kind="a"} 7\nom_events_created{kind="a"} 1700000000\n# TYPE om_temp gauge\nom_temp 1.5\n# EOF\n',
    );
});
const addr = (s: http.Server) => `127.0.0.1:${(s.address() as AddressInfo).port}`;

before(async () => {
  await Promise.all([text, openmetrics].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  server = await startTestServer();
  const own = new URL(server.apiUrl).host;
  const res = await fetch(`${server.apiUrl}/api/v1/config/apply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      scrape: [
        { job: 'shop', targets: [addr(text)], interval: '1s', timeout: '500ms', labels: { env: 'test' } },
        { job: 'om', targets: [addr(openmetrics)], interval: '1s', timeout: '500ms', bearerToken: 'scrape-secret' },
        { job: 'self', targets: [own], interval: '1s', timeout: '500ms' },
      ],
      rules: [{ name: 'shop-down', service: 'shop', interval: '1s', absence: { window: '10s' } }],
    }),
  });
  assert.equal(res.status, 200, await res.text());
});
after(async () => {
  await server.stop();
  text.close();
  openmetrics.close();
});

const q = <T>(sql: string) => server.store.query<T>(sql);

test('both formats and our own /metrics land in the tables, with up = 1 and the job and instance as the resource', async () => {
  await eventually(
    'rows of every job',
    async () => q<{ s: string }>("SELECT DISTINCT ServiceName AS s FROM otel_metrics_gauge WHERE MetricName = 'up'"),
    (r) => r.length === 3,
    20_000,
  );
  const [orders] = await q<{ Value: number; env: string; region: string; inst: string }>(
    "SELECT Value, Attributes['env'] AS env, Attributes['region'] AS region, ResourceAttributes['service.instance.id'] AS inst FROM otel_metrics_sum WHERE MetricName = 'shop_orders_total' LIMIT 1",
  );
  assert.deepEqual(orders, { Value: 12, env: 'test', region: 'eu', inst: addr(text) });
  const [om] = await q<{ Value: number; MetricUnit: string; MetricDescription: string; start: string; kind: string }>(
    "SELECT Value, MetricUnit, MetricDescription, toString(toUnixTimestamp64Milli(StartTimeUnix)) AS start, Attributes['kind'] AS kind FROM otel_metrics_sum WHERE MetricName = 'om_events_total' LIMIT 1",
  );
  assert.deepEqual(om, {
    Value: 7,
    MetricUnit: 'events',
    MetricDescription: 'Events seen.',
    start: '1700000000000',
    kind: 'a',
  });
  assert.deepEqual(await q("SELECT Value FROM otel_metrics_gauge WHERE MetricName = 'om_temp' LIMIT 1"), [
    { Value: 1.5 },
  ]);
  const selfRows = await q<{ n: string }>(
    "SELECT count() AS n FROM otel_metrics_sum WHERE ServiceName = 'self' AND MetricName = 'micro_collector_requests_total'",
  );
  assert.ok(Number(selfRows[0]!.n) >= 0);
  const ownGauges = await q<{ n: string }>(
    "SELECT count() AS n FROM otel_metrics_gauge WHERE ServiceName = 'self' AND MetricName LIKE 'micro_%'",
  );
  assert.ok(Number(ownGauges[0]!.n) > 0, 'our own /metrics is scraped');
  const up = await q<{ s: string; v: number }>(
    "SELECT ServiceName AS s, argMax(Value, TimeUnix) AS v FROM otel_metrics_gauge WHERE MetricName = 'up' GROUP BY s ORDER BY s",
  );
  assert.deepEqual(up, [
    { s: 'om', v: 1 },
    { s: 'self', v: 1 },
    { s: 'shop', v: 1 },
  ]);
  // The token is stored sealed.
  const stored = await q<{ spec: string }>("SELECT Spec AS spec FROM micro_config WHERE Kind = 'scrape'");
  assert.ok(stored.length === 3 && stored.every((r) => !r.spec.includes('scrape-secret')));
});

test('a target that stops answering: up = 0, and the absence rule on its service fires', async () => {
  flakyUp = false;
  await eventually(
    'up = 0',
    async () =>
      q<{ v: number }>(
        "SELECT argMax(Value, TimeUnix) AS v FROM otel_metrics_gauge WHERE MetricName = 'up' AND ServiceName = 'shop'",
      ),
    (r) => r[0]?.v === 0,
    10_000,
  );
  const alerts = async () =>
    (
      (await (await fetch(`${server.apiUrl}/api/v1/alerts`)).json()) as {
        alerts: Array<{ key: string; state: string }>;
      }
    ).alerts;
  await eventually(
    'the absence rule firing',
    alerts,
    (a) => a.some((x) => x.key === 'rule:shop-down' && x.state === 'firing'),
    40_000,
  );
});
