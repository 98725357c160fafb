// Attribute lists as the row writers take them, whatever the receiver: key/value pairs kept as
// byte views until they are written as a ClickHouse Map(String, String).
import { EMPTY_MAP, RowBinaryWriter, type Str } from '../store/index.js';
import type { DecodeContext } from './decode-context.js';

/**
 * A reusable list of key/value pairs for the item being decoded. A key or value that is a slice of
 * the body being decoded (the protobuf path's strings) is kept as its offset and length in that body
 * rather than as a view: a span has a dozen, and making a view object for each cost more than the
 * rest of reading them.
 */
export class AttrList {
  /** A key or value given as a Str; null where the slice arrays hold it. */
  keys: (Str | null)[] = [];
  vals: (Str | null)[] = [];
  keyAt: number[] = [];
  keyLen: number[] = [];
  valAt: number[] = [];
  valLen: number[] = [];
  /** The body the slices are of. */
  src: Uint8Array = EMPTY_MAP;
  n = 0;
  constructor(readonly ctx: DecodeContext) {}
  reset(): void {
    this.n = 0;
  }
  private room(): boolean {
    if (this.n < this.ctx.limits.maxAttributes) return true;
    this.ctx.note(`more than ${this.ctx.limits.maxAttributes} attributes on one item`);
    return false;
  }
  push(k: Str, v: Str): void {
    if (!this.room()) return;
    this.keys[this.n] = k;
    this.vals[this.n] = v;
    this.n++;
  }
  /** A key that is a slice of `src`, and a value that is one too (`v` null) or given as a Str. */
  pushSlice(src: Uint8Array, keyAt: number, keyLen: number, v: Str | null, valAt: number, valLen: number): void {
    if (!this.room()) return;
    const i = this.n++;
    this.src = src;
    this.keys[i] = null;
    this.keyAt[i] = keyAt;
    this.keyLen[i] = keyLen;
    this.vals[i] = v;
    this.valAt[i] = valAt;
    this.valLen[i] = valLen;
  }
  writeMap(w: RowBinaryWriter): void {
    w.varint(this.n);
    for (let i = 0; i < this.n; i++) {
      const k = this.keys[i]!;
      if (k === null) w.strSlice(this.src, this.keyAt[i]!, this.keyLen[i]!);
      else w.str(k);
      const v = this.vals[i]!;
      if (v === null) w.strSlice(this.src, this.valAt[i]!, this.valLen[i]!);
      else w.str(v);
    }
  }
  encode(): Buffer {
    if (this.n === 0) return EMPTY_MAP;
    const w = new RowBinaryWriter(64 + this.n * 32);
    this.writeMap(w);
    return Buffer.from(w.bytes());
  }
  get(key: string): Str | undefined {
    for (let i = 0; i < this.n; i++) {
      const k = this.keys[i]!;
      if (k === null ? this.sliceIs(this.keyAt[i]!, this.keyLen[i]!, key) : sameText(k, key)) {
        const v = this.vals[i]!;
        if (v !== null) return v;
        const at = this.valAt[i]!;
        return this.src.subarray(at, at + this.valLen[i]!);
      }
    }
    return undefined;
  }
  private sliceIs(at: number, len: number, key: string): boolean {
    if (len !== key.length) return false;
    for (let j = 0; j < len; j++) if (this.src[at + j] !== key.charCodeAt(j)) return false;
    return true;
  }
}

/** A Str against an ASCII key. */
function sameText(k: Str, key: string): boolean {
  return typeof k === 'string' ? k === key : k.length === key.length && toBuffer(k).toString('latin1') === key;
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
