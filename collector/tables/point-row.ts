// One metric data point of any kind while it is decoded (reused), and the row writers of the
// five metric tables, in the wire layouts of store/tables.ts.
import { LAYOUTS, type RowBinaryWriter, type Str, type TableName } from '../../store/index.js';
import { type ColumnEncoder, type RowWriter, WITH_PREVIOUS, compileRowWriter } from '../row-writer.js';
import { AttrList, encodeOnce } from '../attr-list.js';
import type { ResourceInfo, ScopeContext } from './scope.js';
import type { DecodeContext } from '../decode-context.js';
import { writeId, type Id } from './ids.js';

export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

export const TABLE_OF: Readonly<Record<MetricKind, TableName>> = {
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponential_histogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
};

export class NumberList {
  v: number[] = [];
  n = 0;
  push(x: number): void {
    this.v[this.n++] = x;
  }
  writeU64(w: RowBinaryWriter): void {
    w.varint(this.n);
    for (let i = 0; i < this.n; i++) w.u64(this.v[i]!);
  }
  writeF64(w: RowBinaryWriter): void {
    w.varint(this.n);
    for (let i = 0; i < this.n; i++) w.f64(this.v[i]!);
  }
}

export class PointFields {
  constructor(ctx: DecodeContext) {
    this.attrs = new AttrList(ctx);
  }

  readonly attrs: AttrList;
  startLo = 0;
  startHi = 0;
  timeLo = 0;
  timeHi = 0;
  value = 0;
  flags = 0;
  count = 0;
  sum = 0;
  min = 0;
  max = 0;
  readonly bucketCounts = new NumberList();
  readonly bounds = new NumberList();
  scale = 0;
  zeroCount = 0;
  positiveOffset = 0;
  readonly positiveCounts = new NumberList();
  negativeOffset = 0;
  readonly negativeCounts = new NumberList();
  readonly quantiles = new NumberList();
  readonly quantileValues = new NumberList();
  exemplarCount = 0;
  readonly exAttrs: Buffer[] = [];
  readonly exTimes: number[] = [];
  readonly exValues: number[] = [];
  readonly exSpanIds: Id[] = [];
  readonly exTraceIds: Id[] = [];

  reset(): void {
    this.attrs.reset();
    this.startLo = this.startHi = this.timeLo = this.timeHi = 0;
    this.value = this.flags = this.count = this.sum = this.min = this.max = 0;
    this.scale = this.zeroCount = this.positiveOffset = this.negativeOffset = 0;
    this.bucketCounts.n = this.bounds.n = this.positiveCounts.n = this.negativeCounts.n = 0;
    this.quantiles.n = this.quantileValues.n = 0;
    this.exemplarCount = 0;
  }

  addExemplar(attrs: Buffer, lo: number, hi: number, value: number, spanId: Id, traceId: Id): void {
    const i = this.exemplarCount++;
    this.exAttrs[i] = attrs;
    this.exTimes[2 * i] = lo;
    this.exTimes[2 * i + 1] = hi;
    this.exValues[i] = value;
    this.exSpanIds[i] = spanId;
    this.exTraceIds[i] = traceId;
  }
}

/** The columns every point of one resource and scope shares, each encoded once. */
export interface MetricScope {
  resourceAttrs: Buffer;
  resourceSchemaUrl: Buffer;
  scopeName: Buffer;
  scopeVersion: Buffer;
  scopeAttrs: Buffer;
  scopeDropped: number;
  scopeSchemaUrl: Buffer;
  service: Buffer;
}

export function metricScopePrefix(res: ResourceInfo, sc: ScopeContext): MetricScope {
  return {
    resourceAttrs: res.attrs,
    resourceSchemaUrl: encodeOnce((x) => x.str(res.schemaUrl)),
    scopeName: encodeOnce((x) => x.str(sc.scope.name)),
    scopeVersion: encodeOnce((x) => x.str(sc.scope.version)),
    scopeAttrs: sc.scope.attrs,
    scopeDropped: sc.scope.dropped,
    scopeSchemaUrl: encodeOnce((x) => x.str(sc.schemaUrl)),
    service: encodeOnce((x) => x.str(res.service)),
  };
}

/** What every point of one metric shares. */
export interface MetricContext {
  /** ResourceAttributes … ServiceName (the scope's), MetricName, MetricDescription, MetricUnit, as one block. */
  prefix: Buffer;
  namespace: Buffer;
  temporality: number;
  monotonic: boolean;
}

export function metricContext(
  scope: MetricScope,
  name: Str,
  description: Str,
  unit: Str,
  namespace: Buffer,
): MetricContext {
  return {
    prefix: encodeOnce((x) => {
      x.raw(scope.resourceAttrs);
      x.raw(scope.resourceSchemaUrl);
      x.raw(scope.scopeName);
      x.raw(scope.scopeVersion);
      x.raw(scope.scopeAttrs);
      x.u32(scope.scopeDropped);
      x.raw(scope.scopeSchemaUrl);
      x.raw(scope.service);
      x.str(name);
      x.str(description);
      x.str(unit);
    }),
    namespace,
    temporality: 0,
    monotonic: false,
  };
}

type Enc = ColumnEncoder<PointFields, MetricContext>;

/**
 * How each column of the five metric tables is written; each table's order is its declaration
 * (LAYOUTS). A column means the same in every table that has it.
 */
const POINT_COLUMNS: Record<string, Enc | typeof WITH_PREVIOUS> = {
  ResourceAttributes: (w, _p, m) => w.raw(m.prefix),
  ResourceSchemaUrl: WITH_PREVIOUS,
  ScopeName: WITH_PREVIOUS,
  ScopeVersion: WITH_PREVIOUS,
  ScopeAttributes: WITH_PREVIOUS,
  ScopeDroppedAttrCount: WITH_PREVIOUS,
  ScopeSchemaUrl: WITH_PREVIOUS,
  ServiceName: WITH_PREVIOUS,
  MetricName: WITH_PREVIOUS,
  MetricDescription: WITH_PREVIOUS,
  MetricUnit: WITH_PREVIOUS,
  Attributes: (w, p) => p.attrs.writeMap(w),
  StartTimeUnix: (w, p) => w.u64parts(p.startLo, p.startHi),
  TimeUnix: (w, p) => w.u64parts(p.timeLo, p.timeHi),
  Value: (w, p) => w.f64(p.value),
  Flags: (w, p) => w.u32(p.flags),
  'Exemplars.FilteredAttributes': (w, p) => {
    w.varint(p.exemplarCount);
    for (let i = 0; i < p.exemplarCount; i++) w.raw(p.exAttrs[i]!);
  },
  'Exemplars.TimeUnix': (w, p) => {
    w.varint(p.exemplarCount);
    for (let i = 0; i < p.exemplarCount; i++) w.u64parts(p.exTimes[2 * i]!, p.exTimes[2 * i + 1]!);
  },
  'Exemplars.Value': (w, p) => {
    w.varint(p.exemplarCount);
    for (let i = 0; i < p.exemplarCount; i++) w.f64(p.exValues[i]!);
  },
  'Exemplars.SpanId': (w, p) => {
    w.varint(p.exemplarCount);
    for (let i = 0; i < p.exemplarCount; i++) writeId(w, p.exSpanIds[i]!);
  },
  'Exemplars.TraceId': (w, p) => {
    w.varint(p.exemplarCount);
    for (let i = 0; i < p.exemplarCount; i++) writeId(w, p.exTraceIds[i]!);
  },
  AggregationTemporality: (w, _p, m) => w.i32(m.temporality),
  IsMonotonic: (w, _p, m) => w.u8(m.monotonic ? 1 : 0),
  Count: (w, p) => w.u64(p.count),
  Sum: (w, p) => w.f64(p.sum),
  BucketCounts: (w, p) => p.bucketCounts.writeU64(w),
  ExplicitBounds: (w, p) => p.bounds.writeF64(w),
  Min: (w, p) => w.f64(p.min),
  Max: (w, p) => w.f64(p.max),
  Scale: (w, p) => w.i32(p.scale),
  ZeroCount: (w, p) => w.u64(p.zeroCount),
  PositiveOffset: (w, p) => w.i32(p.positiveOffset),
  PositiveBucketCounts: (w, p) => p.positiveCounts.writeU64(w),
  NegativeOffset: (w, p) => w.i32(p.negativeOffset),
  NegativeBucketCounts: (w, p) => p.negativeCounts.writeU64(w),
  'ValueAtQuantiles.Quantile': (w, p) => p.quantiles.writeF64(w),
  'ValueAtQuantiles.Value': (w, p) => p.quantileValues.writeF64(w),
  Namespace: (w, _p, _m, ns) => w.raw(ns),
};

const POINT_WRITERS: Record<MetricKind, RowWriter<PointFields, MetricContext>> = {
  gauge: compileRowWriter(LAYOUTS.otel_metrics_gauge, POINT_COLUMNS, true),
  sum: compileRowWriter(LAYOUTS.otel_metrics_sum, POINT_COLUMNS, true),
  histogram: compileRowWriter(LAYOUTS.otel_metrics_histogram, POINT_COLUMNS, true),
  exponential_histogram: compileRowWriter(LAYOUTS.otel_metrics_exponential_histogram, POINT_COLUMNS, true),
  summary: compileRowWriter(LAYOUTS.otel_metrics_summary, POINT_COLUMNS, true),
};

/** Writes one point as a row of its kind's table, in the declared column order. */
export function writePointRow(w: RowBinaryWriter, kind: MetricKind, p: PointFields, m: MetricContext): void {
  POINT_WRITERS[kind](w, p, m, m.namespace);
}
