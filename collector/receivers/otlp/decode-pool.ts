// OTLP bodies decoded on worker threads (`--decode-threads`). With acknowledgement after storage,
// senders send their next requests only once an insert is acknowledged, so their bodies arrive
// together and, decoded one after the other on the request thread, hold up the next insert
// (bench/ingest: 27 ms of logs, 44 ms of spans between inserts). Threads decode them side by side
// where there is a core for them: on two cores that the engine keeps busy, logs went 15% faster and
// spans did not (README). Started on the first request, so an idle server pays nothing for them.
import { Worker } from 'node:worker_threads';
import { RowBinaryWriter } from '../../../store/index.js';
import { DecodeThreadError, MalformedInputError } from '../../decode-context.js';
import { type RequestRows, RequestTooLargeError, type Signal } from '../../rows.js';
import { type Encoding, handOver } from './decoders.js';
import type { DecodeReply, DecodeRequest } from './decode-worker.js';

export interface DecodePool {
  /** Fills `rows` as the request's own thread would; `body` is handed over (not to be read again). */
  decode(signal: Signal, encoding: Encoding, body: Buffer, namespace: string, rows: RequestRows): Promise<number>;
  close(): Promise<void>;
}

interface Thread {
  worker: Worker;
  pending: Map<number, (reply: DecodeReply | Error) => void>;
}

function fill(rows: RequestRows, reply: Extract<DecodeReply, { ok: true }>): void {
  for (const w of reply.writers) {
    const buf = Buffer.from(w.bytes.buffer, w.bytes.byteOffset, w.bytes.byteLength);
    rows.writers.set(w.table, RowBinaryWriter.over(buf, w.pos, w.rows));
  }
  rows.accepted = reply.accepted;
  rows.rejected = reply.rejected;
  rows.firstError = reply.firstError;
  for (const [reason, n] of reply.rejectedBy) rows.rejectedBy.set(reason, n);
}

function errorOf(reply: Extract<DecodeReply, { ok: false }>): Error {
  switch (reply.kind) {
    case 'too-large':
      return new RequestTooLargeError(reply.limit ?? 0);
    case 'malformed':
      return new MalformedInputError(reply.message);
    case 'range':
      return new RangeError(reply.message);
    case 'syntax':
      return new SyntaxError(reply.message);
    default:
      return new Error(reply.message);
  }
}

/**
 * Bodies handed to one thread at a time, at most: the rest wait as bodies, not yet as rows (which
 * may be 8 times larger), so decoded rows held before the queue's bound is checked stay bounded.
 */
const MAX_PER_THREAD = 2;

export function createDecodePool(size: number): DecodePool {
  const threads: Thread[] = [];
  const waiting: Array<() => void> = [];
  let nextId = 0;
  let closed = false;
  const hasRoom = (): boolean => threads.length < size || threads.some((t) => t.pending.size < MAX_PER_THREAD);
  const room = (): Promise<void> =>
    hasRoom() ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
  const next = (): void => {
    while (waiting.length > 0 && hasRoom()) waiting.shift()!();
  };

  const start = (): Thread => {
    const worker = new Worker(new URL('./decode-worker.js', import.meta.url));
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: DecodeReply) => {
      const settle = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      settle?.(reply);
      next();
    });
    const fail = (why: string): void => {
      const i = threads.indexOf(thread);
      if (i >= 0) threads.splice(i, 1); // the next request starts another
      for (const settle of thread.pending.values()) settle(new DecodeThreadError(why));
      thread.pending.clear();
      next();
    };
    worker.on('error', (err) => fail(`the decode thread failed: ${err.message}`));
    worker.on('exit', (code) => fail(`the decode thread stopped (exit code ${code})`));
    // An idle thread does not keep the process alive; one with work does (see decode).
    worker.unref();
    threads.push(thread);
    return thread;
  };

  const pick = (): Thread => {
    if (threads.length < size) return start();
    let best = threads[0]!;
    for (const t of threads) if (t.pending.size < best.pending.size) best = t;
    return best;
  };

  return {
    async decode(signal, encoding, body, namespace, rows) {
      await room();
      if (closed) throw new DecodeThreadError('the server is shutting down');
      const thread = pick();
      const id = ++nextId;
      const { bytes, memory } = handOver(body);
      const request: DecodeRequest = {
        id,
        signal,
        encoding,
        body: bytes,
        namespace,
        maxBytes: rows.maxBytes,
        oldestNanos: rows.oldestNanos,
        limits: rows.ctx.limits,
      };
      return new Promise<number>((resolve, reject) => {
        if (thread.pending.size === 0) thread.worker.ref();
        thread.pending.set(id, (reply) => {
          if (reply instanceof Error) reject(reply);
          else if (!reply.ok) reject(errorOf(reply));
          else {
            fill(rows, reply);
            resolve(reply.seconds);
          }
        });
        try {
          thread.worker.postMessage(request, [memory]);
        } catch {
          // Memory node cannot hand over (a native library's buffer): a copy goes instead.
          const copy = new Uint8Array(body);
          thread.worker.postMessage({ ...request, body: copy }, [copy.buffer]);
        }
      });
    },
    async close() {
      closed = true;
      for (const release of waiting.splice(0)) release();
      const all = threads.splice(0);
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}
