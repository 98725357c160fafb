// Attribute lists as the row writers take them, whatever the receiver: key/value pairs kept as
// byte views until they are written as a ClickHouse Map(String, String).
import { EMPTY_MAP, RowBinaryWriter, encodeStringMap, type Str } from '../store/index.js';
import type { DecodeContext } from './decode-context.js';

/** A reusable list of key/value pairs for the item being decoded. */
export class AttrList {
  keys: Str[] = [];
  vals: Str[] = [];
  n = 0;
  constructor(readonly ctx: DecodeContext) {}
  reset(): void {
    this.n = 0;
  }
  push(k: Str, v: Str): void {
    if (this.n >= this.ctx.limits.maxAttributes) {
      this.ctx.note(`more than ${this.ctx.limits.maxAttributes} attributes on one item`);
      return;
    }
    this.keys[this.n] = k;
    this.vals[this.n] = v;
    this.n++;
  }
  writeMap(w: RowBinaryWriter): void {
    w.varint(this.n);
    for (let i = 0; i < this.n; i++) {
      w.str(this.keys[i]!);
      w.str(this.vals[i]!);
    }
  }
  encode(): Buffer {
    return this.n === 0 ? EMPTY_MAP : encodeStringMap(this.keys, this.vals, this.n);
  }
  get(key: string): Str | undefined {
    for (let i = 0; i < this.n; i++) {
      const k = this.keys[i]!;
      if (typeof k === 'string' ? k === key : k.length === key.length && toBuffer(k).toString('latin1') === key)
        return this.vals[i];
    }
    return undefined;
  }
}

/** Encodes the columns a resource and scope give every row, once per scope. */
export function encodeOnce(write: (w: RowBinaryWriter) => void): Buffer {
  const w = new RowBinaryWriter(256);
  write(w);
  return Buffer.from(w.bytes());
}

/** A Uint8Array as a Buffer, without copying. */
export function toBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
}
