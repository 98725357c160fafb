// ExportMetricsServiceRequest (OTLP/JSON) → rows of the five otel_metrics_* tables.
import { AttrList, encodeOnce } from '../attributes.js';
import { arrayOf, attributesJson } from '../attributes-json.js';
import { obj, walkJson } from '../envelope.js';
import { nanosOf, type RequestRows } from '../../../rows.js';
import { MalformedInputError, enumFromJson, hexIdFromJson, nanosFromJson, parseJsonBody } from '../wire.js';
import {
  PointFields,
  TABLE_OF,
  metricContext,
  metricScopePrefix,
  writePointRow,
  type MetricContext,
  type MetricKind,
  type NumberList,
} from '../../../tables/point-row.js';

type Json = Record<string, unknown>;
const TEMPORALITY = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];
const JSON_KINDS: ReadonlyArray<[string, MetricKind]> = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
];

function num(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  const n = Number(v);
  if (Number.isNaN(n) && v !== 'NaN') throw new MalformedInputError(`${field} is not a number`);
  return n;
}

function nums(v: unknown, field: string, into: NumberList): void {
  for (const x of arrayOf(v, field)) into.push(num(x, field));
}

export function decodeMetricsJson(body: Buffer, namespace: string, out: RequestRows): void {
  const ns = encodeOnce((x) => x.str(namespace));
  // The records this decode reuses for every point (none kept in the module).
  const point = new PointFields(out.ctx);
  const exemplarAttrs = new AttrList(out.ctx);
  walkJson(
    parseJsonBody(body),
    out.ctx,
    { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' },
    metricScopePrefix,
    (scopePrefix, m) => {
      const found = JSON_KINDS.find(([key]) => m[key] !== undefined && m[key] !== null);
      if (!found) return;
      const [key, kind] = found;
      const data = obj(m[key]);
      const ctx: MetricContext = metricContext(
        scopePrefix,
        String(m.name ?? ''),
        String(m.description ?? ''),
        String(m.unit ?? ''),
        ns,
      );
      ctx.temporality = enumFromJson(data.aggregationTemporality, TEMPORALITY);
      ctx.monotonic = data.isMonotonic === true;
      const w = out.writer(TABLE_OF[kind]);
      const metricProblem = out.ctx.problem;
      for (const pRaw of arrayOf(data.dataPoints, 'dataPoints')) {
        out.ctx.problem = metricProblem;
        fillPoint(obj(pRaw), kind, point, exemplarAttrs);
        out.keep(() => writePointRow(w, kind, point, ctx), nanosOf(point.timeLo, point.timeHi));
      }
    },
  );
}

function fillPoint(p: Json, kind: MetricKind, point: PointFields, exemplarAttrs: AttrList): void {
  const ctx = point.attrs.ctx;
  const u64 = ctx.u64;
  point.reset();
  attributesJson(p.attributes, point.attrs);
  nanosFromJson(ctx, p.startTimeUnixNano, 'startTimeUnixNano');
  point.startLo = u64.lo;
  point.startHi = u64.hi;
  nanosFromJson(ctx, p.timeUnixNano, 'timeUnixNano');
  point.timeLo = u64.lo;
  point.timeHi = u64.hi;
  point.flags = num(p.flags, 'flags') >>> 0;
  if (kind === 'gauge' || kind === 'sum')
    point.value = p.asDouble !== undefined ? num(p.asDouble, 'asDouble') : num(p.asInt, 'asInt');
  else {
    point.count = num(p.count, 'count');
    point.sum = num(p.sum, 'sum');
  }
  if (kind === 'histogram' || kind === 'exponential_histogram') {
    point.min = num(p.min, 'min');
    point.max = num(p.max, 'max');
  }
  if (kind === 'histogram') {
    nums(p.bucketCounts, 'bucketCounts', point.bucketCounts);
    nums(p.explicitBounds, 'explicitBounds', point.bounds);
  }
  if (kind === 'exponential_histogram') {
    point.scale = num(p.scale, 'scale') | 0;
    point.zeroCount = num(p.zeroCount, 'zeroCount');
    const pos = obj(p.positive);
    const neg = obj(p.negative);
    point.positiveOffset = num(pos.offset, 'positive.offset') | 0;
    nums(pos.bucketCounts, 'positive.bucketCounts', point.positiveCounts);
    point.negativeOffset = num(neg.offset, 'negative.offset') | 0;
    nums(neg.bucketCounts, 'negative.bucketCounts', point.negativeCounts);
  }
  if (kind === 'summary') {
    for (const q of arrayOf(p.quantileValues, 'quantileValues')) {
      point.quantiles.push(num(obj(q).quantile, 'quantile'));
      point.quantileValues.push(num(obj(q).value, 'value'));
    }
  }
  for (const eRaw of arrayOf(p.exemplars, 'exemplars')) {
    const e = obj(eRaw);
    exemplarAttrs.reset();
    attributesJson(e.filteredAttributes, exemplarAttrs);
    nanosFromJson(ctx, e.timeUnixNano, 'exemplars.timeUnixNano');
    const value = e.asDouble !== undefined ? num(e.asDouble, 'asDouble') : num(e.asInt, 'asInt');
    point.addExemplar(
      exemplarAttrs.encode(),
      u64.lo,
      u64.hi,
      value,
      hexIdFromJson(ctx, e.spanId, 8, 'exemplars.spanId'),
      hexIdFromJson(ctx, e.traceId, 16, 'exemplars.traceId'),
    );
  }
}
