// ExportMetricsServiceRequest (protobuf) → rows of the five otel_metrics_* tables.
import type { Str } from '../../../../store/index.js';
import { AttrList, encodeOnce, keyValueProto } from '../attributes.js';
import { walkProto } from '../envelope.js';
import { nanosOf, type RequestRows } from '../../../rows.js';
import {
  collectChildren,
  messageEnd,
  readFixed64,
  readFixed64Number,
  readUtf8,
  skipField,
  type Reader,
} from '../wire.js';
import {
  PointFields,
  TABLE_OF,
  metricContext,
  metricScopePrefix,
  type MetricScope,
  writePointRow,
  type MetricContext,
  type MetricKind,
  type NumberList,
} from '../../../tables/point-row.js';

/** The records one decode reuses for every point (one set per request, none kept in the module). */
interface Scratch {
  point: PointFields;
  exemplarAttrs: AttrList;
}

const KIND_BY_FIELD: Record<number, MetricKind> = {
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponential_histogram',
  11: 'summary',
};

export function decodeMetricsProto(body: Buffer, namespace: string, out: RequestRows): void {
  const ns = encodeOnce((x) => x.str(namespace));
  const sc: Scratch = { point: new PointFields(out.ctx), exemplarAttrs: new AttrList(out.ctx) };
  walkProto(body, out.ctx, metricScopePrefix, (prefix, r, end) => metric(r, end, ns, out, prefix, sc));
}

function metric(r: Reader, end: number, ns: Buffer, out: RequestRows, scopePrefix: MetricScope, sc: Scratch): void {
  const point = sc.point;
  let name: Str = '';
  let description: Str = '';
  let unit: Str = '';
  let kind: MetricKind | null = null;
  let dataStart = 0;
  let dataEnd = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wt === 2) name = readUtf8(r, 'metric name');
    else if (field === 2 && wt === 2) description = readUtf8(r, 'metric description');
    else if (field === 3 && wt === 2) unit = readUtf8(r, 'metric unit');
    else if (KIND_BY_FIELD[field] && wt === 2) {
      kind = KIND_BY_FIELD[field]!;
      dataEnd = messageEnd(r);
      dataStart = r.pos;
      r.pos = dataEnd;
    } else skipField(r, wt);
  }
  if (kind === null) return;
  const ctx: MetricContext = metricContext(scopePrefix, name, description, unit, ns);
  r.pos = dataStart;
  const points = collectChildren(r, dataEnd, 1, (field, wt) => {
    if (field === 2 && wt === 0) ctx.temporality = r.int32();
    else if (field === 3 && wt === 0 && kind === 'sum') ctx.monotonic = r.bool();
    else return false;
    return true;
  });
  const metricProblem = r.ctx.problem;
  const w = out.writer(TABLE_OF[kind]);
  for (let i = 0; i < points.length; i += 2) {
    r.pos = points[i]!;
    r.ctx.problem = metricProblem;
    point.reset();
    decodePoint(r, points[i + 1]!, kind, sc);
    out.keep(() => writePointRow(w, kind, point, ctx), nanosOf(point.timeLo, point.timeHi));
  }
  r.pos = end;
}

/** sfixed64 as a number (values beyond 2^53 lose precision, as they do in the Float64 column). */
function readSfixed64Number(r: Reader): number {
  readFixed64(r);
  return (r.ctx.u64.hi | 0) * 4294967296 + r.ctx.u64.lo;
}

function varint64Number(r: Reader): number {
  const v = r.uint64() as unknown as number | { toNumber(): number };
  return typeof v === 'number' ? v : v.toNumber();
}

function packedFixed64(r: Reader, wt: number, into: NumberList): void {
  if (wt === 1) {
    into.push(readFixed64Number(r));
    return;
  }
  const end = messageEnd(r);
  while (r.pos < end) into.push(readFixed64Number(r));
}

function packedDouble(r: Reader, wt: number, into: NumberList): void {
  if (wt === 1) {
    into.push(r.double());
    return;
  }
  const end = messageEnd(r);
  while (r.pos < end) into.push(r.double());
}

function buckets(r: Reader, end: number, counts: NumberList): number {
  let offset = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    if (tag >>> 3 === 1 && wt === 0) offset = r.sint32();
    else if (tag >>> 3 === 2 && wt === 0) counts.push(varint64Number(r));
    else if (tag >>> 3 === 2 && wt === 2) {
      const e = messageEnd(r);
      while (r.pos < e) counts.push(varint64Number(r));
    } else skipField(r, wt);
  }
  return offset;
}

// Field numbers of the attributes, exemplars and flags differ between point kinds.
const LAYOUT: Record<MetricKind, { attrs: number; exemplars: number; flags: number }> = {
  gauge: { attrs: 7, exemplars: 5, flags: 8 },
  sum: { attrs: 7, exemplars: 5, flags: 8 },
  histogram: { attrs: 9, exemplars: 8, flags: 10 },
  exponential_histogram: { attrs: 1, exemplars: 11, flags: 10 },
  summary: { attrs: 7, exemplars: -1, flags: 8 },
};

function decodePoint(r: Reader, end: number, kind: MetricKind, sc: Scratch): void {
  const point = sc.point;
  const u64 = r.ctx.u64;
  const l = LAYOUT[kind];
  const numeric = kind === 'gauge' || kind === 'sum';
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    const f = tag >>> 3;
    if (f === l.attrs && wt === 2) keyValueProto(r, messageEnd(r), point.attrs);
    else if (f === 2 && wt === 1) {
      readFixed64(r);
      point.startLo = u64.lo;
      point.startHi = u64.hi;
    } else if (f === 3 && wt === 1) {
      readFixed64(r);
      point.timeLo = u64.lo;
      point.timeHi = u64.hi;
    } else if (f === l.exemplars && wt === 2) exemplar(r, messageEnd(r), sc);
    else if (f === l.flags && wt === 0) point.flags = r.uint32();
    else if (numeric && f === 4 && wt === 1) point.value = r.double();
    else if (numeric && f === 6 && wt === 1) point.value = readSfixed64Number(r);
    else if (!numeric && f === 4 && wt === 1) point.count = readFixed64Number(r);
    else if (!numeric && f === 5 && wt === 1) point.sum = r.double();
    else if (kind === 'histogram' && f === 6 && (wt === 1 || wt === 2)) packedFixed64(r, wt, point.bucketCounts);
    else if (kind === 'histogram' && f === 7 && (wt === 1 || wt === 2)) packedDouble(r, wt, point.bounds);
    else if (kind === 'histogram' && f === 11 && wt === 1) point.min = r.double();
    else if (kind === 'histogram' && f === 12 && wt === 1) point.max = r.double();
    else if (kind === 'exponential_histogram' && f === 6 && wt === 0) point.scale = r.sint32();
    else if (kind === 'exponential_histogram' && f === 7 && wt === 1) point.zeroCount = readFixed64Number(r);
    else if (kind === 'exponential_histogram' && f === 8 && wt === 2)
      point.positiveOffset = buckets(r, messageEnd(r), point.positiveCounts);
    else if (kind === 'exponential_histogram' && f === 9 && wt === 2)
      point.negativeOffset = buckets(r, messageEnd(r), point.negativeCounts);
    else if (kind === 'exponential_histogram' && f === 12 && wt === 1) point.min = r.double();
    else if (kind === 'exponential_histogram' && f === 13 && wt === 1) point.max = r.double();
    else if (kind === 'summary' && f === 6 && wt === 2) quantile(r, messageEnd(r), sc.point);
    else skipField(r, wt);
  }
}

function quantile(r: Reader, end: number, point: PointFields): void {
  let q = 0;
  let v = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 1) q = r.double();
    else if (tag >>> 3 === 2 && (tag & 7) === 1) v = r.double();
    else skipField(r, tag & 7);
  }
  point.quantiles.push(q);
  point.quantileValues.push(v);
}

function exemplar(r: Reader, end: number, sc: Scratch): void {
  const { point, exemplarAttrs } = sc;
  const u64 = r.ctx.u64;
  exemplarAttrs.reset();
  let lo = 0;
  let hi = 0;
  let value = 0;
  let spanId: Uint8Array | string = '';
  let traceId: Uint8Array | string = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    const f = tag >>> 3;
    if (f === 7 && wt === 2) keyValueProto(r, messageEnd(r), exemplarAttrs);
    else if (f === 2 && wt === 1) {
      readFixed64(r);
      lo = u64.lo;
      hi = u64.hi;
    } else if (f === 3 && wt === 1) value = r.double();
    else if (f === 6 && wt === 1) value = readSfixed64Number(r);
    else if (f === 4 && wt === 2) spanId = r.bytes();
    else if (f === 5 && wt === 2) traceId = r.bytes();
    else skipField(r, wt);
  }
  point.addExemplar(exemplarAttrs.encode(), lo, hi, value, spanId, traceId);
}
