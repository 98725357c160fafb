// Remote-Write 2.0 (io.prometheus.write.v2.Request), with requests built from its published proto:
// interned symbols, inline metadata (type, help, unit), created timestamps, a classic histogram, a
// summary and a native histogram; and what a receiver must refuse (400, Prometheus drops it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { startTestServer, type TestServer } from './support/server.js';

const PROTO = `syntax = "proto3"; package io.prometheus.write.v2;
message Request { repeated string symbols = 4; repeated TimeSeries timeseries = 5; }
message TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; repeated Histogram histograms = 3;
  Metadata metadata = 5; int64 created_timestamp = 6; }
message Sample { double value = 1; int64 timestamp = 2; }
message Metadata { int32 type = 1; uint32 help_ref = 3; uint32 unit_ref = 4; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram { uint64 count_int = 1; double sum = 3; sint32 schema = 4; double zero_threshold = 5; uint64 zero_count_int = 6;
  repeated BucketSpan negative_spans = 8; repeated sint64 negative_deltas = 9; repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12; int64 timestamp = 15; }`;

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

const Request = protobuf.parse(PROTO, { keepCase: true }).root.lookupType('io.prometheus.write.v2.Request');

function build(
  series: Array<{
    labels: Record<string, string>;
    type?: number;
    help?: string;
    unit?: string;
    samples?: Array<[number, number]>;
    histograms?: object[];
    created?: number;
  }>,
): Buffer {
  const symbols = [''];
  const ref = (s: string) => {
    let i = symbols.indexOf(s);
    if (i < 0) i = symbols.push(s) - 1;
    return i;
  };
  const timeseries = series.map((s) => ({
    labels_refs: Object.entries(s.labels)
      .sort()
      .flatMap(([k, v]) => [ref(k), ref(v)]),
    samples: (s.samples ?? []).map(([value, timestamp]) => ({ value, timestamp })),
    histograms: s.histograms ?? [],
    metadata: { type: s.type ?? 0, help_ref: s.help ? ref(s.help) : 0, unit_ref: s.unit ? ref(s.unit) : 0 },
    created_timestamp: s.created ?? 0,
  }));
  return Buffer.from(Request.encode(Request.fromObject({ symbols, timeseries })).finish());
}

const send = (body: Buffer, headers: Record<string, string> = {}) =>
  fetch(`${server.otlpHttpUrl}/api/v1/write`, {
    method: 'POST',
    body: snappy.compress(body) as unknown as BodyInit,
    headers: {
      'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '2.0.0',
      ...headers,
    },
  });

test('types, units, help and created timestamps come from the request; every kind lands in its table', async () => {
  const t = Date.now() - 1000;
  const base = { job: 'rw2', instance: 'host-1:9100' };
  const res = await send(
    build([
      {
        labels: { __name__: 'jobs_done', ...base, queue: 'q1' },
        type: 1,
        help: 'Jobs done.',
        unit: 'jobs',
        samples: [[42, t]],
        created: t - 60_000,
      },
      { labels: { __name__: 'queue_depth', ...base }, type: 2, samples: [[7, t]] },
      { labels: { __name__: 'req_seconds_bucket', ...base, le: '0.5' }, type: 3, samples: [[3, t]] },
      { labels: { __name__: 'req_seconds_bucket', ...base, le: '+Inf' }, type: 3, samples: [[5, t]] },
      { labels: { __name__: 'req_seconds_sum', ...base }, type: 3, samples: [[1.25, t]] },
      { labels: { __name__: 'req_seconds_count', ...base }, type: 3, samples: [[5, t]] },
      { labels: { __name__: 'rpc_seconds', ...base, quantile: '0.99' }, type: 5, samples: [[0.3, t]] },
      { labels: { __name__: 'rpc_seconds_sum', ...base }, type: 5, samples: [[9, t]] },
      { labels: { __name__: 'rpc_seconds_count', ...base }, type: 5, samples: [[30, t]] },
      {
        labels: { __name__: 'native_seconds', ...base },
        type: 3,
        histograms: [
          {
            count_int: 6,
            sum: 3.5,
            schema: 0,
            zero_count_int: 1,
            timestamp: t,
            positive_spans: [
              { offset: 1, length: 2 },
              { offset: 1, length: 1 },
            ],
            positive_deltas: [2, -1, 1],
          },
        ],
      },
    ]),
  );
  assert.equal(res.status, 204, await res.text());
  assert.equal(res.headers.get('x-prometheus-remote-write-samples-written'), '9');
  assert.equal(res.headers.get('x-prometheus-remote-write-histograms-written'), '1');
  const q = <T>(sql: string) => server.store.query<T>(sql);
  const [sum] = await q<{
    Value: number;
    MetricDescription: string;
    MetricUnit: string;
    start: string;
    IsMonotonic: boolean;
  }>(
    "SELECT Value, MetricDescription, MetricUnit, toString(toUnixTimestamp64Milli(StartTimeUnix)) AS start, IsMonotonic FROM otel_metrics_sum WHERE MetricName = 'jobs_done'",
  );
  assert.deepEqual(sum, {
    Value: 42,
    MetricDescription: 'Jobs done.',
    MetricUnit: 'jobs',
    start: String(t - 60_000),
    IsMonotonic: true,
  });
  assert.deepEqual(await q("SELECT Value FROM otel_metrics_gauge WHERE MetricName = 'queue_depth'"), [{ Value: 7 }]);
  const [h] = await q<{ Count: string; Sum: number; BucketCounts: string[]; ExplicitBounds: number[] }>(
    "SELECT Count, Sum, BucketCounts, ExplicitBounds FROM otel_metrics_histogram WHERE MetricName = 'req_seconds'",
  );
  assert.deepEqual(
    [Number(h!.Count), h!.Sum, h!.BucketCounts.map(Number), h!.ExplicitBounds],
    [5, 1.25, [3, 2], [0.5]],
  );
  const [s] = await q<{ Count: string; Sum: number; q: number[]; v: number[] }>(
    "SELECT Count, Sum, ValueAtQuantiles.Quantile AS q, ValueAtQuantiles.Value AS v FROM otel_metrics_summary WHERE MetricName = 'rpc_seconds'",
  );
  assert.deepEqual([Number(s!.Count), s!.Sum, s!.q, s!.v], [30, 9, [0.99], [0.3]]);
  const [e] = await q<{
    Count: string;
    Scale: number;
    ZeroCount: string;
    PositiveOffset: number;
    PositiveBucketCounts: string[];
  }>(
    "SELECT Count, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts FROM otel_metrics_exponential_histogram WHERE MetricName = 'native_seconds'",
  );
  // Prometheus buckets 1, 2, (gap 3), 4 with counts 2, 1, 0, 2; OpenTelemetry's index is Prometheus's minus one.
  assert.deepEqual(
    [Number(e!.Count), e!.Scale, Number(e!.ZeroCount), e!.PositiveOffset, e!.PositiveBucketCounts.map(Number)],
    [6, 0, 1, 0, [2, 1, 0, 2]],
  );
  const [svc] = await q<{ ServiceName: string; inst: string }>(
    "SELECT ServiceName, ResourceAttributes['service.instance.id'] AS inst FROM otel_metrics_gauge WHERE MetricName = 'queue_depth'",
  );
  assert.deepEqual(svc, { ServiceName: 'rw2', inst: 'host-1:9100' });
});

test('bad requests are 400 (Prometheus drops them), wrong encodings 415, and a symbol out of range is named', async () => {
  assert.equal((await send(Buffer.from('not protobuf at all, not even close'))).status, 400);
  const bad = await fetch(`${server.otlpHttpUrl}/api/v1/write`, {
    method: 'POST',
    body: 'xyz',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /could not be decompressed/);
  const gz = await fetch(`${server.otlpHttpUrl}/api/v1/write`, {
    method: 'POST',
    body: 'xyz',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
  });
  assert.equal(gz.status, 415);
  const outOfRange = Buffer.from(
    Request.encode(
      Request.fromObject({
        symbols: ['', '__name__'],
        timeseries: [{ labels_refs: [1, 9], samples: [{ value: 1, timestamp: Date.now() }] }],
      }),
    ).finish(),
  );
  const r = await send(outOfRange);
  assert.equal(r.status, 400);
  assert.match(await r.text(), /symbol reference 9 is out of range/);
});
