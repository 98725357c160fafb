// The per-minute rollup of spans answers what raw spans answer: services, RED per service,
// operation and instance, and series, over windows with ragged edges; and it survives a restart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  instanceStats,
  listServices,
  schemaStatements,
  serviceActivity,
  serviceSeries,
  type TimeRange,
} from '../store/index.js';
import { encodeMetrics, encodeTraces, hex, ids, kv } from './support/otlp-proto.js';
import { onClosedStore, postOtlp, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const NOW = Date.now();
const HOURS = 3;

/** Spans over the last three hours: two services, server spans with client children, some failing. */
function requestOf(service: string, instance: string, i: number): Uint8Array {
  const at = NOW - HOURS * 3600_000 + i * 7_919 + (service === 'cart' ? 1_234 : 0);
  const { traceId, spanId } = ids();
  const ns = (ms: number) => String(BigInt(Math.round(ms * 1000)) * 1000n);
  const duration = 5 + ((i * 37) % 400) + (service === 'cart' ? 30 : 0);
  const spans = [
    {
      trace_id: hex(traceId),
      span_id: hex(spanId),
      name: `GET /${service}/${i % 4}`,
      kind: 2,
      start_time_unix_nano: ns(at),
      end_time_unix_nano: ns(at + duration),
      status: { code: i % 9 === 0 ? 2 : 0 },
    },
    {
      trace_id: hex(traceId),
      span_id: hex(ids().spanId),
      parent_span_id: hex(spanId),
      name: 'SELECT',
      kind: 3,
      start_time_unix_nano: ns(at + 1),
      end_time_unix_nano: ns(at + 1 + duration / 3),
    },
  ];
  return encodeTraces({
    resource_spans: [
      {
        resource: {
          attributes: [kv('service.name', service), kv('service.instance.id', instance), kv('service.version', '2.1')],
        },
        scope_spans: [{ scope: { name: 'rollup-test' }, spans }],
      },
    ],
  });
}

/** Runtime metrics of an instance every 30 s: cpu (gauge), memory, threads, uptime and cpu time (a sum). */
function runtimeOf(instance: string, i: number): Uint8Array {
  const at = NOW - HOURS * 3600_000 + i * 30_000 + (instance === 'checkout-1' ? 7_777 : 0);
  const t = {
    start_time_unix_nano: String(BigInt(NOW - HOURS * 3600_000) * 1_000_000n),
    time_unix_nano: String(BigInt(at) * 1_000_000n),
  };
  const gauge = (name: string, v: number) => ({ name, gauge: { data_points: [{ ...t, as_double: v }] } });
  return encodeMetrics({
    resource_metrics: [
      {
        resource: { attributes: [kv('service.name', 'checkout'), kv('service.instance.id', instance)] },
        scope_metrics: [
          {
            scope: { name: 'runtime' },
            metrics: [
              gauge('process.cpu.utilization', ((i * 13) % 100) / 100),
              gauge('process.memory.usage', 100e6 + ((i * 7919) % 1000) * 1000),
              gauge('process.thread.count', 10 + (i % 5)),
              gauge('process.uptime', i * 30),
              {
                name: 'process.cpu.time',
                sum: { aggregation_temporality: 2, is_monotonic: true, data_points: [{ ...t, as_double: i * 3.5 }] },
              },
            ],
          },
        ],
      },
    ],
  });
}

before(async () => {
  server = await startTestServer();
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < (HOURS * 3600_000) / 7_919 - 1; i++)
    bodies.push(requestOf('checkout', `checkout-${i % 2}`, i), requestOf('cart', 'cart-0', i));
  const metrics: Uint8Array[] = [];
  for (let i = 0; i < (HOURS * 3600_000) / 30_000 - 1; i++)
    metrics.push(runtimeOf('checkout-0', i), runtimeOf('checkout-1', i));
  // 32 requests in flight, so the collector stores them in large batches.
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const r = await postOtlp(server, 'traces', bodies[next++]!);
      assert.equal(r.status, 200);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  let m = 0;
  const metricWorker = async () => {
    while (m < metrics.length) assert.equal((await postOtlp(server, 'metrics', metrics[m++]!)).status, 200);
  };
  await Promise.all(Array.from({ length: 16 }, metricWorker));
});
after(async () => server?.stop());

const round = (v: unknown): unknown =>
  typeof v === 'number'
    ? Math.round(v * 1e6) / 1e6
    : Array.isArray(v)
      ? v.map(round)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]))
        : v;

const MINUTE = 60_000;
/** What the rollup reads for a window: its start widened to its minute, its end to the end of its minute. */
const widened = (r: TimeRange): TimeRange => ({
  fromMs: Math.floor(r.fromMs / MINUTE) * MINUTE,
  toMs: Math.ceil(r.toMs / MINUTE) * MINUTE,
});

/** Rates are per second of the window as read: the same spans, over slightly different seconds. */
function withoutRates(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutRates);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'rate')
        .map(([k, x]) => [k, withoutRates(x)]),
    );
  return v;
}

/** The rollup over a ragged window answers what raw spans answer over the same window widened to minutes. */
async function compare(range: TimeRange, label: string): Promise<void> {
  const whole = widened(range);
  const both = async <T>(f: (source: 'raw' | 'rollup', r: TimeRange) => Promise<T>) => [
    withoutRates(round(await f('raw', whole))),
    withoutRates(round(await f('rollup', range))),
  ];
  const [rawList, rolledList] = await both((s, r) => listServices(server.store, 'default', r, s));
  assert.deepEqual(rolledList, rawList, `${label}: services`);
  assert.equal((rawList as unknown[]).length, 2);
  const [rawRed, rolledRed] = await both((s, r) => serviceActivity(server.store, 'default', [], r, s));
  assert.deepEqual(rolledRed, rawRed, `${label}: RED per service, operation and instance`);
  const [rawRuntime, rolledRuntime] = await both((s, r) => instanceStats(server.store, 'default', [], r, s));
  assert.deepEqual(rolledRuntime, rawRuntime, `${label}: runtime stats per instance`);
  assert.equal((rawRuntime as Array<{ cpuPercent: number | null }>).filter((r) => r.cpuPercent !== null).length, 2);
  for (const stepMs of [60_000, 300_000, 3600_000]) {
    const [rawSeries, rolledSeries] = await both(async (s, r) => [
      ...(await serviceSeries(server.store, 'default', [], r, stepMs, s)),
    ]);
    assert.deepEqual(rolledSeries, rawSeries, `${label}: series in steps of ${stepMs / 1000} s`);
  }
  // The rate is per second from the widened start to the requested end (nothing is stored after now).
  const seconds = (range.toMs - whole.fromMs) / 1000;
  for (const s of (await serviceActivity(server.store, 'default', [], range, 'rollup')).services)
    assert.ok(Math.abs(s.rate - s.requests / seconds) < 1e-9, `${label}: rate of ${s.service}`);
}

test('the rollup agrees with raw spans over the same minutes: whole hours, and windows with ragged edges', async () => {
  await compare({ fromMs: NOW - HOURS * 3600_000 - 60_000, toMs: NOW + 60_000 }, 'everything');
  await compare({ fromMs: NOW - 2 * 3600_000 - 17_321, toMs: NOW - 13_777 }, 'two hours, ragged');
  await compare({ fromMs: NOW - 47 * 60_000 - 59_999, toMs: NOW - 31 * 60_000 + 1 }, 'sixteen minutes');
  // And the numbers are what was sent: every request counted once.
  const red = await serviceActivity(server.store, 'default', [], {
    fromMs: NOW - HOURS * 3600_000 - 60_000,
    toMs: NOW + 60_000,
  });
  const sent = Math.ceil((HOURS * 3600_000) / 7_919 - 1);
  assert.deepEqual(
    red.services.map((s) => [s.service, s.requests]),
    [
      ['cart', sent],
      ['checkout', sent],
    ],
  );
});

test('the rollup survives a restart', async () => {
  const range = { fromMs: NOW - HOURS * 3600_000 - 60_000, toMs: NOW + 60_000 };
  const before = await listServices(server.store, 'default', range, 'rollup');
  const dataDir = server.dataDir;
  await server.close();
  server = await startTestServer({}, dataDir);
  assert.deepEqual(round(await listServices(server.store, 'default', range, 'rollup')), round(before));
});

test('a store of version 25 (rollups in a table per grain) has them moved into one table per kind (26, 27)', async () => {
  const dataDir = server.dataDir;
  await server.close();
  // The store as version 25 left it (26 for the runtime rollup, which is what 26 left of it): the
  // tables per grain and their views, filled as migrations 19 and 22 did.
  const legacy = /otel_(traces_(red|latency)|runtime)_1[mh]/;
  const asOf26 = schemaStatements(undefined, undefined, 26).filter((s) => legacy.test(s) && !s.startsWith('DROP'));
  await onClosedStore(dataDir, [
    ...['traces_red', 'traces_latency', 'runtime_gauge', 'runtime_sum', 'runtime_histogram'].map(
      (v) => `DROP VIEW otel_${v}_mv`,
    ),
    'DROP TABLE otel_traces_red SYNC',
    'DROP TABLE otel_traces_latency SYNC',
    'DROP TABLE otel_runtime SYNC',
    ...asOf26,
    'ALTER TABLE micro_migrations DELETE WHERE version >= 26 SETTINGS mutations_sync = 2',
  ]);
  server = await startTestServer({}, dataDir);
  const count = async (sql: string) => Number((await server.store.query<{ n: string }>(sql))[0]!.n);
  const spans = await count('SELECT count() AS n FROM otel_traces');
  assert.equal(await count('SELECT sum(Spans) AS n FROM otel_traces_red WHERE Grain = 1'), spans);
  assert.equal(await count('SELECT sum(Spans) AS n FROM otel_traces_red WHERE Grain = 60'), spans);
  // Each runtime series has a row a minute it was sent in and a row an hour, one of each once merged.
  const sent = (unit: 'Minute' | 'Hour') => `SELECT count() AS n FROM (SELECT DISTINCT ServiceName, MetricName,
    Attributes, ResourceAttributes['service.instance.id'], toStartOf${unit}(TimeUnix) FROM otel_metrics_gauge
    WHERE MetricName LIKE 'process.%')`;
  const rolled = (grain: number) => `SELECT count() AS n FROM (SELECT DISTINCT ServiceName, MetricName, Attributes,
    ServiceInstance, Time FROM otel_runtime WHERE Grain = ${grain} AND MetricName LIKE 'process.%' AND MetricName != 'process.cpu.time')`;
  assert.equal(await count(rolled(1)), await count(sent('Minute')));
  assert.equal(await count(rolled(60)), await count(sent('Hour')));
  const left = await count(
    "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND match(name, '_1[mh]') AND name LIKE 'otel_%'",
  );
  assert.equal(left, 0, 'the tables per grain and their views are gone');
  await compare({ fromMs: NOW - HOURS * 3600_000 - 60_000, toMs: NOW + 60_000 }, 'everything, moved');
  await compare({ fromMs: NOW - 2 * 3600_000 - 17_321, toMs: NOW - 13_777 }, 'two hours, ragged, moved');
});
