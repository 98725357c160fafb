// What every receiver shares, whatever its protocol (OTLP, and the ones to come: Prometheus
// remote write, Zipkin...): admit a request before the expensive decode, decode into rows with a
// bound, store them, and acknowledge only once stored. Outcomes are data (IngestResult); each
// receiver turns them into its protocol's answer (HTTP status, gRPC code, body).
import type { Logger } from 'pino';
import { DecodeContext, type DecodeLimits, DecodeThreadError, MalformedInputError } from './decode-context.js';
import type { Pipeline } from './pipeline.js';
import type { DecodePool } from './receivers/otlp/decode-pool.js';
import { RequestRows, RequestTooLargeError, type Signal } from './rows.js';
import type { CollectorMetrics } from './self-metrics.js';

export type IngestResult =
  | { kind: 'ok'; rejected: number; message: string | null }
  | { kind: 'bad-request'; message: string }
  /** It can never be stored as sent: refused for good (413 / INVALID_ARGUMENT), never 429. */
  | { kind: 'too-large'; message: string }
  | { kind: 'overloaded' | 'unavailable'; message: string; retryInMillis: number }
  | { kind: 'failure'; message: string };

export interface IngestContext {
  pipeline: Pipeline;
  metrics: CollectorMetrics;
  logger: Logger;
  maxQueueBytes: number;
  /** The most row bytes one request may decode to (at most the queue). */
  maxDecodedBytes: number;
  /** How long each signal is kept: older items are rejected (the TTL would drop them at once). */
  retentionMs: Record<Signal, number>;
  now: () => number;
  /** What one item may hold (`--max-attributes`). */
  limits: DecodeLimits;
  /** Threads OTLP bodies are decoded on (`--decode-threads`); absent: the request's own thread. */
  decodePool?: DecodePool;
}

/** Rows may be this many times the (decompressed) body before a request is refused as too large. */
export const DECODED_PER_BODY_BYTE = 8;

/** Who may send, and into which namespace (from the bearer token, or loopback without one). */
export type IngestAuthorization =
  | { ok: true; namespace: string }
  | { ok: false; status: 401 | 403 | 429; message: string; retryInMillis?: number };
export type IngestAuthorizer = (authorization: string | undefined, remoteAddress: string) => IngestAuthorization;

/**
 * One request from decode to acknowledgement. `decode` fills the rows (throwing
 * MalformedInputError for a body that is not the protocol's); what it rejects item by item is
 * counted and reported by the caller as partial success. A decode on another thread resolves to
 * the seconds that thread spent.
 */
export async function ingest(
  ctx: IngestContext,
  signal: Signal,
  transport: string,
  what: string,
  /** Returns nothing, or (decoding on another thread) a promise of that thread's seconds. */
  decode: (rows: RequestRows) => unknown,
  /** For senders that retry a request as it was (remote write): stored once whatever the retries. */
  dedupToken?: string,
): Promise<IngestResult> {
  // Refuse before decoding when already full: decoding is the expensive part.
  if (ctx.pipeline.queuedBytes() >= ctx.maxQueueBytes) {
    ctx.metrics.rejected.labels(signal, 'overloaded').inc();
    return { kind: 'overloaded', message: 'the store is behind; retry later', retryInMillis: 1000 };
  }
  const rows = new RequestRows(
    Math.min(ctx.maxDecodedBytes, ctx.maxQueueBytes),
    (ctx.now() - ctx.retentionMs[signal]) * 1e6,
    new DecodeContext(ctx.limits),
  );
  const started = process.hrtime.bigint();
  try {
    const elsewhere = await decode(rows);
    const seconds = typeof elsewhere === 'number' ? elsewhere : Number(process.hrtime.bigint() - started) / 1e9;
    ctx.metrics.decodeSeconds.labels(signal).inc(seconds);
  } catch (err) {
    if (err instanceof DecodeThreadError) {
      ctx.logger.error({ signal, err: err.message }, 'a decode thread failed');
      return { kind: 'unavailable', message: `${err.message}; retry the request`, retryInMillis: 1000 };
    }
    if (err instanceof RequestTooLargeError) {
      ctx.metrics.rejected.labels(signal, 'too-large').inc();
      return { kind: 'too-large', message: err.message };
    }
    const message =
      err instanceof MalformedInputError || err instanceof RangeError || err instanceof SyntaxError
        ? err.message
        : `could not decode the body: ${(err as Error).message}`;
    ctx.metrics.rejected.labels(signal, 'malformed').inc();
    return { kind: 'bad-request', message: `malformed ${what} request: ${message}` };
  }
  ctx.metrics.received.labels(signal, transport).inc(rows.accepted + rows.rejected);
  for (const [reason, n] of rows.rejectedBy) ctx.metrics.rejected.labels(signal, reason).inc(n);
  // Malformed items alone are a bad request; items only too old are well-formed, answered with
  // partial success (every one rejected, and why), which senders do not retry either.
  if (rows.accepted === 0 && rows.rejected > 0 && rows.rejectedBy.has('invalid-item')) {
    return {
      kind: 'bad-request',
      message: `every item was rejected (${rows.rejected}); the first because of ${rows.firstError}`,
    };
  }
  if (rows.retained > ctx.maxQueueBytes) {
    ctx.metrics.rejected.labels(signal, 'too-large').inc(rows.accepted);
    return {
      kind: 'too-large',
      message: `the request's rows (${rows.retained} bytes) are more than the queue holds (${ctx.maxQueueBytes}); split it`,
    };
  }
  const outcome = await ctx.pipeline.submit(rows, dedupToken);
  if (outcome.status === 'success') return { kind: 'ok', rejected: rows.rejected, message: rows.firstError };
  if (outcome.status === 'failure') {
    ctx.logger.error({ signal, err: outcome.message }, 'the store refused a batch');
    return { kind: 'failure', message: outcome.message };
  }
  // The store's own state (a full disk...) is logged once when it changes, by whoever watches
  // its write health, not once per refused request.
  ctx.metrics.rejected
    .labels(signal, outcome.reason === 'overloaded' ? 'overloaded' : (outcome.problem ?? outcome.reason))
    .inc(rows.accepted);
  return {
    kind: outcome.reason === 'overloaded' ? 'overloaded' : 'unavailable',
    message: outcome.message,
    retryInMillis: outcome.retryInMillis,
  };
}

/** The HTTP status of a result (receivers over HTTP all answer alike), and Retry-After when it passes. */
export function httpStatusOf(result: IngestResult): { status: number; retryAfterSeconds?: number } {
  switch (result.kind) {
    case 'ok':
      return { status: 200 };
    case 'bad-request':
      return { status: 400 };
    case 'too-large':
      return { status: 413 };
    case 'overloaded':
      return { status: 429, retryAfterSeconds: Math.max(1, Math.ceil(result.retryInMillis / 1000)) };
    case 'unavailable':
      return { status: 503, retryAfterSeconds: Math.max(1, Math.ceil(result.retryInMillis / 1000)) };
    case 'failure':
      return { status: 500 };
  }
}
