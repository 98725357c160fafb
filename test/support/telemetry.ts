// Telemetry sent by the real OpenTelemetry SDK for the console's tests: a service with server and
// client spans (some failing), logs tied to traces, runtime metrics from two instances, and a
// service whose names and values are hostile HTML.
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export const HOSTILE = {
  service: '<script>window.__pwned=1</script>',
  span: '"><img src=x onerror="window.__pwned=1">',
  url: 'javascript:window.__pwned=1',
  body: '<img src=x onerror=window.__pwned=1> and <script>window.__pwned=1</script>',
};

export interface Sent {
  traceIds: string[];
  bigTraceId: string;
}

/** `spansInBigTrace`: one trace that large (the waterfall's speed). */
export async function sendTelemetry(otlpHttpUrl: string, spansInBigTrace = 2000): Promise<Sent> {
  const traceIds: string[] = [];
  const tracing = (service: string, instance: string) =>
    new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': instance }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }),
          maxExportBatchSize: 500,
          maxQueueSize: 10_000,
          scheduledDelayMillis: 50,
        }),
      ],
    });
  const shop = tracing('checkout', 'checkout-1');
  const tracer = shop.getTracer('console-test');
  const payments = tracing('payments', 'payments-1');
  const paymentsTracer = payments.getTracer('console-test');
  const logs = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'checkout-1' }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${otlpHttpUrl}/v1/logs` }) })],
  });
  const logger = logs.getLogger('console-test');
  const now = Date.now();
  for (let i = 0; i < 60; i++) {
    const at = now - (60 - i) * 30_000;
    const failed = i % 10 === 0;
    const root = tracer.startSpan(`GET /cart/${i % 3}`, {
      kind: SpanKind.SERVER,
      startTime: at,
      attributes: { 'http.method': 'GET', 'http.route': `/cart/${i % 3}`, 'http.status_code': failed ? 500 : 200 },
    });
    const ctx = trace.setSpan(context.active(), root);
    const db = tracer.startSpan('SELECT cart', { kind: SpanKind.CLIENT, startTime: at + 2 }, ctx);
    db.end(at + 2 + (i % 7) * 3);
    // A call into another service: the service map's edge checkout → payments.
    const charge = paymentsTracer.startSpan('POST /charge', { kind: SpanKind.SERVER, startTime: at + 10 }, ctx);
    charge.end(at + 20);
    if (failed) root.setStatus({ code: SpanStatusCode.ERROR, message: 'cart service unavailable' });
    root.addEvent('cache miss', { key: `cart-${i}` }, at + 1);
    root.end(at + 30 + (i % 7) * 5);
    traceIds.push(root.spanContext().traceId);
    // No context manager is registered here, so the span's context is given to the record itself.
    logger.emit({
      severityNumber: failed ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: failed ? 'ERROR' : 'INFO',
      body: failed ? `cart ${i} failed: upstream timeout` : `cart ${i} served`,
      timestamp: at + 5,
      context: ctx,
    });
  }
  // One big trace: a root with `spansInBigTrace - 1` children in a few levels.
  const bigRoot = tracer.startSpan('GET /report', { kind: SpanKind.SERVER, startTime: now - 5000 });
  const bigCtx = trace.setSpan(context.active(), bigRoot);
  let parentCtx = bigCtx;
  for (let i = 1; i < spansInBigTrace; i++) {
    const s = tracer.startSpan(
      `step ${i}`,
      { kind: SpanKind.INTERNAL, startTime: now - 5000 + i },
      i % 50 === 1 ? bigCtx : parentCtx,
    );
    if (i % 50 === 1) parentCtx = trace.setSpan(context.active(), s);
    s.end(now - 5000 + i + 2);
  }
  bigRoot.end(now - 2000);
  // The hostile service: its name, a span name, an attribute and a log body are HTML or a script URL.
  const evil = tracing(HOSTILE.service, 'evil-1');
  const evilTracer = evil.getTracer('x');
  const e = evilTracer.startSpan(HOSTILE.span, {
    kind: SpanKind.SERVER,
    startTime: now - 60_000,
    attributes: { 'http.url': HOSTILE.url, note: HOSTILE.body },
  });
  e.end(now - 59_900);
  traceIds.push(e.spanContext().traceId);
  const evilLogs = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': HOSTILE.service }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${otlpHttpUrl}/v1/logs` }) })],
  });
  evilLogs.getLogger('x').emit({ severityNumber: SeverityNumber.WARN, body: HOSTILE.body, timestamp: now - 50_000 });
  // Runtime metrics from two instances.
  for (const instance of ['checkout-1', 'checkout-2']) {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${otlpHttpUrl}/v1/metrics` }),
      exportIntervalMillis: 60_000,
    });
    const meters = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': instance }),
      readers: [reader],
    });
    const meter = meters.getMeter('runtime');
    meter
      .createObservableGauge('process.cpu.utilization')
      .addCallback((r) => r.observe(instance === 'checkout-1' ? 0.25 : 0.4));
    meter.createObservableGauge('process.memory.usage', { unit: 'By' }).addCallback((r) => r.observe(150e6));
    meter.createObservableGauge('process.thread.count').addCallback((r) => r.observe(12));
    await meters.forceFlush();
    await meters.shutdown();
  }
  for (const p of [shop, payments, evil]) {
    await p.forceFlush();
    await p.shutdown();
  }
  for (const p of [logs, evilLogs]) {
    await p.forceFlush();
    await p.shutdown();
  }
  return { traceIds, bigTraceId: bigRoot.spanContext().traceId };
}
