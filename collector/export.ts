// What every OTLP export goes through, whatever the transport: admit, decode, store, answer.
import type { Logger } from 'pino';
import { decodeLogsJson } from './logs/decode-json.js';
import { decodeLogsProto } from './logs/decode-proto.js';
import { decodeMetricsJson } from './metrics/decode-json.js';
import { decodeMetricsProto } from './metrics/decode-proto.js';
import { RequestRows, type Decoder, type Encoding, type Signal } from './otlp/request-rows.js';
import { MalformedInputError } from './otlp/wire.js';
import type { Pipeline } from './pipeline.js';
import type { CollectorMetrics } from './self-metrics.js';
import { decodeTracesJson } from './traces/decode-json.js';
import { decodeTracesProto } from './traces/decode-proto.js';

const DECODERS: Record<Signal, Record<Encoding, Decoder>> = {
  traces: { protobuf: decodeTracesProto, json: decodeTracesJson },
  logs: { protobuf: decodeLogsProto, json: decodeLogsJson },
  metrics: { protobuf: decodeMetricsProto, json: decodeMetricsJson },
};

export type ExportResult =
  | { kind: 'ok'; rejected: number; message: string | null }
  | { kind: 'bad-request'; message: string }
  | { kind: 'overloaded' | 'unavailable'; message: string; retryInMillis: number }
  | { kind: 'failure'; message: string };

export interface ExportContext {
  pipeline: Pipeline;
  metrics: CollectorMetrics;
  logger: Logger;
  maxQueueBytes: number;
}

export async function handleExport(
  ctx: ExportContext, signal: Signal, encoding: Encoding, transport: 'http' | 'grpc', body: Buffer, namespace: string,
): Promise<ExportResult> {
  // Refuse before decoding when already full: decoding is the expensive part.
  if (ctx.pipeline.queuedBytes() >= ctx.maxQueueBytes) {
    ctx.metrics.rejected.labels(signal, 'overloaded').inc();
    return { kind: 'overloaded', message: 'the store is behind; retry later', retryInMillis: 1000 };
  }
  const rows = new RequestRows();
  const started = process.hrtime.bigint();
  try {
    DECODERS[signal][encoding](body, namespace, rows);
    ctx.metrics.decodeSeconds.labels(signal).inc(Number(process.hrtime.bigint() - started) / 1e9);
  } catch (err) {
    const message = err instanceof MalformedInputError || err instanceof RangeError || err instanceof SyntaxError
      ? err.message
      : `could not decode the ${encoding} body: ${(err as Error).message}`;
    ctx.metrics.rejected.labels(signal, 'malformed').inc();
    return { kind: 'bad-request', message: `malformed OTLP ${signal} request: ${message}` };
  }
  ctx.metrics.received.labels(signal, transport).inc(rows.accepted + rows.rejected);
  if (rows.rejected > 0) ctx.metrics.rejected.labels(signal, 'invalid-item').inc(rows.rejected);
  if (rows.accepted === 0 && rows.rejected > 0) {
    return { kind: 'bad-request', message: `every item was rejected (${rows.rejected}); the first because of ${rows.firstError}` };
  }
  const outcome = await ctx.pipeline.submit(rows);
  if (outcome.status === 'success') return { kind: 'ok', rejected: rows.rejected, message: rows.firstError };
  if (outcome.status === 'failure') {
    ctx.logger.error({ signal, err: outcome.message }, 'the store refused a batch');
    return { kind: 'failure', message: outcome.message };
  }
  // The store's own state (a full disk...) is logged once when it changes, by whoever watches
  // its write health, not once per refused request.
  ctx.metrics.rejected.labels(signal, outcome.reason === 'overloaded' ? 'overloaded' : outcome.problem ?? outcome.reason).inc(rows.accepted);
  return {
    kind: outcome.reason === 'overloaded' ? 'overloaded' : 'unavailable',
    message: outcome.message,
    retryInMillis: outcome.retryInMillis,
  };
}
