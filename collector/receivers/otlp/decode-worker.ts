// A decode thread of the pool (decode-pool.ts): the same decoders as the request's own thread, the
// rows handed back without a copy.
import { parentPort } from 'node:worker_threads';
import { DecodeContext, type DecodeLimits, MalformedInputError } from '../../decode-context.js';
import type { TableName } from '../../../store/index.js';
import { type RejectReason, RequestRows, RequestTooLargeError, type Signal } from '../../rows.js';
import { type Encoding, OTLP_DECODERS, handOver } from './decoders.js';

export interface DecodeRequest {
  id: number;
  signal: Signal;
  encoding: Encoding;
  body: Uint8Array;
  namespace: string;
  maxBytes: number;
  oldestNanos: number;
  limits: DecodeLimits;
}

export type DecodeReply =
  | {
      id: number;
      ok: true;
      seconds: number;
      writers: Array<{ table: TableName; bytes: Uint8Array; pos: number; rows: number }>;
      accepted: number;
      rejected: number;
      firstError: string | null;
      rejectedBy: Array<[RejectReason, number]>;
    }
  | {
      id: number;
      ok: false;
      kind: 'too-large' | 'malformed' | 'range' | 'syntax' | 'other';
      message: string;
      limit?: number;
    };

function failure(id: number, err: unknown): DecodeReply {
  const message = (err as Error).message;
  if (err instanceof RequestTooLargeError) return { id, ok: false, kind: 'too-large', message, limit: err.limit };
  if (err instanceof MalformedInputError) return { id, ok: false, kind: 'malformed', message };
  if (err instanceof RangeError) return { id, ok: false, kind: 'range', message };
  if (err instanceof SyntaxError) return { id, ok: false, kind: 'syntax', message };
  return { id, ok: false, kind: 'other', message };
}

function decode(port: NonNullable<typeof parentPort>, m: DecodeRequest): void {
  const rows = new RequestRows(m.maxBytes, m.oldestNanos, new DecodeContext(m.limits));
  const started = process.hrtime.bigint();
  try {
    OTLP_DECODERS[m.signal][m.encoding](
      Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength),
      m.namespace,
      rows,
    );
  } catch (err) {
    port.postMessage(failure(m.id, err));
    return;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const writers: Extract<DecodeReply, { ok: true }>['writers'] = [];
  const transfer: ArrayBuffer[] = [];
  for (const [table, w] of rows.writers) {
    // A small writer's buffer is a slice of node's shared pool: that one is copied.
    const { bytes, memory } = handOver(w.buf);
    writers.push({ table, bytes, pos: w.pos, rows: w.rows });
    transfer.push(memory);
  }
  const reply: DecodeReply = {
    id: m.id,
    ok: true,
    seconds,
    writers,
    accepted: rows.accepted,
    rejected: rows.rejected,
    firstError: rows.firstError,
    rejectedBy: [...rows.rejectedBy],
  };
  port.postMessage(reply, transfer);
}

const port = parentPort;
if (port) port.on('message', (m: DecodeRequest) => decode(port, m));
