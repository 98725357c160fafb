// ExportTraceServiceRequest (OTLP/JSON) → otel_traces rows, through the same span record.
import { AttrList, encodeOnce } from '../attributes.js';
import { arrayOf, attributesJson } from '../attributes-json.js';
import { obj, walkJson } from '../envelope.js';
import { nanosOf, type RequestRows } from '../../../rows.js';
import { type DecodeContext, enumFromJson, hexIdFromJson, nanosFromJson, parseJsonBody } from '../wire.js';
import { SpanFields, requireSpanIds, spanPrefix, writeSpanRow } from '../../../tables/span-row.js';

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

export function decodeTracesJson(body: Buffer, namespace: string, out: RequestRows): void {
  const w = out.writer('otel_traces');
  const ns = encodeOnce((x) => x.str(namespace));
  // The records this decode reuses for every span (none kept in the module).
  const span = new SpanFields(out.ctx);
  const nested = new AttrList(out.ctx);
  walkJson(
    parseJsonBody(body),
    out.ctx,
    { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' },
    spanPrefix,
    (prefix, s) => {
      fillSpan(s, span, nested);
      requireSpanIds(span, 'traceId', 'spanId');
      out.keep(() => writeSpanRow(w, span, prefix, ns), nanosOf(span.startLo, span.startHi));
    },
  );
}

function fillSpan(s: Record<string, unknown>, span: SpanFields, nestedAttrs: AttrList): void {
  const ctx: DecodeContext = span.attrs.ctx;
  const u64 = ctx.u64;
  span.reset();
  span.traceId = hexIdFromJson(ctx, s.traceId, 16, 'traceId');
  span.spanId = hexIdFromJson(ctx, s.spanId, 8, 'spanId');
  span.parentSpanId = hexIdFromJson(ctx, s.parentSpanId, 8, 'parentSpanId');
  span.traceState = String(s.traceState ?? '');
  span.name = String(s.name ?? '');
  span.kind = enumFromJson(s.kind, KIND_NAMES);
  nanosFromJson(ctx, s.startTimeUnixNano, 'startTimeUnixNano');
  span.startLo = u64.lo;
  span.startHi = u64.hi;
  nanosFromJson(ctx, s.endTimeUnixNano, 'endTimeUnixNano');
  span.endLo = u64.lo;
  span.endHi = u64.hi;
  attributesJson(s.attributes, span.attrs);
  for (const eRaw of arrayOf(s.events, 'events')) {
    const e = obj(eRaw);
    nestedAttrs.reset();
    attributesJson(e.attributes, nestedAttrs);
    nanosFromJson(ctx, e.timeUnixNano, 'events.timeUnixNano');
    span.addEvent(u64.lo, u64.hi, String(e.name ?? ''), nestedAttrs.encode());
  }
  for (const lRaw of arrayOf(s.links, 'links')) {
    const l = obj(lRaw);
    nestedAttrs.reset();
    attributesJson(l.attributes, nestedAttrs);
    span.addLink(
      hexIdFromJson(ctx, l.traceId, 16, 'links.traceId'),
      hexIdFromJson(ctx, l.spanId, 8, 'links.spanId'),
      String(l.traceState ?? ''),
      nestedAttrs.encode(),
    );
  }
  const status = obj(s.status);
  span.statusCode = enumFromJson(status.code, STATUS_NAMES);
  span.statusMessage = String(status.message ?? '');
}
