// ExportTraceServiceRequest (protobuf) → otel_traces rows, without an object per span.
import type { Str } from '../../../../store/index.js';
import { AttrList, encodeOnce, keyValueProto } from '../attributes.js';
import { walkProto } from '../envelope.js';
import { nanosOf, type RequestRows } from '../../../rows.js';
import { messageEnd, readFixed64, readId, readIdInto, readUtf8, skipField, type Id, type Reader } from '../wire.js';
import { SpanFields, requireSpanIds, spanPrefix, writeSpanRow } from '../../../tables/span-row.js';

/** The records one decode reuses for every span (one set per request, none kept in the module). */
interface Scratch {
  span: SpanFields;
  nested: AttrList;
  /** The span's own ids, copied here rather than viewed (links keep views: they are few). */
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
}

export function decodeTracesProto(body: Buffer, namespace: string, out: RequestRows): void {
  // A span's row takes about 1.7 times its protobuf bytes (ids as hex, the resource in every row).
  const w = out.writer('otel_traces', body.length * 2);
  const ns = encodeOnce((x) => x.str(namespace));
  const sc: Scratch = {
    span: new SpanFields(out.ctx),
    nested: new AttrList(out.ctx),
    traceId: new Uint8Array(16),
    spanId: new Uint8Array(8),
    parentSpanId: new Uint8Array(8),
  };
  const span = sc.span;
  walkProto(body, out.ctx, spanPrefix, (prefix, r, end) => {
    span.reset();
    decodeSpan(r, end, sc);
    requireSpanIds(span, 'trace_id', 'span_id');
    out.keep(() => writeSpanRow(w, span, prefix, ns), nanosOf(span.startLo, span.startHi));
  });
}

function decodeSpan(r: Reader, end: number, sc: Scratch): void {
  const span = sc.span;
  const u64 = r.ctx.u64;
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wt === 2) {
          span.traceId = readIdInto(r, sc.traceId, 'trace_id');
          continue;
        }
        break;
      case 2:
        if (wt === 2) {
          span.spanId = readIdInto(r, sc.spanId, 'span_id');
          continue;
        }
        break;
      case 3:
        if (wt === 2) {
          span.traceState = readUtf8(r, 'trace_state');
          continue;
        }
        break;
      case 4:
        if (wt === 2) {
          span.parentSpanId = readIdInto(r, sc.parentSpanId, 'parent_span_id');
          continue;
        }
        break;
      case 5:
        if (wt === 2) {
          span.name = readUtf8(r, 'span name');
          continue;
        }
        break;
      case 6:
        if (wt === 0) {
          span.kind = r.uint32();
          continue;
        }
        break;
      case 7:
        if (wt === 1) {
          readFixed64(r);
          span.startLo = u64.lo;
          span.startHi = u64.hi;
          continue;
        }
        break;
      case 8:
        if (wt === 1) {
          readFixed64(r);
          span.endLo = u64.lo;
          span.endHi = u64.hi;
          continue;
        }
        break;
      case 9:
        if (wt === 2) {
          keyValueProto(r, messageEnd(r), span.attrs);
          continue;
        }
        break;
      case 11:
        if (wt === 2) {
          decodeEvent(r, messageEnd(r), sc);
          continue;
        }
        break;
      case 13:
        if (wt === 2) {
          decodeLink(r, messageEnd(r), sc);
          continue;
        }
        break;
      case 15:
        if (wt === 2) {
          decodeStatus(r, messageEnd(r), sc);
          continue;
        }
        break;
    }
    skipField(r, wt);
  }
}

function decodeEvent(r: Reader, end: number, sc: Scratch): void {
  const span = sc.span;
  const u64 = r.ctx.u64;
  let lo = 0;
  let hi = 0;
  let name: Str = '';
  sc.nested.reset();
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wt === 1) {
      readFixed64(r);
      lo = u64.lo;
      hi = u64.hi;
    } else if (field === 2 && wt === 2) name = readUtf8(r, 'event name');
    else if (field === 3 && wt === 2) keyValueProto(r, messageEnd(r), sc.nested);
    else skipField(r, wt);
  }
  span.addEvent(lo, hi, name, sc.nested.encode());
}

function decodeLink(r: Reader, end: number, sc: Scratch): void {
  const span = sc.span;
  let traceId: Id = '';
  let spanId: Id = '';
  let state: Str = '';
  sc.nested.reset();
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wt === 2) traceId = readId(r, 16, 'link trace_id');
    else if (field === 2 && wt === 2) spanId = readId(r, 8, 'link span_id');
    else if (field === 3 && wt === 2) state = readUtf8(r, 'link trace_state');
    else if (field === 4 && wt === 2) keyValueProto(r, messageEnd(r), sc.nested);
    else skipField(r, wt);
  }
  span.addLink(traceId, spanId, state, sc.nested.encode());
}

function decodeStatus(r: Reader, end: number, sc: Scratch): void {
  const span = sc.span;
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    const field = tag >>> 3;
    if (field === 2 && wt === 2) span.statusMessage = readUtf8(r, 'status message');
    else if (field === 3 && wt === 0) span.statusCode = r.uint32();
    else skipField(r, wt);
  }
}
