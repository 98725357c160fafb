// The fields of one span while it is decoded (one record reused for every span) and the
// writer that turns it into an `otel_traces` row in the wire layout of store/tables.ts.
import { LAYOUTS, type Str } from '../../store/index.js';
import { type ColumnEncoder, type RowWriter, WITH_PREVIOUS, compileRowWriter } from '../row-writer.js';
import type { DecodeContext } from '../decode-context.js';
import { durationNanos, isZeroId, writeId, type Id } from './ids.js';
import { AttrList, encodeOnce } from '../attr-list.js';
import type { ResourceInfo, ScopeContext } from './scope.js';

export type { Id } from './ids.js';

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

/** The columns every span of one resource and scope shares, each encoded once. */
export interface SpanScope {
  /** ServiceName, ResourceAttributes, ScopeName, ScopeVersion, encoded as one block. */
  resourceScope: Buffer;
}

export function spanPrefix(res: ResourceInfo, sc: ScopeContext): SpanScope {
  return {
    resourceScope: encodeOnce((x) => {
      x.str(res.service);
      x.raw(res.attrs);
      x.str(sc.scope.name);
      x.str(sc.scope.version);
    }),
  };
}

/** How each otel_traces column is written; the order is the table's declaration (LAYOUTS). */
const SPAN_COLUMNS: Record<string, ColumnEncoder<SpanFields, SpanScope> | typeof WITH_PREVIOUS> = {
  Timestamp: (w, s) => w.u64parts(s.startLo, s.startHi),
  TraceId: (w, s) => writeId(w, s.traceId),
  SpanId: (w, s) => writeId(w, s.spanId),
  ParentSpanId: (w, s) => writeId(w, s.parentSpanId),
  TraceState: (w, s) => w.str(s.traceState),
  SpanName: (w, s) => w.str(s.name),
  SpanKind: (w, s) => w.raw(KIND_BYTES[s.kind] ?? KIND_BYTES[0]!),
  ServiceName: (w, _s, sc) => w.raw(sc.resourceScope),
  ResourceAttributes: WITH_PREVIOUS,
  ScopeName: WITH_PREVIOUS,
  ScopeVersion: WITH_PREVIOUS,
  SpanAttributes: (w, s) => s.attrs.writeMap(w),
  Duration: (w, s) => w.u64(durationNanos(s.startLo, s.startHi, s.endLo, s.endHi)),
  StatusCode: (w, s) => w.raw(STATUS_BYTES[s.statusCode] ?? STATUS_BYTES[0]!),
  StatusMessage: (w, s) => w.str(s.statusMessage),
  'Events.Timestamp': (w, s) => {
    w.varint(s.eventCount);
    for (let i = 0; i < s.eventCount; i++) w.u64parts(s.eventTimes[2 * i]!, s.eventTimes[2 * i + 1]!);
  },
  'Events.Name': (w, s) => {
    w.varint(s.eventCount);
    for (let i = 0; i < s.eventCount; i++) w.str(s.eventNames[i]!);
  },
  'Events.Attributes': (w, s) => {
    w.varint(s.eventCount);
    for (let i = 0; i < s.eventCount; i++) w.raw(s.eventAttrs[i]!);
  },
  'Links.TraceId': (w, s) => {
    w.varint(s.linkCount);
    for (let i = 0; i < s.linkCount; i++) writeId(w, s.linkTraceIds[i]!);
  },
  'Links.SpanId': (w, s) => {
    w.varint(s.linkCount);
    for (let i = 0; i < s.linkCount; i++) writeId(w, s.linkSpanIds[i]!);
  },
  'Links.TraceState': (w, s) => {
    w.varint(s.linkCount);
    for (let i = 0; i < s.linkCount; i++) w.str(s.linkStates[i]!);
  },
  'Links.Attributes': (w, s) => {
    w.varint(s.linkCount);
    for (let i = 0; i < s.linkCount; i++) w.raw(s.linkAttrs[i]!);
  },
  Namespace: (w, _s, _sc, ns) => w.raw(ns),
};

/** One span as an otel_traces row, in the declared column order. */
export const writeSpanRow: RowWriter<SpanFields, SpanScope> = compileRowWriter(LAYOUTS.otel_traces, SPAN_COLUMNS);
