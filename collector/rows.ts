import { RowBinaryWriter, type TableName } from '../store/index.js';
import { DecodeContext } from './decode-context.js';

/**
 * The rows one request decoded into, per table, kept apart from the shared batches until the
 * whole body decoded, so a body that turns out malformed half-way leaves nothing behind.
 */
/**
 * Rows can be far larger than the request (resource attributes are copied into every row): a
 * 1 KB gzip body can ask for a gigabyte. Decoding stops once the rows pass the request's bound.
 */
export class RequestTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(
      `the request decodes to more than ${limit} bytes of rows (resource attributes are copied into every item): ` +
        'send fewer items per request, or smaller attributes',
    );
    this.name = 'RequestTooLargeError';
  }
}

export type RejectReason = 'invalid-item' | 'older-than-retention';

const NANOS_PER_DAY = 86400e9;

/** Nanoseconds since the epoch from the two halves of a fixed64 (exact to well under a second). */
export const nanosOf = (lo: number, hi: number): number => hi * 4294967296 + lo;

export class RequestRows {
  readonly writers = new Map<TableName, RowBinaryWriter>();
  accepted = 0;
  rejected = 0;
  firstError: string | null = null;
  /** Rejected items by reason (each a self-metric label). */
  readonly rejectedBy = new Map<RejectReason, number>();

  /**
   * `maxBytes`: the most row bytes this request may decode to. `oldestNanos`: items older than
   * this would be dropped by the table's TTL at once; they are rejected and said so instead.
   */
  constructor(
    readonly maxBytes = Number.POSITIVE_INFINITY,
    readonly oldestNanos = Number.NEGATIVE_INFINITY,
    /** The decode's own state (limits, the current item's problem); one per request. */
    readonly ctx = new DecodeContext(),
  ) {}

  /** `expectBytes`: what the rows will likely take (sized up front, so the writer seldom grows and copies). */
  writer(table: TableName, expectBytes = 16 * 1024): RowBinaryWriter {
    let w = this.writers.get(table);
    if (!w) {
      w = new RowBinaryWriter(Math.min(Math.max(expectBytes, 1024), this.maxBytes, 64 * 2 ** 20));
      this.writers.set(table, w);
    }
    return w;
  }

  /** Writes the item just decoded (of time `atNanos`), or rejects it for the problem found while decoding it. */
  keep(write: () => void, atNanos: number): void {
    if (this.ctx.problem !== null) this.reject(this.ctx.problem);
    else if (atNanos < this.oldestNanos) {
      const days = Math.round((this.oldestNanos - atNanos) / NANOS_PER_DAY);
      this.reject(
        atNanos === 0
          ? 'the item has no timestamp (it would be stored at 1970 and dropped by retention at once)'
          : `the item's time ${new Date(atNanos / 1e6).toISOString()} is older than the retention (by ${days} days): it would be dropped at once`,
        'older-than-retention',
      );
    } else {
      write();
      this.accepted++;
      if (this.decodedBytes() > this.maxBytes) throw new RequestTooLargeError(this.maxBytes);
    }
  }

  /** Row bytes written so far. */
  decodedBytes(): number {
    let n = 0;
    for (const w of this.writers.values()) n += w.pos;
    return n;
  }

  reject(message: string, reason: RejectReason = 'invalid-item'): void {
    this.rejected++;
    this.rejectedBy.set(reason, (this.rejectedBy.get(reason) ?? 0) + 1);
    if (this.firstError === null) this.firstError = message;
  }

  /** Memory the rows hold until stored: their writers' buffers. */
  get retained(): number {
    let n = 0;
    for (const w of this.writers.values()) if (w.rows > 0) n += w.buf.length;
    return n;
  }
}

export type Signal = 'traces' | 'metrics' | 'logs';
