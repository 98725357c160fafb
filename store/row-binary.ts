// A growable RowBinary encoder. Strings are accepted as JS strings (JSON input) or as raw
// UTF-8 byte slices (protobuf input, copied without decoding), so the proto path never
// builds a JS string for a span name or an attribute value.

export type Str = string | Uint8Array;

const HEX = Buffer.from('0123456789abcdef');
const TWO_32 = 4294967296;

export class RowBinaryWriter {
  buf: Buffer;
  pos = 0;
  rows = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** A writer over rows already encoded elsewhere (another thread): `pos` bytes, `rows` rows. */
  static over(buf: Buffer, pos: number, rows: number): RowBinaryWriter {
    const w = new RowBinaryWriter(0);
    w.buf = buf;
    w.pos = pos;
    w.rows = rows;
    return w;
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** The encoded bytes so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v | 0, this.pos);
    this.pos += 4;
  }

  /** A 64-bit integer given as its low and high 32-bit halves (two's complement for Int64). */
  u64parts(lo: number, hi: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** A non-negative integer below 2^53 as UInt64. */
  u64(v: number): void {
    const n = v > 0 ? Math.floor(v) : 0;
    this.u64parts(n % TWO_32, Math.floor(n / TWO_32));
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  varint(v: number): void {
    this.ensure(10);
    let n = v;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  str(v: Str): void {
    if (typeof v === 'string') {
      // Reserve the worst case, write, then place the length prefix.
      const max = v.length * 3;
      this.ensure(max + 10);
      if (v.length < 43) {
        // length < 128 bytes guaranteed: one-byte varint. Short ASCII text (numbers as text, names)
        // is copied in a loop, cheaper than a call to write() for a few bytes.
        if (v.length < 24 && this.ascii(v)) return;
        const n = this.buf.write(v, this.pos + 1, 'utf8');
        this.buf[this.pos] = n;
        this.pos += 1 + n;
        return;
      }
      const n = Buffer.byteLength(v, 'utf8');
      this.varint(n);
      this.pos += this.buf.write(v, this.pos, 'utf8');
      return;
    }
    this.strSlice(v, 0, v.length);
  }

  /** Writes `v` as a String if it is all ASCII (and less than 128 characters); false if not, having written nothing. */
  private ascii(v: string): boolean {
    const b = this.buf;
    const start = this.pos + 1;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c > 0x7f) return false;
      b[start + i] = c;
    }
    b[this.pos] = v.length;
    this.pos = start + v.length;
    return true;
  }

  /** A String from `len` bytes of `src` at `at`, copied as they are. */
  strSlice(src: Uint8Array, at: number, len: number): void {
    this.varint(len);
    this.ensure(len);
    const b = this.buf;
    let p = this.pos;
    // Most strings in telemetry are short, and a loop copies those faster than a call to set().
    if (len < 48) for (let i = at, end = at + len; i < end; i++) b[p++] = src[i]!;
    else {
      b.set(src.subarray(at, at + len), p);
      p += len;
    }
    this.pos = p;
  }

  /** Bytes written as a lowercase hex String (trace and span ids). */
  hex(v: Uint8Array): void {
    this.varint(v.length * 2);
    this.ensure(v.length * 2);
    for (let i = 0; i < v.length; i++) {
      const b = v[i]!;
      this.buf[this.pos++] = HEX[b >> 4]!;
      this.buf[this.pos++] = HEX[b & 15]!;
    }
  }

  /** Raw, already encoded RowBinary (a pre-encoded map shared by many rows). */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
}

/** Encodes a Map(String, String) value once, for reuse across rows. */
export function encodeStringMap(keys: readonly Str[], values: readonly Str[], count = keys.length): Buffer {
  const w = new RowBinaryWriter(64 + count * 32);
  w.varint(count);
  for (let i = 0; i < count; i++) {
    w.str(keys[i]!);
    w.str(values[i]!);
  }
  return Buffer.from(w.bytes());
}

export const EMPTY_MAP: Buffer = Buffer.from([0]);
