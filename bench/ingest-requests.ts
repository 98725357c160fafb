// The OTLP requests bench/ingest sends: an instrumented HTTP service's spans (a trace a request), its
// log lines, each request a batch of items as an SDK's batch processor sends them, and the metric
// exports of ten of its instances (runtime metrics, gauges, counters and latency histograms by route).
import { randomBytes } from 'node:crypto';
import { encodeLogs, encodeMetrics, encodeTraces, kv, nanos } from '../test/support/otlp-proto.js';

export type Signal = 'traces' | 'logs' | 'metrics';

function spanRequest(items: number): Buffer {
  const traceId = randomBytes(16);
  const spans = Array.from({ length: items }, (_, i) => ({
    trace_id: traceId,
    span_id: randomBytes(8),
    parent_span_id: randomBytes(8),
    name: `GET /api/v1/items/{id}`,
    kind: 2 + (i % 2),
    start_time_unix_nano: nanos(i * 10_000),
    end_time_unix_nano: nanos(i * 10_000 + 1_000_000 + (i % 97) * 1000),
    attributes: [
      kv('http.method', 'GET'),
      kv('http.route', '/api/v1/items/{id}'),
      kv('http.status_code', i % 50 === 0 ? 500 : 200),
      kv('http.url', `https://shop.example.com/api/v1/items/${i}?q=${i * 7}`),
      kv('net.peer.name', `db-${i % 3}`),
      kv('thread.id', i % 16),
    ],
    events:
      i % 50 === 0
        ? [
            {
              time_unix_nano: nanos(i * 10_000 + 500),
              name: 'exception',
              attributes: [kv('exception.message', 'timeout')],
            },
          ]
        : [],
    status: { code: i % 50 === 0 ? 2 : 0 },
  }));
  return encodeTraces({
    resource_spans: [
      {
        resource: {
          attributes: [
            kv('service.name', 'bench'),
            kv('service.version', '1.4.2'),
            kv('service.instance.id', 'bench-1'),
            kv('host.name', 'node-7'),
            kv('telemetry.sdk.language', 'nodejs'),
          ],
        },
        scope_spans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.0' }, spans }],
      },
    ],
  });
}

function logRequest(items: number): Buffer {
  const traceId = randomBytes(16);
  const records = Array.from({ length: items }, (_, i) => ({
    time_unix_nano: nanos(i * 10_000),
    observed_time_unix_nano: nanos(i * 10_000 + 100),
    severity_number: i % 10 === 0 ? 13 : 9,
    severity_text: i % 10 === 0 ? 'WARN' : 'INFO',
    body: {
      string_value: `request ${i} served in ${(i % 97) + 1} ms for user ${(i * 31) % 1000} with cart of ${i % 7} items`,
    },
    attributes: [kv('http.route', '/api/v1/items/{id}'), kv('user.id', String((i * 31) % 1000))],
    trace_id: traceId,
    span_id: randomBytes(8),
  }));
  return encodeLogs({
    resource_logs: [
      {
        resource: { attributes: [kv('service.name', 'bench'), kv('host.name', 'node-7')] },
        scope_logs: [{ scope: { name: 'pino' }, log_records: records }],
      },
    ],
  });
}

const INSTANCES = 10;
const EXPORT_EVERY_MS = 15_000;

/**
 * The `n`-th export of ten instances, `items` points in all (a point a row): per instance the five
 * runtime metrics the per-instance stats read, and gauges, counters and latency histograms by route
 * in about equal parts.
 */
function metricRequest(items: number, n: number, startMs: number): Buffer {
  const perInstance = Math.floor(items / INSTANCES);
  const series = perInstance - 5;
  const [gauges, sums] = [Math.ceil(series / 3), Math.ceil(series / 3)];
  const histograms = series - gauges - sums;
  const resource_metrics = Array.from({ length: INSTANCES }, (_, inst) => {
    const at = BigInt(startMs + n * EXPORT_EVERY_MS + inst * 97) * 1_000_000n;
    const t = { start_time_unix_nano: String(BigInt(startMs) * 1_000_000n), time_unix_nano: String(at) };
    const gauge = (name: string, points: object[]) => ({ name, gauge: { data_points: points } });
    const sum = (name: string, points: object[]) => ({
      name,
      sum: { aggregation_temporality: 2, is_monotonic: true, data_points: points },
    });
    const route = (k: number) => kv('http.route', `/api/v1/resource-${k}/{id}`);
    return {
      resource: {
        attributes: [
          kv('service.name', `svc-${inst % 3}`),
          kv('service.instance.id', `svc-${inst % 3}-${inst}`),
          kv('service.version', '1.4.2'),
          kv('host.name', `node-${inst}`),
        ],
      },
      scope_metrics: [
        {
          scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.0' },
          metrics: [
            gauge('process.cpu.utilization', [{ ...t, as_double: ((n * 7 + inst) % 100) / 100 }]),
            gauge('process.memory.usage', [{ ...t, as_double: 120e6 + ((n * 7919) % 1000) * 1000 }]),
            gauge('process.thread.count', [{ ...t, as_double: 11 + (n % 4) }]),
            gauge('process.uptime', [{ ...t, as_double: n * 15 }]),
            sum('process.cpu.time', [{ ...t, as_double: n * 1.7 }]),
            gauge(
              'app.queue.depth',
              Array.from({ length: gauges }, (_, k) => ({
                ...t,
                as_int: (n * k) % 50,
                attributes: [kv('queue', `q${k}`)],
              })),
            ),
            sum(
              'http.server.request.count',
              Array.from({ length: sums }, (_, k) => ({
                ...t,
                as_int: n * (k + 1),
                attributes: [route(k), kv('http.request.method', 'GET'), kv('http.response.status_code', 200)],
              })),
            ),
            {
              name: 'http.server.request.duration',
              histogram: {
                aggregation_temporality: 2,
                data_points: Array.from({ length: histograms }, (_, k) => ({
                  ...t,
                  count: n * 10 + k,
                  sum: n * 0.9 + k,
                  bucket_counts: [n, n * 3, n * 5, n, k],
                  explicit_bounds: [0.005, 0.025, 0.1, 0.5],
                  attributes: [route(k), kv('http.request.method', 'GET')],
                })),
              },
            },
          ],
        },
      ],
    };
  });
  return encodeMetrics({ resource_metrics });
}

/** `count` requests of `items` items each, encoded as OTLP protobuf (metric exports 15 s apart, up to now). */
export function benchRequests(signal: Signal, count: number, items: number): Buffer[] {
  const startMs = Date.now() - count * EXPORT_EVERY_MS;
  return Array.from({ length: count }, (_, n) =>
    signal === 'traces' ? spanRequest(items) : signal === 'logs' ? logRequest(items) : metricRequest(items, n, startMs),
  );
}
