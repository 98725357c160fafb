// OTLP response bodies: Export*ServiceResponse with partial success, and google.rpc.Status for
// errors (OTLP/HTTP sends it in the request's encoding; gRPC carries it in its trailers).
import protobuf from 'protobufjs/minimal.js';
import type { Signal } from '../../rows.js';
import type { Encoding } from './export.js';

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

export function exportResponse(signal: Signal, encoding: Encoding, rejected: number, message: string | null): Buffer {
  if (encoding === 'json') {
    if (rejected === 0) return Buffer.from('{}');
    return Buffer.from(
      JSON.stringify({ partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage: message ?? '' } }),
    );
  }
  if (rejected === 0) return Buffer.alloc(0);
  // Export*PartialSuccess { int64 rejected_* = 1; string error_message = 2; } in field 1.
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork();
  w.uint32((1 << 3) | 0).int64(rejected);
  if (message) w.uint32((2 << 3) | 2).string(message);
  w.ldelim();
  return Buffer.from(w.finish());
}

/** google.rpc.Status, optionally with a google.rpc.RetryInfo detail. */
export function statusMessage(code: number, message: string, retryInMillis?: number): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 0).int32(code);
  w.uint32((2 << 3) | 2).string(message);
  if (retryInMillis !== undefined) {
    const retry = protobuf.Writer.create();
    // RetryInfo { Duration retry_delay = 1 { int64 seconds = 1; int32 nanos = 2; } }
    retry.uint32((1 << 3) | 2).fork();
    retry.uint32((1 << 3) | 0).int64(Math.floor(retryInMillis / 1000));
    retry.uint32((2 << 3) | 0).int32((retryInMillis % 1000) * 1e6);
    retry.ldelim();
    w.uint32((3 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).string('type.googleapis.com/google.rpc.RetryInfo');
    w.uint32((2 << 3) | 2).bytes(retry.finish());
    w.ldelim();
  }
  return Buffer.from(w.finish());
}

export function errorBody(encoding: Encoding, code: number, message: string): Buffer {
  return encoding === 'json' ? Buffer.from(JSON.stringify({ code, message })) : statusMessage(code, message);
}
