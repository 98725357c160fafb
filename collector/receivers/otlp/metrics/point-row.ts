// One metric data point of any kind while it is decoded (reused), and the row writers of the
// five metric tables, in the wire layouts of store/tables.ts.
import type { RowBinaryWriter, TableName } from '../../../../store/index.js';
import { AttrList, encodeOnce } from '../attributes.js';
import type { ResourceInfo, ScopeContext } from '../envelope.js';
import { type DecodeContext, writeId, type Id } from '../wire.js';

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

function writeExemplars(w: RowBinaryWriter, p: PointFields): void {
  const n = p.exemplarCount;
  w.varint(n);
  for (let i = 0; i < n; i++) w.raw(p.exAttrs[i]!);
  w.varint(n);
  for (let i = 0; i < n; i++) w.u64parts(p.exTimes[2 * i]!, p.exTimes[2 * i + 1]!);
  w.varint(n);
  for (let i = 0; i < n; i++) w.f64(p.exValues[i]!);
  w.varint(n);
  for (let i = 0; i < n; i++) writeId(w, p.exSpanIds[i]!);
  w.varint(n);
  for (let i = 0; i < n; i++) writeId(w, p.exTraceIds[i]!);
}

/** ResourceAttributes … ServiceName: the columns every point of one scope shares, encoded once. */
export function metricScopePrefix(res: ResourceInfo, sc: ScopeContext): Buffer {
  return encodeOnce((x) => {
    x.raw(res.attrs);
    x.str(res.schemaUrl);
    x.str(sc.scope.name);
    x.str(sc.scope.version);
    x.raw(sc.scope.attrs);
    x.u32(sc.scope.dropped);
    x.str(sc.schemaUrl);
    x.str(res.service);
  });
}

export interface MetricContext {
  /** ResourceAttributes … ServiceName, MetricName, MetricDescription, MetricUnit, encoded. */
  prefix: Buffer;
  namespace: Buffer;
  temporality: number;
  monotonic: boolean;
}

/** Exemplars, Flags, Min, Max, AggregationTemporality: the end of both histogram layouts. */
function writeHistogramTail(w: RowBinaryWriter, p: PointFields, m: MetricContext): void {
  writeExemplars(w, p);
  w.u32(p.flags);
  w.f64(p.min);
  w.f64(p.max);
  w.i32(m.temporality);
}

/** Writes one point as a row of its kind's table. */
export function writePointRow(w: RowBinaryWriter, kind: MetricKind, p: PointFields, m: MetricContext): void {
  w.raw(m.prefix);
  p.attrs.writeMap(w);
  w.u64parts(p.startLo, p.startHi);
  w.u64parts(p.timeLo, p.timeHi);
  switch (kind) {
    case 'gauge':
    case 'sum':
      w.f64(p.value);
      w.u32(p.flags);
      writeExemplars(w, p);
      if (kind === 'sum') {
        w.i32(m.temporality);
        w.u8(m.monotonic ? 1 : 0);
      }
      break;
    case 'histogram':
      w.u64(p.count);
      w.f64(p.sum);
      p.bucketCounts.writeU64(w);
      p.bounds.writeF64(w);
      writeHistogramTail(w, p, m);
      break;
    case 'exponential_histogram':
      w.u64(p.count);
      w.f64(p.sum);
      w.i32(p.scale);
      w.u64(p.zeroCount);
      w.i32(p.positiveOffset);
      p.positiveCounts.writeU64(w);
      w.i32(p.negativeOffset);
      p.negativeCounts.writeU64(w);
      writeHistogramTail(w, p, m);
      break;
    case 'summary':
      w.u64(p.count);
      w.f64(p.sum);
      p.quantiles.writeF64(w);
      p.quantileValues.writeF64(w);
      w.u32(p.flags);
      break;
  }
  w.raw(m.namespace);
  w.rows++;
}
