// The OTLP requests bench/ingest sends: an instrumented HTTP service's spans (a trace a request) and
// its log lines, each request a batch of items as an SDK's batch processor sends them.
import { randomBytes } from 'node:crypto';
import { encodeLogs, encodeTraces, kv, nanos } from '../test/support/otlp-proto.js';

export type Signal = 'traces' | 'logs';

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

/** `count` requests of `items` items each, encoded as OTLP protobuf. */
export const benchRequests = (signal: Signal, count: number, items: number): Buffer[] =>
  Array.from({ length: count }, () => (signal === 'traces' ? spanRequest(items) : logRequest(items)));
