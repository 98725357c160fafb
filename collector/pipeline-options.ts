// How the collector's pipeline batches, bounds and stores what it is given (pipeline.ts).
import type { TableName } from '../store/index.js';
import type { WriteAheadLog } from './write-ahead-log.js';

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
  /**
   * While a table's insert runs, a request is acknowledged once its rows are written to this log
   * (at most `maxRows` of a table so), and stored with the rows that come meanwhile: inserts then
   * grow with the load instead of staying at what senders hold in flight. Absent: every request
   * waits for its insert.
   */
  writeAhead?: {
    log: WriteAheadLog;
    maxRows: number;
    /**
     * Only while the running inserts (every table's) hold this many rows: under a lighter load an
     * insert is short, and a request answered after its own is readable at once.
     */
    fromRows: number;
    /** Told when an insert holding logged rows fails: they stay queued and are tried again. */
    onFailure?: (table: TableName, rows: number, error: string) => void;
  };
}
