// One line for a Node service to send traces, logs and runtime stats to micro-observe:
//
//   import { instrument } from 'micro-observe/instrument';
//   const { logger } = instrument({ serviceName: 'checkout' });
//
// It follows the OTEL_* environment variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS, …); by default it sends OTLP/HTTP
// protobuf to http://localhost:4318. For ESM apps that use named imports of node:http, start
// with `node --import micro-observe/register app.js` so modules are hooked before they load.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { context, metrics } from '@opentelemetry/api';
import { SeverityNumber, logs, type AnyValueMap } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { registerProcessMetrics } from './runtime-metrics.js';

export interface InstrumentOptions {
  /** Defaults to OTEL_SERVICE_NAME. */
  serviceName?: string;
  serviceVersion?: string;
  /** How often runtime stats are sent (default OTEL_METRIC_EXPORT_INTERVAL or 10 s). */
  metricIntervalMs?: number;
  /** Flush and stop on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
}

export type LogFn = (message: string, attributes?: AnyValueMap) => void;

export interface Instrumented {
  /** Log lines sent as OpenTelemetry log records, with the active span's trace id. */
  logger: { debug: LogFn; info: LogFn; warn: LogFn; error: LogFn };
  /** Sends everything buffered now. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let running: Instrumented | null = null;

export function instrument(opts: InstrumentOptions = {}): Instrumented {
  if (running) return running;
  const serviceName = opts.serviceName ?? process.env.OTEL_SERVICE_NAME;
  const attributes: Record<string, string> = {
    'service.instance.id': process.env.OTEL_SERVICE_INSTANCE_ID ?? randomUUID(),
  };
  if (opts.serviceVersion) attributes['service.version'] = opts.serviceVersion;
  const metricReader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(),
    exportIntervalMillis: opts.metricIntervalMs ?? Number(process.env.OTEL_METRIC_EXPORT_INTERVAL ?? 10_000),
  });
  const sdk = new NodeSDK({
    serviceName,
    resource: resourceFromAttributes(attributes),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
    metricReaders: [metricReader],
    logRecordProcessors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })],
    instrumentations: [new HttpInstrumentation(), new RuntimeNodeInstrumentation({ monitoringPrecision: 1000 })],
  });
  sdk.start();
  // Requiring the modules after start lets the instrumentation patch the shared module objects,
  // which default ESM imports (`import http from 'node:http'`) see too.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  registerProcessMetrics(metrics.getMeter('micro-observe/instrument'));

  const otelLogger = logs.getLogger('micro-observe/instrument');
  const emit =
    (severityNumber: SeverityNumber, severityText: string): LogFn =>
    (message, attrs) =>
      otelLogger.emit({ severityNumber, severityText, body: message, attributes: attrs, context: context.active() });
  let stopped: Promise<void> | null = null;
  const shutdown = (): Promise<void> => (stopped ??= sdk.shutdown().catch(() => undefined));
  running = {
    logger: {
      debug: emit(SeverityNumber.DEBUG, 'DEBUG'),
      info: emit(SeverityNumber.INFO, 'INFO'),
      warn: emit(SeverityNumber.WARN, 'WARN'),
      error: emit(SeverityNumber.ERROR, 'ERROR'),
    },
    async flush() {
      await Promise.all([
        metricReader.forceFlush(),
        (logs.getLoggerProvider() as { forceFlush?: () => Promise<void> }).forceFlush?.(),
      ]);
    },
    shutdown,
  };
  if (opts.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        shutdown().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  }
  return running;
}
