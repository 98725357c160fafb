// The real OpenTelemetry JS SDK exporters, as clients of the collector: everything they send
// is found in the store with its attributes intact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

interface SpanRow {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  'Events.Name': string[];
  'Events.Attributes': Array<Record<string, string>>;
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.Attributes': Array<Record<string, string>>;
  Namespace: string;
}

const spansOf = (service: string) =>
  server.store.query<SpanRow>(
    'SELECT * EXCEPT (Timestamp) FROM otel_traces WHERE ServiceName = {s:String} ORDER BY SpanName',
    { s: service },
  );

async function sendTraces(
  service: string,
  exporter: SpanExporter,
): Promise<{ traceId: string; rootId: string; linkedTrace: string; linkedSpan: string }> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'service.version': '1.2.3',
      'deployment.environment': 'test',
    }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter, maxExportBatchSize: 100, maxQueueSize: 5000, scheduledDelayMillis: 50 }),
    ],
  });
  const tracer = provider.getTracer('checkout-lib', '0.9.0');
  const linked = tracer.startSpan('linked');
  linked.end();
  const root = tracer.startSpan('root', {
    kind: SpanKind.SERVER,
    attributes: { 'http.method': 'GET', 'http.status_code': 500, ratio: 0.25, cached: false, tags: ['a', 'b'] },
    links: [{ context: linked.spanContext(), attributes: { reason: 'retry-of' } }],
  });
  root.addEvent('exception', { 'exception.message': 'boom', attempt: 3 });
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  const ctx = trace.setSpan(context.active(), root);
  for (let i = 0; i < 998; i++) {
    const child = tracer.startSpan(
      `child-${String(i).padStart(3, '0')}`,
      { kind: SpanKind.CLIENT, attributes: { index: i } },
      ctx,
    );
    child.end();
  }
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return {
    traceId: root.spanContext().traceId,
    rootId: root.spanContext().spanId,
    linkedTrace: linked.spanContext().traceId,
    linkedSpan: linked.spanContext().spanId,
  };
}

function checkTrace(rows: SpanRow[], service: string, ids: Awaited<ReturnType<typeof sendTraces>>): void {
  assert.equal(rows.length, 1000, 'a trace of 1000 spans sent in 10 requests arrives complete');
  const inTrace = rows.filter((r) => r.TraceId === ids.traceId);
  assert.equal(inTrace.length, 999);
  const root = rows.find((r) => r.SpanName === 'root')!;
  assert.equal(root.SpanId, ids.rootId);
  assert.equal(root.ParentSpanId, '');
  assert.equal(root.SpanKind, 'Server');
  assert.equal(root.ServiceName, service);
  assert.equal(root.ResourceAttributes['service.version'], '1.2.3');
  assert.equal(root.ResourceAttributes['deployment.environment'], 'test');
  assert.equal(root.ScopeName, 'checkout-lib');
  assert.equal(root.ScopeVersion, '0.9.0');
  assert.deepEqual(root.SpanAttributes, {
    'http.method': 'GET',
    'http.status_code': '500',
    ratio: '0.25',
    cached: 'false',
    tags: '["a","b"]',
  });
  assert.equal(root.StatusCode, 'Error');
  assert.equal(root.StatusMessage, 'upstream failed');
  assert.deepEqual(root['Events.Name'], ['exception']);
  assert.deepEqual(root['Events.Attributes'], [{ 'exception.message': 'boom', attempt: '3' }]);
  assert.deepEqual(root['Links.TraceId'], [ids.linkedTrace]);
  assert.deepEqual(root['Links.SpanId'], [ids.linkedSpan]);
  assert.deepEqual(root['Links.Attributes'], [{ reason: 'retry-of' }]);
  assert.equal(root.Namespace, 'default');
  const children = rows.filter((r) => r.SpanName.startsWith('child-'));
  assert.equal(children.length, 998);
  for (const c of children) {
    assert.equal(c.ParentSpanId, ids.rootId);
    assert.equal(c.SpanKind, 'Client');
    assert.equal(c.SpanAttributes.index, String(Number(c.SpanName.slice(6))));
  }
}

describe('traces from the OpenTelemetry JS SDK', () => {
  test('OTLP/HTTP protobuf', async () => {
    const ids = await sendTraces('svc-proto', new ProtoTraceExporter({ url: `${server.otlpHttpUrl}/v1/traces` }));
    checkTrace(await spansOf('svc-proto'), 'svc-proto', ids);
  });
  test('OTLP/HTTP JSON', async () => {
    const ids = await sendTraces('svc-json', new JsonTraceExporter({ url: `${server.otlpHttpUrl}/v1/traces` }));
    checkTrace(await spansOf('svc-json'), 'svc-json', ids);
  });
  test('OTLP/gRPC', async () => {
    const ids = await sendTraces('svc-grpc', new GrpcTraceExporter({ url: `http://${server.otlpGrpcAddress}` }));
    checkTrace(await spansOf('svc-grpc'), 'svc-grpc', ids);
  });
  test('the trace-id lookup table knows each trace', async () => {
    const rows = await server.store.query<{ n: string }>(
      "SELECT count() AS n FROM otel_traces_trace_id_ts WHERE TraceId IN (SELECT DISTINCT TraceId FROM otel_traces WHERE SpanName = 'root')",
    );
    assert.ok(Number(rows[0]!.n) >= 3);
  });
});

describe('metrics from the OpenTelemetry JS SDK (protobuf)', () => {
  test('sums, gauges, histograms and exponential histograms with their buckets', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${server.otlpHttpUrl}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'metrics-svc' }),
      readers: [reader],
      views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    });
    const meter = provider.getMeter('metrics-lib', '1.0.0');
    meter.createCounter('requests').add(7, { route: '/pay' });
    meter.createUpDownCounter('inflight').add(-3, { route: '/pay' });
    meter.createObservableGauge('memory.used', { unit: 'By' }).addCallback((r) => r.observe(123456, { kind: 'heap' }));
    const latency = meter.createHistogram('latency', {
      unit: 'ms',
      advice: { explicitBucketBoundaries: [10, 100, 1000] },
    });
    for (const v of [5, 50, 50, 500, 5000]) latency.record(v, { route: '/pay' });
    const size = meter.createHistogram('payload.size');
    for (const v of [1, 2, 4, 8, 1024]) size.record(v);
    // Shutdown collects and exports once (a forceFlush before it would export the cumulative
    // points a second time).
    await provider.shutdown();

    const sums = await server.store.query<{
      MetricName: string;
      Value: number;
      IsMonotonic: boolean;
      AggregationTemporality: number;
      Attributes: Record<string, string>;
    }>(
      "SELECT MetricName, Value, IsMonotonic, AggregationTemporality, Attributes FROM otel_metrics_sum WHERE ServiceName = 'metrics-svc' ORDER BY MetricName",
    );
    assert.deepEqual(
      sums.map((s) => [s.MetricName, s.Value, s.IsMonotonic, s.Attributes.route]),
      [
        ['inflight', -3, false, '/pay'],
        ['requests', 7, true, '/pay'],
      ],
    );
    assert.equal(sums[0]!.AggregationTemporality, 2, 'cumulative');
    const gauges = await server.store.query<{
      MetricName: string;
      MetricUnit: string;
      Value: number;
      Attributes: Record<string, string>;
    }>("SELECT MetricName, MetricUnit, Value, Attributes FROM otel_metrics_gauge WHERE ServiceName = 'metrics-svc'");
    assert.deepEqual(gauges, [
      { MetricName: 'memory.used', MetricUnit: 'By', Value: 123456, Attributes: { kind: 'heap' } },
    ]);
    const hist = await server.store.query<{
      Count: string;
      Sum: number;
      BucketCounts: string[];
      ExplicitBounds: number[];
      Min: number;
      Max: number;
      MetricUnit: string;
    }>(
      "SELECT Count, Sum, BucketCounts, ExplicitBounds, Min, Max, MetricUnit FROM otel_metrics_histogram WHERE ServiceName = 'metrics-svc'",
    );
    assert.equal(hist.length, 1);
    assert.equal(Number(hist[0]!.Count), 5);
    assert.equal(hist[0]!.Sum, 5605);
    assert.deepEqual(hist[0]!.ExplicitBounds, [10, 100, 1000]);
    assert.deepEqual(hist[0]!.BucketCounts.map(Number), [1, 2, 1, 1], 'histogram buckets survive');
    assert.equal(hist[0]!.Min, 5);
    assert.equal(hist[0]!.Max, 5000);
    const exp = await server.store.query<{
      Count: string;
      Sum: number;
      Scale: number;
      PositiveBucketCounts: string[];
      ZeroCount: string;
    }>(
      "SELECT Count, Sum, Scale, PositiveBucketCounts, ZeroCount FROM otel_metrics_exponential_histogram WHERE ServiceName = 'metrics-svc'",
    );
    assert.equal(exp.length, 1);
    assert.equal(Number(exp[0]!.Count), 5);
    assert.equal(exp[0]!.Sum, 1039);
    assert.equal(
      exp[0]!.PositiveBucketCounts.map(Number).reduce((a, b) => a + b, 0),
      5,
    );
  });
});

describe('logs from the OpenTelemetry JS SDK (protobuf)', () => {
  test('bodies, attributes and the trace id of the active span are kept', async () => {
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'logs-svc' }),
      processors: [
        new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${server.otlpHttpUrl}/v1/logs` }) }),
      ],
    });
    const logger = provider.getLogger('logs-lib', '2.0.0');
    const tracer = new TracerProvider().getTracer('t');
    const span = tracer.startSpan('op');
    const ctx = trace.setSpan(context.active(), span);
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'disk almost full',
      attributes: { 'disk.free': 42 },
      context: ctx,
    });
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: { event: 'login', user: { id: 7 } },
      context: ctx,
    });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    const rows = await server.store.query<{
      Body: string;
      SeverityText: string;
      SeverityNumber: number;
      TraceId: string;
      SpanId: string;
      LogAttributes: Record<string, string>;
      ScopeName: string;
    }>(
      "SELECT Body, SeverityText, SeverityNumber, TraceId, SpanId, LogAttributes, ScopeName FROM otel_logs WHERE ServiceName = 'logs-svc' ORDER BY SeverityNumber DESC",
    );
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.Body, 'disk almost full');
    assert.equal(rows[0]!.SeverityText, 'WARN');
    assert.equal(rows[0]!.SeverityNumber, SeverityNumber.WARN);
    assert.deepEqual(rows[0]!.LogAttributes, { 'disk.free': '42' });
    assert.equal(rows[0]!.ScopeName, 'logs-lib');
    assert.deepEqual(JSON.parse(rows[1]!.Body), { event: 'login', user: { id: 7 } });
    for (const r of rows) {
      assert.equal(r.TraceId, span.spanContext().traceId, "a log's trace id is kept");
      assert.equal(r.SpanId, span.spanContext().spanId);
    }
  });
});
