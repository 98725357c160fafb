// A table's queue of batches, and what the pipeline makes of its inserts' outcomes: the pieces of
// collector/pipeline.ts that hold no state of their own.
import {
  type InsertOutcome,
  PROBLEM_TEXT,
  type RowBinaryWriter,
  type StoreProblem,
  type TableName,
} from '../store/index.js';
import type { LoggedEntry, WriteAheadLog } from './write-ahead-log.js';

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

export interface Batch {
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
  /** Requests acknowledged once logged: their rows are stored whatever becomes of this insert. */
  logged: LoggedChunk[];
  /** Its insert began: a request of it waiting for room in the log is no longer logged (log-ahead.ts). */
  started?: boolean;
  /** Stored: their files are being removed (it never fails). */
  forgotten?: Promise<void>;
}

export interface LoggedChunk {
  chunk: Buffer;
  bytes: number;
  retained: number;
  rows: number;
  /** Its file, once written (null: it could not be, and its sender waits for the insert instead). */
  entry: Promise<LoggedEntry | null>;
}

export const SUCCESS: InsertOutcome = { status: 'success' };

export interface TableQueue {
  open: Batch | null;
  sealed: Batch[];
  inflight: number;
  timer: NodeJS.Timeout | null;
  /** An insert just ended: the open batch waits, at most the linger, for the senders it acknowledged… */
  linger: NodeJS.Timeout | null;
  /** …until it holds this many rows (its own when the insert ended, and as many as the insert stored). */
  lingerRows: number;
  /** Rows acknowledged once logged and not stored yet. */
  loggedRows: number;
}

/** The logged chunks whose senders were told they are kept (the others' senders got the outcome). */
export async function acknowledged(logged: readonly LoggedChunk[]): Promise<LoggedChunk[]> {
  const entries = await Promise.all(logged.map((c) => c.entry));
  return logged.filter((_, i) => entries[i] !== null);
}

export const emptyBatch = (): Batch => ({
  chunks: [],
  bytes: 0,
  retained: 0,
  rows: 0,
  due: false,
  waiters: [],
  logged: [],
});

/** One request's rows as a batch of their own, inserted under `dedupToken` (a retry is the same block). */
export const batchOf = (w: RowBinaryWriter, dedupToken: string): Batch => ({
  chunks: [w.bytes()],
  bytes: w.pos,
  retained: w.buf.length,
  rows: w.rows,
  due: true,
  waiters: [],
  logged: [],
  dedupToken,
});

/** Writes a request's rows to the log: answered once written (or, when that fails, once `stored`). */
export function logAhead(
  log: WriteAheadLog,
  table: TableName,
  w: RowBinaryWriter,
  chunk: Buffer,
  stored: Promise<InsertOutcome>,
): { logged: LoggedChunk; answered: Promise<InsertOutcome> } {
  const entry = log.write(table, w.rows, chunk);
  const logged: LoggedChunk = { chunk, bytes: w.pos, retained: w.buf.length, rows: w.rows, entry };
  const answered = entry.then((e) => (e ? SUCCESS : stored));
  return { logged, answered };
}

/** Stored: the log forgets them. */
export async function forget(log: WriteAheadLog, logged: readonly LoggedChunk[]): Promise<void> {
  const entries = await Promise.all(logged.map((c) => c.entry));
  await log.remove(entries.filter((e): e is LoggedEntry => e !== null));
}

export const loggedBatch = (logged: LoggedChunk[]): Batch => ({
  chunks: logged.map((c) => c.chunk),
  bytes: logged.reduce((n, c) => n + c.bytes, 0),
  retained: logged.reduce((n, c) => n + c.retained, 0),
  rows: logged.reduce((n, c) => n + c.rows, 0),
  due: true,
  waiters: [],
  logged,
});

/** What an earlier run logged, read back and grouped into batches of a table, at most `batchRows` each. */
export async function leftoverBatches(
  log: WriteAheadLog,
  entries: readonly LoggedEntry[],
  batchRows: number,
): Promise<Array<{ table: TableName; batch: Batch }>> {
  const batches: Array<{ table: TableName; batch: Batch }> = [];
  let pending: LoggedChunk[] = [];
  let rows = 0;
  for (const [i, entry] of entries.entries()) {
    const chunk = await log.read(entry);
    pending.push({
      chunk,
      bytes: chunk.length,
      retained: chunk.length,
      rows: entry.rows,
      entry: Promise.resolve(entry),
    });
    rows += entry.rows;
    if (entries[i + 1]?.table !== entry.table || rows >= batchRows) {
      batches.push({ table: entry.table, batch: loggedBatch(pending) });
      pending = [];
      rows = 0;
    }
  }
  return batches;
}

/** A request turned away before anything of it is queued: it may be sent again in a second. */
export const refusal = (reason: 'overloaded' | 'shutting-down', message: string): SubmitOutcome => ({
  status: 'retryable',
  retryInMillis: 1000,
  reason,
  message,
});

/** A request's answer from its tables' outcomes: refused if one refused it, retryable if one failed so. */
export function requestOutcome(outcomes: readonly InsertOutcome[]): SubmitOutcome {
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
}
