// Zipkin v2 spans, from JSON (zipkin2-api.yaml) or proto3 (zipkin.proto's ListOfSpans), into one
// model the row writer takes. Ids are lower-case hex (64-bit trace ids padded to 128 bits, as
// OpenTelemetry's Zipkin translation does); times are epoch microseconds, possibly fractional.
import protobuf from 'protobufjs/minimal.js';
import { MalformedInputError } from '../../decode-context.js';

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp: number;
  duration: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations: Array<{ timestamp: number; value: string }>;
  tags: Record<string, string>;
  shared: boolean;
}

/** A problem with one span: it is rejected alone, the rest of the list is kept. */
export type ZipkinItem = { span: ZipkinSpan } | { problem: string };

const KINDS = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'] as const;
const HEX = /^[0-9a-f]+$/;

/** A hex id of 16 (or, for trace ids, 32) digits; `null` when it is not one. */
function hexId(v: unknown, digits: 16 | 32): string | null {
  if (typeof v !== 'string') return null;
  const s = v.toLowerCase();
  if (
    !HEX.test(s) ||
    s.length > digits ||
    (digits === 32 && s.length !== 16 && s.length !== 32) ||
    (digits === 16 && s.length !== 16)
  ) {
    return null;
  }
  return s.padStart(digits, '0');
}

const endpoint = (v: unknown): ZipkinEndpoint | undefined => {
  if (!v || typeof v !== 'object') return undefined;
  const e = v as Record<string, unknown>;
  return {
    serviceName: typeof e.serviceName === 'string' ? e.serviceName : undefined,
    ipv4: typeof e.ipv4 === 'string' ? e.ipv4 : undefined,
    ipv6: typeof e.ipv6 === 'string' ? e.ipv6 : undefined,
    port: typeof e.port === 'number' ? e.port : undefined,
  };
};

function fromJsonSpan(v: unknown): ZipkinItem {
  if (!v || typeof v !== 'object') return { problem: 'a span must be an object' };
  const s = v as Record<string, unknown>;
  const traceId = hexId(s.traceId, 32);
  if (!traceId || /^0+$/.test(traceId)) return { problem: 'traceId must be 16 or 32 hex digits, not all zeros' };
  const id = hexId(s.id, 16);
  if (!id || /^0+$/.test(id)) return { problem: 'id must be 16 hex digits, not all zeros' };
  const parentId =
    s.parentId === undefined || s.parentId === null || s.parentId === '' ? undefined : hexId(s.parentId, 16);
  if (parentId === null) return { problem: 'parentId must be 16 hex digits' };
  const kind = typeof s.kind === 'string' ? s.kind.toUpperCase() : undefined;
  if (kind !== undefined && !KINDS.includes(kind as never))
    return { problem: `kind "${String(s.kind)}" is not CLIENT, SERVER, PRODUCER or CONSUMER` };
  const tags: Record<string, string> = {};
  if (s.tags && typeof s.tags === 'object') {
    for (const [k, val] of Object.entries(s.tags as Record<string, unknown>))
      tags[k] = typeof val === 'string' ? val : JSON.stringify(val);
  }
  const annotations = Array.isArray(s.annotations)
    ? s.annotations.map((a) => ({
        timestamp: Number((a as Record<string, unknown>)?.timestamp ?? 0),
        value: String((a as Record<string, unknown>)?.value ?? ''),
      }))
    : [];
  return {
    span: {
      traceId,
      id,
      parentId,
      name: typeof s.name === 'string' ? s.name : '',
      kind: kind as ZipkinSpan['kind'],
      timestamp: Number(s.timestamp ?? 0),
      duration: Number(s.duration ?? 0),
      localEndpoint: endpoint(s.localEndpoint),
      remoteEndpoint: endpoint(s.remoteEndpoint),
      annotations,
      tags,
      shared: s.shared === true,
    },
  };
}

export function fromJson(body: Buffer): ZipkinItem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new MalformedInputError(`the body is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new MalformedInputError('a Zipkin v2 JSON body is an array of spans');
  return doc.map(fromJsonSpan);
}

// ---- proto3 (zipkin.proto) ----

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

function ipv4(b: Uint8Array): string {
  return b.length === 4 ? Array.from(b).join('.') : '';
}

function ipv6(b: Uint8Array): string {
  if (b.length !== 16) return '';
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return parts.join(':');
}

function readEndpoint(r: protobuf.Reader, end: number): ZipkinEndpoint {
  const e: ZipkinEndpoint = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    if (f === 1 && (tag & 7) === 2) e.serviceName = r.string();
    else if (f === 2 && (tag & 7) === 2) e.ipv4 = ipv4(r.bytes()) || undefined;
    else if (f === 3 && (tag & 7) === 2) e.ipv6 = ipv6(r.bytes()) || undefined;
    else if (f === 4 && (tag & 7) === 0) e.port = r.int32();
    else r.skipType(tag & 7);
  }
  return e;
}

const fixed64 = (r: protobuf.Reader): number => {
  const lo = r.fixed32();
  const hi = r.fixed32();
  return hi * 4294967296 + lo;
};

function readSpan(r: protobuf.Reader, end: number): ZipkinItem {
  let traceId: Uint8Array = new Uint8Array();
  let id: Uint8Array = new Uint8Array();
  let parentId: Uint8Array = new Uint8Array();
  const json: Record<string, unknown> = { tags: {}, annotations: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        traceId = r.bytes();
        break;
      case 2:
        parentId = r.bytes();
        break;
      case 3:
        id = r.bytes();
        break;
      case 4:
        json.kind = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'][r.int32()];
        break;
      case 5:
        json.name = r.string();
        break;
      case 6:
        json.timestamp = fixed64(r);
        break;
      case 7:
        json.duration = Number(r.uint64().toString());
        break;
      case 8:
        json.localEndpoint = readEndpoint(r, r.uint32() + r.pos);
        break;
      case 9:
        json.remoteEndpoint = readEndpoint(r, r.uint32() + r.pos);
        break;
      case 10: {
        const e = r.uint32() + r.pos;
        const a = { timestamp: 0, value: '' };
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 1 && (t & 7) === 1) a.timestamp = fixed64(r);
          else if (t >>> 3 === 2 && (t & 7) === 2) a.value = r.string();
          else r.skipType(t & 7);
        }
        (json.annotations as unknown[]).push(a);
        break;
      }
      case 11: {
        const e = r.uint32() + r.pos;
        let k = '';
        let v = '';
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 1) k = r.string();
          else if (t >>> 3 === 2) v = r.string();
          else r.skipType(t & 7);
        }
        (json.tags as Record<string, string>)[k] = v;
        break;
      }
      case 13:
        json.shared = r.bool();
        break;
      default:
        r.skipType(wt);
    }
  }
  json.traceId = hex(traceId);
  json.id = hex(id);
  if (parentId.length > 0) json.parentId = hex(parentId);
  return fromJsonSpan(json);
}

export function fromProto(body: Buffer): ZipkinItem[] {
  const r = protobuf.Reader.create(body);
  const out: ZipkinItem[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === 2) {
        const end = r.uint32() + r.pos;
        if (end > r.len) throw new MalformedInputError('truncated span');
        out.push(readSpan(r, end));
        r.pos = end;
      } else r.skipType(tag & 7);
    }
  } catch (err) {
    if (err instanceof MalformedInputError) throw err;
    throw new MalformedInputError(`not a zipkin.proto3.ListOfSpans: ${(err as Error).message}`);
  }
  return out;
}
