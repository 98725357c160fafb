// The collector's own figures, in Prometheus format on the API's /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface CollectorMetrics {
  registry: Registry;
  received: Counter<'signal' | 'transport'>;
  stored: Counter<'table'>;
  rejected: Counter<'signal' | 'reason'>;
  queueRows: Gauge;
  queueBytes: Gauge;
  writeAheadRows: Gauge<'table'>;
  flushSeconds: Histogram<'table' | 'outcome'>;
  requests: Counter<'signal' | 'transport' | 'code'>;
  decodeSeconds: Counter<'signal'>;
  storeWritable: Gauge;
  storeWriteProblem: Gauge<'problem'>;
}

export function createCollectorMetrics(registry = new Registry()): CollectorMetrics {
  collectDefaultMetrics({ register: registry, prefix: 'micro_' });
  return {
    registry,
    received: new Counter({
      name: 'micro_collector_received_items_total',
      help: 'Spans, log records and data points received',
      labelNames: ['signal', 'transport'],
      registers: [registry],
    }),
    stored: new Counter({
      name: 'micro_collector_stored_rows_total',
      help: 'Rows stored, by table',
      labelNames: ['table'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'micro_collector_rejected_items_total',
      help: 'Items rejected, by reason',
      labelNames: ['signal', 'reason'],
      registers: [registry],
    }),
    queueRows: new Gauge({
      name: 'micro_collector_queue_rows',
      help: 'Rows accepted and waiting to be stored',
      registers: [registry],
    }),
    queueBytes: new Gauge({
      name: 'micro_collector_queue_bytes',
      help: 'Encoded bytes accepted and waiting to be stored',
      registers: [registry],
    }),
    writeAheadRows: new Gauge({
      name: 'micro_collector_write_ahead_rows',
      help: 'Rows acknowledged once written to the write-ahead log and not stored yet, by table',
      labelNames: ['table'],
      registers: [registry],
    }),
    flushSeconds: new Histogram({
      name: 'micro_collector_flush_seconds',
      help: 'Time to store one batch',
      labelNames: ['table', 'outcome'],
      registers: [registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    decodeSeconds: new Counter({
      name: 'micro_collector_decode_seconds_total',
      help: 'CPU time spent decoding OTLP into rows',
      labelNames: ['signal'],
      registers: [registry],
    }),
    storeWritable: new Gauge({
      name: 'micro_store_writable',
      help: '1 while writes to the store go through, 0 while they fail (see micro_store_write_problem)',
      registers: [registry],
    }),
    storeWriteProblem: new Gauge({
      name: 'micro_store_write_problem',
      help: '1 for the reason writes to the store fail now (out-of-space, overloaded, unreachable)',
      labelNames: ['problem'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'micro_collector_requests_total',
      help: 'Export requests, by answer',
      labelNames: ['signal', 'transport', 'code'],
      registers: [registry],
    }),
  };
}
