// Values that break naive insert paths (blank lines end inline INSERT data in chDB; TSV escapes)
// come back byte for byte, over protobuf and JSON, in span names, attributes and log bodies;
// every metric kind, with exemplars, survives both encodings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  encodeLogs,
  encodeMetrics,
  encodeTraces,
  hex,
  ids,
  kv,
  nanos,
  span,
  traceRequest,
} from './support/otlp-proto.js';
import { postOtlp, startTestServer, type TestServer } from './support/server.js';

const TRICKY = [
  'two\n\nblank\n\n\nlines',
  'tab\there\tand\\t',
  `quotes " and ' and \``,
  'back\\slash\\\\ and \\N and \\0',
  'ünïcödé ✓ 日本語 🚀 \u00a0',
  'crlf\r\n\r\nend',
  '\n\n',
  'a\u0000nul',
  '{"json":"inside"}',
];

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

describe('tricky strings come back byte for byte', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    test(`spans and attributes over ${encoding}`, async () => {
      const service = `tricky-${encoding}`;
      const spans = TRICKY.map((value, i) => ({
        name: value,
        attrs: [
          [`k${i}\n\n`, value],
          ['plain', value],
        ] as Array<[string, string]>,
        ...ids(),
      }));
      const body =
        encoding === 'protobuf'
          ? encodeTraces(
              traceRequest(
                service,
                spans.map((s) => ({
                  ...span(s.name),
                  trace_id: hex(s.traceId),
                  span_id: hex(s.spanId),
                  attributes: s.attrs.map(([k, v]) => kv(k, v)),
                  events: [{ time_unix_nano: nanos(100_000_000), name: s.name, attributes: [kv('e', s.name)] }],
                })),
              ),
            )
          : JSON.stringify({
              resourceSpans: [
                {
                  resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
                  scopeSpans: [
                    {
                      scope: { name: 'fixture' },
                      spans: spans.map((s) => ({
                        traceId: s.traceId,
                        spanId: s.spanId,
                        name: s.name,
                        kind: 2,
                        startTimeUnixNano: nanos(),
                        endTimeUnixNano: nanos(250_000_000),
                        attributes: s.attrs.map(([k, v]) => ({ key: k, value: { stringValue: v } })),
                        events: [
                          {
                            timeUnixNano: nanos(100_000_000),
                            name: s.name,
                            attributes: [{ key: 'e', value: { stringValue: s.name } }],
                          },
                        ],
                      })),
                    },
                  ],
                },
              ],
            });
      const res = await postOtlp(server, 'traces', body);
      assert.equal(res.status, 200, res.body.toString());
      const rows = await server.store.query<{
        SpanId: string;
        SpanName: string;
        SpanAttributes: Record<string, string>;
        'Events.Name': string[];
        'Events.Attributes': Array<Record<string, string>>;
      }>(
        'SELECT SpanId, SpanName, SpanAttributes, Events.Name, Events.Attributes FROM otel_traces WHERE ServiceName = {s:String}',
        { s: service },
      );
      assert.equal(rows.length, TRICKY.length, 'no row was dropped');
      for (const s of spans) {
        const row = rows.find((r) => r.SpanId === s.spanId);
        assert.ok(row, `span ${JSON.stringify(s.name)} is stored`);
        assert.equal(row.SpanName, s.name);
        assert.deepEqual(row.SpanAttributes, Object.fromEntries(s.attrs));
        assert.deepEqual(row['Events.Name'], [s.name]);
        assert.deepEqual(row['Events.Attributes'], [{ e: s.name }]);
      }
      // Looked up by the tricky value itself, through a query parameter.
      const byName = await server.store.query<{ n: string }>(
        'SELECT count() AS n FROM otel_traces WHERE ServiceName = {s:String} AND SpanName = {n:String}',
        { s: service, n: TRICKY[0] },
      );
      assert.equal(Number(byName[0]!.n), 1);
    });

    test(`log bodies over ${encoding}`, async () => {
      const service = `tricky-logs-${encoding}`;
      const body =
        encoding === 'protobuf'
          ? encodeLogs({
              resource_logs: [
                {
                  resource: { attributes: [kv('service.name', service)] },
                  scope_logs: [
                    {
                      scope: { name: 'fixture' },
                      log_records: TRICKY.map((b, i) => ({
                        time_unix_nano: nanos(i),
                        body: { string_value: b },
                        attributes: [kv('i', i), kv('v', b)],
                      })),
                    },
                  ],
                },
              ],
            })
          : JSON.stringify({
              resourceLogs: [
                {
                  resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
                  scopeLogs: [
                    {
                      logRecords: TRICKY.map((b, i) => ({
                        timeUnixNano: nanos(i),
                        body: { stringValue: b },
                        attributes: [
                          { key: 'i', value: { intValue: String(i) } },
                          { key: 'v', value: { stringValue: b } },
                        ],
                      })),
                    },
                  ],
                },
              ],
            });
      const res = await postOtlp(server, 'logs', body);
      assert.equal(res.status, 200, res.body.toString());
      const rows = await server.store.query<{ Body: string; LogAttributes: Record<string, string> }>(
        'SELECT Body, LogAttributes FROM otel_logs WHERE ServiceName = {s:String} ORDER BY Timestamp',
        { s: service },
      );
      assert.deepEqual(
        rows.map((r) => r.Body),
        TRICKY,
      );
      assert.deepEqual(
        rows.map((r) => r.LogAttributes.v),
        TRICKY,
      );
    });
  }

  test('AnyValue bodies of every kind are kept (as the exporter renders them)', async () => {
    const values = [
      [{ string_value: 'text' }, 'text'],
      [{ bool_value: true }, 'true'],
      [{ int_value: '-9007199254740993' }, '-9007199254740993'],
      [{ double_value: 0.1 }, '0.1'],
      [{ bytes_value: Buffer.from([0, 1, 2, 255]) }, 'AAEC/w=='],
      [{ array_value: { values: [{ string_value: 'a' }, { int_value: 2 }, { bool_value: false }] } }, '["a",2,false]'],
      [
        {
          kvlist_value: {
            values: [kv('k', 'v\n\n'), { key: 'n', value: { kvlist_value: { values: [kv('deep', 1.5)] } } }],
          },
        },
        '{"k":"v\\n\\n","n":{"deep":1.5}}',
      ],
    ] as const;
    const res = await postOtlp(
      server,
      'logs',
      encodeLogs({
        resource_logs: [
          {
            resource: { attributes: [kv('service.name', 'anyvalue')] },
            scope_logs: [{ log_records: values.map(([body], i) => ({ time_unix_nano: nanos(i), body })) }],
          },
        ],
      }),
    );
    assert.equal(res.status, 200);
    const rows = await server.store.query<{ Body: string }>(
      "SELECT Body FROM otel_logs WHERE ServiceName = 'anyvalue' ORDER BY Timestamp",
    );
    assert.deepEqual(
      rows.map((r) => r.Body),
      values.map(([, expected]) => expected),
    );
  });
});

describe('every metric kind, with exemplars', () => {
  const exemplar = {
    filtered_attributes: [kv('user', 'u1')],
    time_unix_nano: nanos(500_000_000),
    as_double: 12.5,
    span_id: hex('0102030405060708'),
    trace_id: hex('0102030405060708090a0b0c0d0e0f10'),
  };
  const t = { start_time_unix_nano: nanos(), time_unix_nano: nanos(10_000_000_000) };
  const request = (service: string) => ({
    resource_metrics: [
      {
        resource: { attributes: [kv('service.name', service)] },
        schema_url: 'https://opentelemetry.io/schemas/1.21.0',
        scope_metrics: [
          {
            scope: { name: 'm', version: '2', attributes: [kv('scope.attr', 'x')] },
            metrics: [
              {
                name: 'g',
                unit: '1',
                gauge: { data_points: [{ ...t, as_int: '42', attributes: [kv('a', 'b')], exemplars: [exemplar] }] },
              },
              {
                name: 's',
                sum: {
                  aggregation_temporality: 1,
                  is_monotonic: true,
                  data_points: [{ ...t, as_double: 3.25, exemplars: [exemplar] }],
                },
              },
              {
                name: 'h',
                histogram: {
                  aggregation_temporality: 2,
                  data_points: [
                    {
                      ...t,
                      count: '6',
                      sum: 60,
                      bucket_counts: ['1', '2', '3'],
                      explicit_bounds: [1, 10],
                      min: 0.5,
                      max: 20,
                      exemplars: [exemplar],
                    },
                  ],
                },
              },
              {
                name: 'e',
                exponential_histogram: {
                  aggregation_temporality: 2,
                  data_points: [
                    {
                      ...t,
                      count: '4',
                      sum: 10,
                      scale: -2,
                      zero_count: '1',
                      positive: { offset: -1, bucket_counts: ['1', '2'] },
                      negative: { offset: 3, bucket_counts: ['0', '0', '0'] },
                      min: 0,
                      max: 8,
                      exemplars: [exemplar],
                    },
                  ],
                },
              },
              {
                name: 'q',
                summary: {
                  data_points: [
                    {
                      ...t,
                      count: '10',
                      sum: 55,
                      quantile_values: [
                        { quantile: 0.5, value: 5 },
                        { quantile: 0.99, value: 9.9 },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
  // The same request in OTLP/JSON (camelCase, hex ids).
  const toJson = (v: unknown): unknown => {
    if (Buffer.isBuffer(v)) return v.toString('hex');
    if (Array.isArray(v)) return v.map(toJson);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), toJson(x)]),
      );
    return v;
  };

  for (const encoding of ['protobuf', 'json'] as const) {
    test(`over ${encoding}`, async () => {
      const service = `metrics-${encoding}`;
      const res = await postOtlp(
        server,
        'metrics',
        encoding === 'protobuf' ? encodeMetrics(request(service)) : JSON.stringify(toJson(request(service))),
      );
      assert.equal(res.status, 200, res.body.toString());
      const q = <T>(table: string, cols: string) =>
        server.store.query<T>(`SELECT ${cols} FROM ${table} WHERE ServiceName = {s:String}`, { s: service });
      const ex =
        'Exemplars.FilteredAttributes AS ea, Exemplars.Value AS ev, Exemplars.SpanId AS es, Exemplars.TraceId AS et';
      const checkExemplars = (r: { ea: unknown; ev: unknown; es: unknown; et: unknown }) => {
        assert.deepEqual(r.ea, [{ user: 'u1' }]);
        assert.deepEqual(r.ev, [12.5]);
        assert.deepEqual(r.es, ['0102030405060708']);
        assert.deepEqual(r.et, ['0102030405060708090a0b0c0d0e0f10']);
      };
      const [g] = await q<{
        Value: number;
        Attributes: object;
        ScopeAttributes: object;
        ResourceSchemaUrl: string;
        ea: unknown;
        ev: unknown;
        es: unknown;
        et: unknown;
      }>('otel_metrics_gauge', `Value, Attributes, ScopeAttributes, ResourceSchemaUrl, ${ex}`);
      assert.equal(g!.Value, 42);
      assert.deepEqual(g!.Attributes, { a: 'b' });
      assert.deepEqual(g!.ScopeAttributes, { 'scope.attr': 'x' });
      assert.equal(g!.ResourceSchemaUrl, 'https://opentelemetry.io/schemas/1.21.0');
      checkExemplars(g!);
      const [s] = await q<{
        Value: number;
        AggregationTemporality: number;
        IsMonotonic: boolean;
        ea: unknown;
        ev: unknown;
        es: unknown;
        et: unknown;
      }>('otel_metrics_sum', `Value, AggregationTemporality, IsMonotonic, ${ex}`);
      assert.deepEqual([s!.Value, s!.AggregationTemporality, s!.IsMonotonic], [3.25, 1, true]);
      checkExemplars(s!);
      const [h] = await q<{
        Count: string;
        Sum: number;
        BucketCounts: string[];
        ExplicitBounds: number[];
        Min: number;
        Max: number;
        ea: unknown;
        ev: unknown;
        es: unknown;
        et: unknown;
      }>('otel_metrics_histogram', `Count, Sum, BucketCounts, ExplicitBounds, Min, Max, ${ex}`);
      assert.deepEqual(
        [Number(h!.Count), h!.Sum, h!.BucketCounts.map(Number), h!.ExplicitBounds, h!.Min, h!.Max],
        [6, 60, [1, 2, 3], [1, 10], 0.5, 20],
      );
      checkExemplars(h!);
      const [e] = await q<{
        Count: string;
        Scale: number;
        ZeroCount: string;
        PositiveOffset: number;
        PositiveBucketCounts: string[];
        NegativeOffset: number;
        NegativeBucketCounts: string[];
        ea: unknown;
        ev: unknown;
        es: unknown;
        et: unknown;
      }>(
        'otel_metrics_exponential_histogram',
        `Count, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, NegativeOffset, NegativeBucketCounts, ${ex}`,
      );
      assert.deepEqual(
        [
          Number(e!.Count),
          e!.Scale,
          Number(e!.ZeroCount),
          e!.PositiveOffset,
          e!.PositiveBucketCounts.map(Number),
          e!.NegativeOffset,
          e!.NegativeBucketCounts.map(Number),
        ],
        [4, -2, 1, -1, [1, 2], 3, [0, 0, 0]],
      );
      checkExemplars(e!);
      const [sm] = await q<{ Count: string; Sum: number; qs: number[]; vs: number[] }>(
        'otel_metrics_summary',
        'Count, Sum, ValueAtQuantiles.Quantile AS qs, ValueAtQuantiles.Value AS vs',
      );
      assert.deepEqual([Number(sm!.Count), sm!.Sum, sm!.qs, sm!.vs], [10, 55, [0.5, 0.99], [5, 9.9]]);
    });
  }
});
