// Batches rows per table and stores them, acknowledging a request only once every row it
// brought is stored or, while the engine is busy, logged ahead (write-ahead-log.ts). Memory is
// bounded by the bytes queued: past the limit a request is turned away as retryable (HTTP 429 /
// gRPC RESOURCE_EXHAUSTED) before anything of it is queued.
import type { InsertOutcome, RowBinaryWriter, Store, TableName } from '../store/index.js';
import {
  type Batch,
  type LoggedChunk,
  type SubmitOutcome,
  type TableQueue,
  acknowledged,
  batchOf,
  emptyBatch,
  forget,
  leftoverBatches,
  loggedBatch,
  refusal,
  requestOutcome,
} from './batches.js';
import { type QueuedPart, createDeferredLogging, logQueued, whenLogged } from './log-ahead.js';
import type { RequestRows } from './rows.js';
import type { CollectorMetrics } from './self-metrics.js';
import type { PipelineOptions } from './pipeline-options.js';

export type { SubmitOutcome } from './batches.js';
export type { PipelineOptions } from './pipeline-options.js';

export interface Pipeline {
  /** `dedupToken`: the request's rows are inserted alone under it (a retry is stored once). */
  submit(rows: RequestRows, dedupToken?: string): Promise<SubmitOutcome>;
  queuedBytes(): number;
  /** Stops taking requests and stores everything accepted. */
  drain(): Promise<void>;
  /**
   * Stores what an earlier run logged and did not store (before requests are taken); what fails
   * now stays queued and is retried. Files logged for other columns are left where they are.
   */
  recover(): Promise<{ stored: number; retrying: number; foreign: string[] }>;
}

/** A request's rows queued in a table's batch: `answered` once logged, else once `stored`. */
type AppendedPart = QueuedPart & { answered: Promise<InsertOutcome> };

export function createPipeline(
  store: Pick<Store, 'insertRowBinary'>,
  opts: PipelineOptions,
  metrics: CollectorMetrics,
): Pipeline {
  const queues = new Map<TableName, TableQueue>();
  let queuedBytes = 0;
  let queuedRows = 0;
  /** Rows of the inserts in flight, every table's: how busy the engine is. */
  let inflightRows = 0;
  let closing = false;
  const idle = new Set<() => void>();
  /** Acknowledged rows waiting to be tried again, by their timer. */
  const retrying = new Map<NodeJS.Timeout, { q: TableQueue; batch: Batch }>();

  const queueOf = (table: TableName): TableQueue => {
    let q = queues.get(table);
    if (!q) {
      q = { open: null, sealed: [], inflight: 0, timer: null, linger: null, lingerRows: 0, loggedRows: 0 };
      queues.set(table, q);
    }
    return q;
  };

  /** The gauge of a table's rows held in the log, after they changed. */
  const showLogged = (table: TableName): void => {
    metrics.writeAheadRows.labels(table).set(queueOf(table).loggedRows);
  };
  const deferred = opts.writeAhead && createDeferredLogging(opts.writeAhead, queueOf, showLogged);

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
      batch.started = true;
      q.inflight++;
      inflightRows += batch.rows;
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
    // Rows acknowledged once logged are kept queued when the insert fails, and tried again.
    const kept = outcome.status === 'success' || closing ? [] : await acknowledged(batch.logged);
    const keptRetained = kept.reduce((n, c) => n + c.retained, 0);
    const keptRows = kept.reduce((n, c) => n + c.rows, 0);
    queuedBytes -= batch.retained - keptRetained;
    queuedRows -= batch.rows - keptRows;
    metrics.queueBytes.set(queuedBytes);
    metrics.queueRows.set(queuedRows);
    for (const w of batch.waiters) w(outcome);
    const loggedRows = batch.logged.reduce((n, c) => n + c.rows, 0);
    q.loggedRows -= loggedRows - keptRows;
    showLogged(table);
    deferred?.release();
    if (outcome.status === 'success' && opts.writeAhead && batch.logged.length > 0)
      batch.forgotten = forget(opts.writeAhead.log, batch.logged);
    if (kept.length > 0 && outcome.status !== 'success') {
      opts.writeAhead?.onFailure?.(table, keptRows, outcome.error);
      retryLater(table, q, kept, outcome.status === 'retryable' ? outcome.retryInMillis : 1000);
    }
    q.inflight--;
    inflightRows -= batch.rows;
    // With acknowledgement after storage, the senders of this batch wait for it, and the next batch
    // holds only the others: inserts would stay at half of what is in flight. Waiting a moment lets
    // the acknowledged senders' next requests join it, for fewer and larger inserts (an insert's cost
    // is mostly fixed); a full batch is sealed at once, and nothing waits when the insert failed
    // (its senders retry later). Often nothing is open yet, every sender having waited for this
    // insert: the batch they open is then stored once they are back, not at its flush interval
    // (bench/ingest, logs: 26.7 ms from one insert to the next instead of 55.6). Senders answered
    // once logged are not waiting for this insert: only the others' rows are waited for.
    const waited = batch.rows - loggedRows;
    const lingers = opts.lingerMs > 0 && outcome.status === 'success' && !closing && waited > 0;
    if (lingers && q.sealed.length === 0) {
      q.lingerRows = (q.open?.rows ?? 0) + waited;
      if (q.linger) clearTimeout(q.linger); // with several inserts in flight, the latest one's linger counts
      q.linger = setTimeout(() => endLinger(table, q), opts.lingerMs);
      q.linger.unref();
      return;
    }
    pump(table);
  }

  /** Acknowledged rows whose insert failed: stored again after `ms`, ahead of newer batches. */
  const retryLater = (table: TableName, q: TableQueue, logged: LoggedChunk[], ms: number): void => {
    const again = loggedBatch(logged);
    const timer = setTimeout(() => {
      retrying.delete(timer);
      q.sealed.unshift(again);
      pump(table);
    }, ms);
    retrying.set(timer, { q, batch: again });
  };

  const endLinger = (table: TableName, q: TableQueue): void => {
    if (q.linger) clearTimeout(q.linger);
    q.linger = null;
    pump(table);
  };

  // The request's writer is not written again, so its bytes are queued as they are (no copy), and
  // the insert writes them so.
  const append = (table: TableName, w: RowBinaryWriter, logs: boolean, dedupToken?: string): AppendedPart => {
    const q = queueOf(table);
    if (dedupToken !== undefined) {
      // Alone, so a retry of the same request is the same block under the same token.
      const own = batchOf(w, `${dedupToken}-${table}`);
      const stored = new Promise<InsertOutcome>((resolve) => own.waiters.push(resolve));
      q.sealed.push(own);
      pump(table);
      return { table, w, chunk: own.chunks[0] as Buffer, batch: own, stored, answered: stored };
    }
    if (!q.open) {
      const opened = emptyBatch();
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
    const chunk = w.bytes();
    b.chunks.push(chunk);
    b.bytes += w.pos;
    b.retained += w.buf.length;
    b.rows += w.rows;
    const stored = new Promise<InsertOutcome>((resolve) => b.waiters.push(resolve));
    let answered = stored;
    const ahead = opts.writeAhead;
    if (ahead && logs) {
      // The engine is busy with this request's table (or another it writes): rather than wait for
      // that insert and then its own, the sender is answered once its rows are logged, and sends
      // its next request meanwhile.
      answered = logQueued(ahead.log, q, { table, w, chunk, batch: b, stored });
      showLogged(table);
    }
    if (b.rows >= opts.batchRows || b.bytes >= opts.batchBytes) seal(q);
    if (q.linger && b.rows >= q.lingerRows) {
      // As many rows again as the insert stored: the acknowledged senders are back, so waiting for
      // the flush interval would only idle the engine.
      seal(q);
      endLinger(table, q);
    } else pump(table);
    return { table, w, chunk, batch: b, stored, answered };
  };

  return {
    queuedBytes: () => queuedBytes,
    async submit(rows, dedupToken) {
      if (closing) return refusal('shutting-down', 'the server is shutting down');
      const size = rows.retained;
      if (size === 0) return { status: 'success' };
      if (queuedBytes + size > opts.maxQueueBytes)
        return refusal('overloaded', `the store is behind: ${queuedBytes} bytes wait to be written`);
      const parts: AppendedPart[] = [];
      const logs =
        dedupToken === undefined && opts.writeAhead
          ? whenLogged(rows, opts.writeAhead, queueOf, inflightRows, opts.maxInflightPerTable)
          : 'never';
      for (const [table, w] of rows.writers) {
        if (w.rows === 0) continue;
        queuedBytes += w.buf.length;
        queuedRows += w.rows;
        parts.push(append(table, w, logs === 'now', dedupToken));
      }
      metrics.queueBytes.set(queuedBytes);
      metrics.queueRows.set(queuedRows);
      if (logs === 'later' && deferred) return deferred.defer(parts);
      return requestOutcome(await Promise.all(parts.map((p) => p.answered)));
    },
    async recover() {
      const log = opts.writeAhead?.log;
      if (!log) return { stored: 0, retrying: 0, foreign: [] };
      const { entries, foreign } = log.leftovers();
      const inserts: Array<Promise<{ batch: Batch; outcome: InsertOutcome }>> = [];
      for (const { table, batch } of await leftoverBatches(log, entries, opts.batchRows)) {
        const q = queueOf(table);
        q.loggedRows += batch.rows;
        queuedBytes += batch.retained;
        queuedRows += batch.rows;
        inserts.push(new Promise((resolve) => batch.waiters.push((outcome) => resolve({ batch, outcome }))));
        q.sealed.push(batch);
        pump(table);
      }
      const results = await Promise.all(inserts);
      const stored = results.filter((r) => r.outcome.status === 'success').map((r) => r.batch);
      await Promise.all(stored.map((b) => b.forgotten)); // before the server takes requests
      const rows = (batches: Batch[]) => batches.reduce((n, b) => n + b.rows, 0);
      return { stored: rows(stored), retrying: rows(results.map((r) => r.batch)) - rows(stored), foreign };
    },
    async drain() {
      closing = true;
      for (const [timer, { q, batch }] of retrying) {
        clearTimeout(timer);
        q.sealed.unshift(batch);
      }
      retrying.clear();
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
