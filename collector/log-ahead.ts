// When a request is answered from the write-ahead log rather than after its insert (pipeline.ts).
// Requests that found the log full while the engine was busy are logged, and answered, as soon as
// an insert ends and frees the room, unless their own insert has started by then. Waiting for their
// insert instead would hold every sender until the batch after the one queued behind the running
// insert: none would send while that queued batch is stored, and the engine would then store the
// senders' next requests in a small insert of their own, after a pause (bench/ingest, traces: one
// insert in six or seven was such a 16k-row one, after 30-80 ms idle).
import type { InsertOutcome, RowBinaryWriter, TableName } from '../store/index.js';
import { type Batch, type SubmitOutcome, type TableQueue, logAhead, requestOutcome } from './batches.js';
import type { RequestRows } from './rows.js';
import type { WriteAheadLog } from './write-ahead-log.js';

/**
 * Whether a request is answered once logged: one of its tables is busy under a heavy load (its
 * insert runs while the running inserts, every table's, hold `fromRows`, or the batch after an
 * insert of that many waits for its senders), and every table it writes has room in the log (else
 * it is logged once they have: 'later'). All of its tables or none: a request answered for one
 * table and failed for another would be sent again whole, and the logged table's rows stored twice.
 */
export function whenLogged(
  rows: RequestRows,
  ahead: { maxRows: number; fromRows: number },
  queueOf: (table: TableName) => TableQueue,
  inflightRows: number,
  maxInflightPerTable: number,
): 'now' | 'later' | 'never' {
  const heavy = inflightRows >= ahead.fromRows;
  let busy = false;
  let room = true;
  for (const [table, w] of rows.writers) {
    if (w.rows === 0) continue;
    const q = queueOf(table);
    if (w.rows > ahead.maxRows) return 'never';
    if (q.loggedRows + w.rows > ahead.maxRows) room = false;
    if (heavy && q.inflight >= maxInflightPerTable) busy = true;
    // Every sender waited for that insert, so none sends while the next one runs: unless they are
    // answered now, they all join the next batch and wait for it again, in lockstep, and nothing
    // is ever logged (bench/ingest, logs: 16k-row inserts, as many as the senders hold, each after
    // a 20-80 ms pause in which the engine idled).
    if (q.linger && q.lingerRows >= ahead.fromRows) busy = true;
  }
  return !busy ? 'never' : room ? 'now' : 'later';
}

/** A request's rows in one table's batch, not logged: answered by that batch's insert unless logged first. */
export interface QueuedPart {
  table: TableName;
  w: RowBinaryWriter;
  chunk: Buffer;
  batch: Batch;
  stored: Promise<InsertOutcome>;
}

/** Logs a request's rows queued in `p.batch`: answered once written (or, when that fails, once stored). */
export function logQueued(log: WriteAheadLog, q: TableQueue, p: QueuedPart): Promise<InsertOutcome> {
  const { logged, answered } = logAhead(log, p.table, p.w, p.chunk, p.stored);
  p.batch.logged.push(logged);
  q.loggedRows += p.w.rows;
  return answered;
}

interface Deferred {
  parts: QueuedPart[];
  answer: (outcome: SubmitOutcome) => void;
  /** Once logged, its rows are kept through a failed insert: the insert's outcome no longer answers it. */
  logged: boolean;
}

export interface DeferredLogging {
  /** The request's answer: its inserts' outcome, or success once it is logged (whichever comes first). */
  defer(parts: QueuedPart[]): Promise<SubmitOutcome>;
  /** An insert ended (the log has room again, or a batch started): logs what now fits, oldest first. */
  release(): void;
}

export function createDeferredLogging(
  ahead: { log: WriteAheadLog; maxRows: number },
  queueOf: (table: TableName) => TableQueue,
  onLogged: (table: TableName) => void,
): DeferredLogging {
  const waiting: Deferred[] = [];
  const fits = (p: QueuedPart): boolean => queueOf(p.table).loggedRows + p.w.rows <= ahead.maxRows;

  return {
    defer(parts) {
      const stored = Promise.all(parts.map((p) => p.stored)).then(requestOutcome);
      return new Promise<SubmitOutcome>((answer) => {
        const deferred: Deferred = { parts, answer, logged: false };
        waiting.push(deferred);
        void stored.then((outcome) => {
          if (!deferred.logged) answer(outcome);
        });
      });
    },
    release() {
      while (waiting.length > 0) {
        const next = waiting[0] as Deferred;
        // Its insert runs (or ran): that answers it, and its rows are no longer the log's to keep.
        if (next.parts.some((p) => p.batch.started)) {
          waiting.shift();
          continue;
        }
        if (!next.parts.every(fits)) return; // oldest first: a later, smaller request does not pass it
        waiting.shift();
        next.logged = true;
        const answers = next.parts.map((p) => {
          const answered = logQueued(ahead.log, queueOf(p.table), p);
          onLogged(p.table);
          return answered;
        });
        void Promise.all(answers).then((outcomes) => next.answer(requestOutcome(outcomes)));
      }
    },
  };
}
