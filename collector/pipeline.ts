// Batches rows per table and stores them, acknowledging a request only once every row it
// brought is stored. Memory is bounded by the bytes queued: past the limit a request is turned
// away as retryable (HTTP 429 / gRPC RESOURCE_EXHAUSTED) before anything of it is queued.
import {
  PROBLEM_TEXT,
  type InsertOutcome,
  type RowBinaryWriter,
  type Store,
  type StoreProblem,
  type TableName,
} from '../store/index.js';
import type { RequestRows } from './rows.js';
import type { CollectorMetrics } from './self-metrics.js';

export interface PipelineOptions {
  /** Seal a batch at this many rows… */
  batchRows: number;
  /** …or this many encoded bytes… */
  batchBytes: number;
  /** …or when its oldest row waited this long. */
  flushIntervalMs: number;
  /** Accepted-but-not-stored bytes above which new requests are refused. */
  maxQueueBytes: number;
  /** Inserts in flight per table; more batches wait (and grow) meanwhile. */
  maxInflightPerTable: number;
  /**
   * After an insert, how long at most the next batch (not yet full) keeps gathering before it is
   * stored: the senders that insert acknowledged send again at once, and their rows join it. It is
   * stored as soon as it holds as many rows again as the insert did (0: no wait).
   */
  lingerMs: number;
}

export type SubmitOutcome =
  | { status: 'success' }
  | {
      status: 'retryable';
      retryInMillis: number;
      reason: 'overloaded' | 'store-unavailable' | 'shutting-down';
      message: string;
      problem?: StoreProblem;
    }
  | { status: 'failure'; message: string };

interface Batch {
  chunks: Buffer[];
  /** Encoded bytes, what the insert sends. */
  bytes: number;
  /** Memory the chunks hold (their writers' buffers), what the queue limit counts. */
  retained: number;
  rows: number;
  /** A batch of one request's rows, inserted alone with this deduplication token. */
  dedupToken?: string;
  /** Its flush interval passed: stored as soon as an insert slot is free. */
  due: boolean;
  waiters: Array<(o: InsertOutcome) => void>;
}

interface TableQueue {
  open: Batch | null;
  sealed: Batch[];
  inflight: number;
  timer: NodeJS.Timeout | null;
  /** An insert just ended: the open batch waits, at most the linger, for the senders it acknowledged… */
  linger: NodeJS.Timeout | null;
  /** …until it holds this many rows (its own when the insert ended, and as many as the insert stored). */
  lingerRows: number;
}

export interface Pipeline {
  /** `dedupToken`: the request's rows are inserted alone under it (a retry is stored once). */
  submit(rows: RequestRows, dedupToken?: string): Promise<SubmitOutcome>;
  queuedBytes(): number;
  /** Stops taking requests and stores everything accepted. */
  drain(): Promise<void>;
}

export function createPipeline(
  store: Pick<Store, 'insertRowBinary'>,
  opts: PipelineOptions,
  metrics: CollectorMetrics,
): Pipeline {
  const queues = new Map<TableName, TableQueue>();
  let queuedBytes = 0;
  let queuedRows = 0;
  let closing = false;
  const idle = new Set<() => void>();

  const queueOf = (table: TableName): TableQueue => {
    let q = queues.get(table);
    if (!q) {
      q = { open: null, sealed: [], inflight: 0, timer: null, linger: null, lingerRows: 0 };
      queues.set(table, q);
    }
    return q;
  };

  const seal = (q: TableQueue): void => {
    if (!q.open) return;
    q.sealed.push(q.open);
    q.open = null;
    if (q.timer) clearTimeout(q.timer);
    q.timer = null;
  };

  const pump = (table: TableName): void => {
    const q = queueOf(table);
    while (q.inflight < opts.maxInflightPerTable) {
      if (q.sealed.length === 0 && q.open && (closing || (q.open.due && !q.linger))) seal(q);
      const batch = q.sealed.shift();
      if (!batch) break;
      q.inflight++;
      void store_(table, q, batch);
    }
    if (q.inflight === 0 && !q.open && q.sealed.length === 0) for (const f of idle) f();
  };

  async function store_(table: TableName, q: TableQueue, batch: Batch): Promise<void> {
    const started = process.hrtime.bigint();
    let outcome: InsertOutcome;
    try {
      // The requests' chunks are written as they are: joining them would copy every batch once more.
      outcome = await store.insertRowBinary(table, batch.chunks, batch.dedupToken);
    } catch (err) {
      outcome = { status: 'retryable', retryInMillis: 1000, error: (err as Error).message, problem: 'unreachable' };
    }
    metrics.flushSeconds.labels(table, outcome.status).observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (outcome.status === 'success') metrics.stored.labels(table).inc(batch.rows);
    queuedBytes -= batch.retained;
    queuedRows -= batch.rows;
    metrics.queueBytes.set(queuedBytes);
    metrics.queueRows.set(queuedRows);
    for (const w of batch.waiters) w(outcome);
    q.inflight--;
    // With acknowledgement after storage, the senders of this batch wait for it, and the next batch
    // holds only the others: inserts would stay at half of what is in flight. Waiting a moment lets
    // the acknowledged senders' next requests join it, for fewer and larger inserts (an insert's cost
    // is mostly fixed); a full batch is sealed at once, and nothing waits when the insert failed
    // (its senders retry later). Often nothing is open yet, every sender having waited for this
    // insert: the batch they open is then stored once they are back, not at its flush interval
    // (bench/ingest, logs: 26.7 ms from one insert to the next instead of 55.6).
    const lingers = opts.lingerMs > 0 && outcome.status === 'success' && !closing;
    if (lingers && q.sealed.length === 0) {
      q.lingerRows = (q.open?.rows ?? 0) + batch.rows;
      if (q.linger) clearTimeout(q.linger); // with several inserts in flight, the latest one's linger counts
      q.linger = setTimeout(() => endLinger(table, q), opts.lingerMs);
      q.linger.unref();
      return;
    }
    pump(table);
  }

  const endLinger = (table: TableName, q: TableQueue): void => {
    if (q.linger) clearTimeout(q.linger);
    q.linger = null;
    pump(table);
  };

  // The request's writer is not written again, so its bytes are queued as they are (no copy), and
  // the insert writes them so.
  const append = (table: TableName, w: RowBinaryWriter, dedupToken?: string): Promise<InsertOutcome> => {
    const q = queueOf(table);
    if (dedupToken !== undefined) {
      // Alone, so a retry of the same request is the same block under the same token.
      const own: Batch = {
        chunks: [w.bytes()],
        bytes: w.pos,
        retained: w.buf.length,
        rows: w.rows,
        due: true,
        waiters: [],
        dedupToken: `${dedupToken}-${table}`,
      };
      const done = new Promise<InsertOutcome>((resolve) => own.waiters.push(resolve));
      q.sealed.push(own);
      pump(table);
      return done;
    }
    if (!q.open) {
      const opened: Batch = { chunks: [], bytes: 0, retained: 0, rows: 0, due: false, waiters: [] };
      q.open = opened;
      // The timer marks its own batch due (timers may fire a little before Date.now() says the
      // interval passed, so an age check could leave it waiting). A due batch is sealed when an
      // insert slot is free; until then it keeps growing, and bigger batches insert faster.
      q.timer = setTimeout(() => {
        q.timer = null;
        opened.due = true;
        pump(table);
      }, opts.flushIntervalMs);
      q.timer.unref();
    }
    const b = q.open;
    b.chunks.push(w.bytes());
    b.bytes += w.pos;
    b.retained += w.buf.length;
    b.rows += w.rows;
    const done = new Promise<InsertOutcome>((resolve) => b.waiters.push(resolve));
    if (b.rows >= opts.batchRows || b.bytes >= opts.batchBytes) seal(q);
    if (q.linger && b.rows >= q.lingerRows) {
      // As many rows again as the insert stored: the acknowledged senders are back, so waiting for
      // the flush interval would only idle the engine.
      seal(q);
      endLinger(table, q);
    } else pump(table);
    return done;
  };

  return {
    queuedBytes: () => queuedBytes,
    async submit(rows, dedupToken) {
      if (closing)
        return {
          status: 'retryable',
          retryInMillis: 1000,
          reason: 'shutting-down',
          message: 'the server is shutting down',
        };
      const size = rows.retained;
      if (size === 0) return { status: 'success' };
      if (queuedBytes + size > opts.maxQueueBytes) {
        return {
          status: 'retryable',
          retryInMillis: 1000,
          reason: 'overloaded',
          message: `the store is behind: ${queuedBytes} bytes wait to be written`,
        };
      }
      const waits: Array<Promise<InsertOutcome>> = [];
      for (const [table, w] of rows.writers) {
        if (w.rows === 0) continue;
        queuedBytes += w.buf.length;
        queuedRows += w.rows;
        waits.push(append(table, w, dedupToken));
      }
      metrics.queueBytes.set(queuedBytes);
      metrics.queueRows.set(queuedRows);
      const outcomes = await Promise.all(waits);
      const failed = outcomes.find((o) => o.status === 'failure');
      if (failed && failed.status === 'failure')
        return { status: 'failure', message: `the store refused the rows: ${failed.error}` };
      const retry = outcomes.find((o) => o.status === 'retryable');
      if (retry && retry.status === 'retryable') {
        return {
          status: 'retryable',
          retryInMillis: retry.retryInMillis,
          reason: 'store-unavailable',
          problem: retry.problem,
          message: `${PROBLEM_TEXT[retry.problem]}; nothing of this request was kept, retry it: ${retry.error}`,
        };
      }
      return { status: 'success' };
    },
    async drain() {
      closing = true;
      await new Promise<void>((resolve) => {
        const check = (): void => {
          for (const q of queues.values()) if (q.inflight > 0 || q.open || q.sealed.length > 0) return;
          idle.delete(check);
          resolve();
        };
        idle.add(check);
        for (const table of queues.keys()) pump(table);
        check();
      });
    },
  };
}
