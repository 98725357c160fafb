// Thin helpers over protobufjs's Reader for decoding OTLP straight into row buffers: no
// generated classes and no object per span. Field numbers follow opentelemetry-proto v1.
import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs/minimal.js';
import { toBuffer } from '../../attr-list.js';
import { DecodeContext, MalformedInputError } from '../../decode-context.js';

export { DecodeContext, MalformedInputError, toBuffer };
export { durationNanos, isZeroId, writeId, type Id } from '../../tables/ids.js';

/** protobufjs's Reader, carrying the decode's context to every helper that reads with it. */
export type Reader = protobuf.Reader & { ctx: DecodeContext };

export function createReader(buf: Uint8Array, ctx: DecodeContext): Reader {
  const r = protobuf.Reader.create(buf) as Reader;
  r.ctx = ctx;
  return r;
}

/** Reads a length prefix and returns where the embedded message (or string, or bytes) ends. */
export function messageEnd(r: Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len)
    throw new MalformedInputError(`truncated field: ${len} bytes announced at offset ${r.pos}, ${r.len - r.pos} left`);
  return end;
}

/** Skips a field of the given wire type, refusing what protobuf never produces. */
export function skipField(r: Reader, wireType: number): void {
  if (wireType === 6 || wireType === 7)
    throw new MalformedInputError(`invalid wire type ${wireType} at offset ${r.pos}`);
  r.skipType(wireType);
}

/** Reads a fixed64 into `r.ctx.u64`. */
export function readFixed64(r: Reader): void {
  if (r.pos + 8 > r.len) throw new MalformedInputError(`truncated fixed64 at offset ${r.pos}`);
  const b = r.buf;
  const p = r.pos;
  const u64 = r.ctx.u64;
  u64.lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  u64.hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
  r.pos = p + 8;
}

export function readFixed64Number(r: Reader): number {
  readFixed64(r);
  return r.ctx.u64.hi * 4294967296 + r.ctx.u64.lo;
}

/**
 * A length-delimited field as a view of the body. A plain Uint8Array, not the Buffer protobufjs's
 * `bytes()` makes: a span has a dozen such fields and the Buffer wrapper costs several times more
 * to make (measured: a fifth of the decode's time with its garbage).
 */
export function readView(r: Reader): Uint8Array {
  const end = messageEnd(r);
  const start = r.pos;
  const len = end - start;
  r.pos = end;
  return new Uint8Array(r.buf.buffer, r.buf.byteOffset + start, len);
}

/**
 * Whether bytes are valid UTF-8. Most strings in telemetry are short and ASCII, which a loop here
 * tells faster than a call into `isUtf8` (a native call per string); anything else goes there.
 */
function validUtf8(v: Uint8Array, at = 0, len = v.length): boolean {
  if (len > 64) return isUtf8(v.subarray(at, at + len));
  for (let i = at, end = at + len; i < end; i++) if (v[i]! > 0x7f) return isUtf8(v.subarray(at, at + len));
  return true;
}

/**
 * A UTF-8 string field read in place, checked for validity: returns its length, and it starts at
 * `r.pos` minus that length (no view is made; see AttrList.pushSlice).
 */
export function readStringSlice(r: Reader, field: string): number {
  const end = messageEnd(r);
  const start = r.pos;
  const len = end - start;
  r.pos = end;
  if (!validUtf8(r.buf, start, len)) r.ctx.note(`invalid UTF-8 in ${field}`);
  return len;
}

/**
 * An int64 varint as decimal text, without the Long object protobufjs's `int64()` makes (its
 * arithmetic was a tenth of the decode's time with integer attributes on every span).
 */
export function readInt64Text(r: Reader): string {
  const b = r.buf;
  const len = r.len;
  let p = r.pos;
  let lo = 0;
  let byte = 0;
  for (let i = 0; i < 4; i++) {
    if (p >= len) throw new MalformedInputError(`truncated varint at offset ${p}`);
    byte = b[p++]!;
    lo = (lo | ((byte & 0x7f) << (i * 7))) >>> 0;
    if (byte < 0x80) {
      r.pos = p;
      return String(lo);
    }
  }
  if (p >= len) throw new MalformedInputError(`truncated varint at offset ${p}`);
  byte = b[p++]!;
  lo = (lo | ((byte & 0x7f) << 28)) >>> 0;
  let hi = (byte & 0x7f) >> 4;
  for (let i = 0; byte >= 0x80; i++) {
    if (i === 5) throw new MalformedInputError(`a varint longer than 10 bytes at offset ${r.pos}`);
    if (p >= len) throw new MalformedInputError(`truncated varint at offset ${p}`);
    byte = b[p++]!;
    hi = (hi | ((byte & 0x7f) << (i * 7 + 3))) >>> 0;
  }
  r.pos = p;
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** A UTF-8 string field as a view of its bytes (no decoding), checked for validity. */
export function readUtf8(r: Reader, field: string): Uint8Array {
  const bytes = readView(r);
  if (!validUtf8(bytes)) r.ctx.note(`invalid UTF-8 in ${field}`);
  return bytes;
}

/** A trace or span id: raw bytes of the given length, or empty. */
export function readId(r: Reader, bytes: number, field: string): Uint8Array {
  const v = readView(r);
  if (v.length !== bytes && v.length !== 0) r.ctx.note(`${field} must be ${bytes} bytes, got ${v.length}`);
  return v;
}

const NO_ID = new Uint8Array(0);

/**
 * A trace or span id copied into `into` (the decode's own, reused for every item, which is written
 * before the next is read), or an empty id: no view is made for the few ids of every span.
 */
export function readIdInto(r: Reader, into: Uint8Array, field: string): Uint8Array {
  const end = messageEnd(r);
  const start = r.pos;
  const len = end - start;
  r.pos = end;
  if (len === into.length) {
    const b = r.buf;
    for (let i = 0; i < len; i++) into[i] = b[start + i]!;
    return into;
  }
  if (len !== 0) r.ctx.note(`${field} must be ${into.length} bytes, got ${len}`);
  return NO_ID;
}

export function readUtf8String(r: Reader, field: string): string {
  const bytes = readUtf8(r, field);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/** Nanoseconds given as a JSON string or number, split into 32-bit halves (into `ctx.u64`). */
export function nanosFromJson(ctx: DecodeContext, v: unknown, field: string): void {
  const u64 = ctx.u64;
  if (v === undefined || v === null || v === '' || v === 0) {
    u64.lo = 0;
    u64.hi = 0;
    return;
  }
  let n: bigint;
  try {
    n = BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
  } catch {
    throw new MalformedInputError(`${field} is not an integer: ${JSON.stringify(v).slice(0, 40)}`);
  }
  if (n < 0n || n >= 1n << 64n) throw new MalformedInputError(`${field} is out of range`);
  u64.lo = Number(n & 0xffffffffn);
  u64.hi = Number(n >> 32n);
}

/** A hex id from OTLP/JSON (trace and span ids are hex there, not base64). */
export function hexIdFromJson(ctx: DecodeContext, v: unknown, bytes: number, field: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || v.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(v)) {
    ctx.note(`${field} must be ${bytes * 2} hex digits`);
    return '';
  }
  return v.toLowerCase();
}

/**
 * Reads a message's fields, handing all but the repeated child field to `onField` (which
 * returns false for fields it does not know) and collecting the children's [start, end)
 * ranges, so they can be decoded after fields that follow them on the wire (schema_url,
 * aggregation_temporality...).
 */
export function collectChildren(
  r: Reader,
  end: number,
  childField: number,
  onField: (field: number, wireType: number) => boolean,
): number[] {
  const ranges: number[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === childField && wt === 2) {
      const e = messageEnd(r);
      ranges.push(r.pos, e);
      r.pos = e;
    } else if (!onField(field, wt)) skipField(r, wt);
  }
  if (r.pos !== end) throw new MalformedInputError(`a field overruns its message at offset ${r.pos}`);
  return ranges;
}

/** Parses an OTLP/JSON body, refusing invalid UTF-8 rather than replacing it. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (!isUtf8(body)) throw new MalformedInputError('the JSON body is not valid UTF-8');
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new MalformedInputError(`the body is not valid JSON: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new MalformedInputError('the JSON body must be an object');
  return doc as Record<string, unknown>;
}

/** An OTLP/JSON enum, given as its number or its name (`SPAN_KIND_SERVER`). */
export function enumFromJson(v: unknown, names: readonly string[]): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
    const n = Number(v);
    if (Number.isInteger(n)) return n;
  }
  return 0;
}
