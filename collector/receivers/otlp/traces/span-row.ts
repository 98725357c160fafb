// The fields of one span while it is decoded (one record reused for every span) and the
// writer that turns it into an `otel_traces` row in the wire layout of store/tables.ts.
import type { RowBinaryWriter, Str } from '../../../../store/index.js';
import { type DecodeContext, durationNanos, isZeroId, writeId, type Id } from '../wire.js';
import { AttrList, encodeOnce } from '../attributes.js';
import type { ResourceInfo, ScopeContext } from '../envelope.js';

export type { Id } from '../wire.js';

export const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
export const STATUS_CODES = ['Unset', 'Ok', 'Error'] as const;

// Encoded once: every row carries one of these few strings.
const KIND_BYTES = SPAN_KINDS.map((k) => encodeOnce((x) => x.str(k)));
const STATUS_BYTES = STATUS_CODES.map((c) => encodeOnce((x) => x.str(c)));

/**
 * A span must have a trace id and a span id (OTLP: empty or all-zero ids are invalid); without
 * them it can never be found or joined to its trace, so it is rejected through partial success.
 */
export function requireSpanIds(span: SpanFields, traceField: string, spanField: string): void {
  const ctx = span.attrs.ctx;
  if (isZeroId(span.traceId)) ctx.note(`${traceField} is empty or all zeros: a span needs a trace id`);
  else if (isZeroId(span.spanId)) ctx.note(`${spanField} is empty or all zeros: a span needs a span id`);
}

export class SpanFields {
  constructor(ctx: DecodeContext) {
    this.attrs = new AttrList(ctx);
  }

  traceId: Id = '';
  spanId: Id = '';
  parentSpanId: Id = '';
  traceState: Str = '';
  name: Str = '';
  kind = 0;
  startLo = 0;
  startHi = 0;
  endLo = 0;
  endHi = 0;
  readonly attrs: AttrList;
  statusCode = 0;
  statusMessage: Str = '';
  // Events and links, as parallel arrays (their Nested columns are one array per field).
  eventCount = 0;
  readonly eventTimes: number[] = [];
  readonly eventNames: Str[] = [];
  readonly eventAttrs: Buffer[] = [];
  linkCount = 0;
  readonly linkTraceIds: Id[] = [];
  readonly linkSpanIds: Id[] = [];
  readonly linkStates: Str[] = [];
  readonly linkAttrs: Buffer[] = [];

  reset(): void {
    this.traceId = this.spanId = this.parentSpanId = '';
    this.traceState = this.name = this.statusMessage = '';
    this.kind = this.statusCode = 0;
    this.startLo = this.startHi = this.endLo = this.endHi = 0;
    this.attrs.reset();
    this.eventCount = this.linkCount = 0;
  }

  addEvent(lo: number, hi: number, name: Str, attrs: Buffer): void {
    const i = this.eventCount++;
    this.eventTimes[2 * i] = lo;
    this.eventTimes[2 * i + 1] = hi;
    this.eventNames[i] = name;
    this.eventAttrs[i] = attrs;
  }

  addLink(traceId: Id, spanId: Id, state: Str, attrs: Buffer): void {
    const i = this.linkCount++;
    this.linkTraceIds[i] = traceId;
    this.linkSpanIds[i] = spanId;
    this.linkStates[i] = state;
    this.linkAttrs[i] = attrs;
  }
}

/** The columns every span of one resource and scope shares, encoded once. */
export function spanPrefix(res: ResourceInfo, sc: ScopeContext): Buffer {
  return encodeOnce((x) => {
    x.str(res.service);
    x.raw(res.attrs);
    x.str(sc.scope.name);
    x.str(sc.scope.version);
  });
}

/**
 * `prefix` holds the columns shared by every span of one resource and scope, already encoded:
 * ServiceName, ResourceAttributes, ScopeName, ScopeVersion. `namespace` is the encoded Namespace.
 */
export function writeSpanRow(w: RowBinaryWriter, s: SpanFields, prefix: Buffer, namespace: Buffer): void {
  w.u64parts(s.startLo, s.startHi);
  writeId(w, s.traceId);
  writeId(w, s.spanId);
  writeId(w, s.parentSpanId);
  w.str(s.traceState);
  w.str(s.name);
  w.raw(KIND_BYTES[s.kind] ?? KIND_BYTES[0]!);
  w.raw(prefix);
  s.attrs.writeMap(w);
  w.u64(durationNanos(s.startLo, s.startHi, s.endLo, s.endHi));
  w.raw(STATUS_BYTES[s.statusCode] ?? STATUS_BYTES[0]!);
  w.str(s.statusMessage);
  const ne = s.eventCount;
  w.varint(ne);
  for (let i = 0; i < ne; i++) w.u64parts(s.eventTimes[2 * i]!, s.eventTimes[2 * i + 1]!);
  w.varint(ne);
  for (let i = 0; i < ne; i++) w.str(s.eventNames[i]!);
  w.varint(ne);
  for (let i = 0; i < ne; i++) w.raw(s.eventAttrs[i]!);
  const nl = s.linkCount;
  w.varint(nl);
  for (let i = 0; i < nl; i++) writeId(w, s.linkTraceIds[i]!);
  w.varint(nl);
  for (let i = 0; i < nl; i++) writeId(w, s.linkSpanIds[i]!);
  w.varint(nl);
  for (let i = 0; i < nl; i++) w.str(s.linkStates[i]!);
  w.varint(nl);
  for (let i = 0; i < nl; i++) w.raw(s.linkAttrs[i]!);
  w.raw(namespace);
  w.rows++;
}
