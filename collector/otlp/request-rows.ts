import { RowBinaryWriter, type TableName } from '../../store/index.js';
import { itemProblem } from './wire.js';

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
    super(`the request decodes to more than ${limit} bytes of rows (resource attributes are copied into every item): `
      + 'send fewer items per request, or smaller attributes');
    this.name = 'RequestTooLargeError';
  }
}

export class RequestRows {
  readonly writers = new Map<TableName, RowBinaryWriter>();
  accepted = 0;
  rejected = 0;
  firstError: string | null = null;

  /** `maxBytes`: the most row bytes this request may decode to. */
  constructor(readonly maxBytes = Number.POSITIVE_INFINITY) {}

  writer(table: TableName): RowBinaryWriter {
    let w = this.writers.get(table);
    if (!w) {
      w = new RowBinaryWriter(16 * 1024);
      this.writers.set(table, w);
    }
    return w;
  }

  /** Writes the item just decoded, or rejects it for the problem found while decoding it. */
  keep(write: () => void): void {
    if (itemProblem.message !== null) this.reject(itemProblem.message);
    else {
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

  reject(message: string): void {
    this.rejected++;
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
export type Encoding = 'protobuf' | 'json';
export type Decoder = (body: Buffer, namespace: string, out: RequestRows) => void;
