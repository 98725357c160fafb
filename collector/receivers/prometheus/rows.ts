// Prometheus series as rows of the otel_metrics_* tables, as OpenTelemetry's Prometheus
// compatibility specification maps them: `job` and `instance` become the resource's service.name
// and service.instance.id, other labels attributes; counters are monotonic cumulative sums, gauges
// gauges, classic histograms (`_bucket{le}`, `_sum`, `_count`) histograms with per-bucket counts,
// summaries (`{quantile}`, `_sum`, `_count`) summaries, native histograms exponential ones.
import { EMPTY_MAP } from '../../../store/index.js';
import { AttrList, encodeOnce } from '../../attr-list.js';
import type { RequestRows } from '../../rows.js';
import {
  type MetricContext,
  type MetricKind,
  PointFields,
  TABLE_OF,
  metricContext,
  metricScopePrefix,
  writePointRow,
} from '../../tables/point-row.js';
import type { NativeHistogram, PromMeta, PromSeries, PromType, PromWrite } from './proto.js';

const RESERVED = new Set(['__name__', 'job', 'instance']);
const STALE = new Float64Array(1);
const STALE_BITS = new Uint32Array(STALE.buffer);

/** Prometheus's staleness marker (a NaN with a payload): a series ended, not a value. */
function isStale(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  STALE[0] = v;
  return STALE_BITS[1] === 0x7ff00000 && STALE_BITS[0] === 2;
}

function nanos(ms: number): { lo: number; hi: number } {
  const n = BigInt(Math.trunc(ms)) * 1_000_000n;
  return { lo: Number(n & 0xffffffffn), hi: Number(n >> 32n) };
}

const attrsOf = (labels: Record<string, string>, skip?: string): Array<[string, string]> =>
  Object.entries(labels)
    .filter(([k]) => !RESERVED.has(k) && k !== skip)
    .sort(([a], [b]) => (a < b ? -1 : 1));

interface Group {
  family: string;
  kind: MetricKind;
  labels: Record<string, string>;
  attrs: Array<[string, string]>;
  timestampMs: number;
  createdMs?: number;
  meta?: PromMeta;
  value?: number;
  buckets: Array<[number, number]>;
  quantiles: Array<[number, number]>;
  sum?: number;
  count?: number;
}

/** What a series is: its family and type, from metadata when sent, else from its name and labels. */
function classify(s: PromSeries, name: string, meta: (family: string) => PromMeta | undefined, families: Set<string>) {
  const strip = (suffix: string) => (name.endsWith(suffix) ? name.slice(0, -suffix.length) : null);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const family = strip(suffix);
    if (family === null) continue;
    const t = (s.meta?.type !== 'unknown' ? s.meta?.type : undefined) ?? meta(family)?.type;
    if (t === 'histogram' || t === 'gaugehistogram' || (!t && families.has(`${family}_bucket`)))
      return { family, type: 'histogram' as PromType };
    if (t === 'summary' || (!t && families.has(`${family}:quantile`))) return { family, type: 'summary' as PromType };
  }
  const t =
    (s.meta?.type !== 'unknown' ? s.meta?.type : undefined) ?? meta(name)?.type ?? meta(strip('_total') ?? name)?.type;
  if (t === 'summary' || (!t && 'quantile' in s.labels)) return { family: name, type: 'summary' as PromType };
  if (t === 'counter' || (!t && name.endsWith('_total'))) return { family: name, type: 'counter' as PromType };
  return { family: name, type: (t ?? 'gauge') as PromType };
}

/** Rows of one request; `meta` looks up metadata sent earlier (1.0 sends it apart). */
export function writePromSeries(
  req: PromWrite,
  namespace: string,
  out: RequestRows,
  meta: (family: string) => PromMeta | undefined,
): void {
  const ns = encodeOnce((x) => x.str(namespace));
  const point = new PointFields(out.ctx);
  const families = new Set<string>();
  for (const s of req.series) {
    const n = s.labels.__name__ ?? '';
    families.add('quantile' in s.labels ? `${n}:quantile` : n);
  }
  const groups = new Map<string, Group>();
  const group = (s: PromSeries, family: string, kind: MetricKind, ts: number, skip?: string): Group => {
    const attrs = attrsOf(s.labels, skip);
    const key = `${kind}\u0000${family}\u0000${s.labels.job}\u0000${s.labels.instance}\u0000${JSON.stringify(attrs)}\u0000${ts}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        family,
        kind,
        labels: s.labels,
        attrs,
        timestampMs: ts,
        createdMs: s.createdMs,
        meta: s.meta ?? meta(family),
        buckets: [],
        quantiles: [],
      };
      groups.set(key, g);
    }
    return g;
  };
  for (const s of req.series) {
    const name = s.labels.__name__;
    if (!name) {
      out.ctx.problem = 'a series without __name__';
      out.keep(() => undefined, 0);
      continue;
    }
    const { family, type } = classify(s, name, meta, families);
    for (const { value, timestampMs } of s.samples) {
      if (isStale(value)) continue;
      if (type === 'histogram') {
        if (name.endsWith('_bucket'))
          group(s, family, 'histogram', timestampMs, 'le').buckets.push([Number(s.labels.le), value]);
        else if (name.endsWith('_sum')) group(s, family, 'histogram', timestampMs).sum = value;
        else if (name.endsWith('_count')) group(s, family, 'histogram', timestampMs).count = value;
      } else if (type === 'summary') {
        if ('quantile' in s.labels)
          group(s, family, 'summary', timestampMs, 'quantile').quantiles.push([Number(s.labels.quantile), value]);
        else if (name.endsWith('_sum')) group(s, family, 'summary', timestampMs).sum = value;
        else if (name.endsWith('_count')) group(s, family, 'summary', timestampMs).count = value;
      } else group(s, family, type === 'counter' ? 'sum' : 'gauge', timestampMs).value = value;
    }
    for (const h of s.histograms) writeNative(s, h, name, ns, point, out);
  }
  for (const g of groups.values()) writeGroup(g, ns, point, out);
}

const contextOf = (
  labels: Record<string, string>,
  name: string,
  meta: PromMeta | undefined,
  ns: Buffer,
  out: RequestRows,
): MetricContext => {
  const service = labels.job || 'unknown_service';
  const resource = new AttrList(out.ctx);
  resource.push('service.name', service);
  if (labels.instance) resource.push('service.instance.id', labels.instance);
  const scope = metricScopePrefix(
    { service, attrs: resource.encode(), schemaUrl: '' },
    { scope: { name: 'prometheus', version: '', attrs: EMPTY_MAP, dropped: 0 }, schemaUrl: '' },
  );
  return metricContext(scope, name, meta?.help ?? '', meta?.unit ?? '', ns);
};

function start(point: PointFields, attrs: Array<[string, string]>, ts: number, created?: number): void {
  point.reset();
  point.attrs.ctx.problem = null;
  for (const [k, v] of attrs) point.attrs.push(k, v);
  const t = nanos(ts);
  [point.timeLo, point.timeHi] = [t.lo, t.hi];
  if (created) {
    const c = nanos(created);
    [point.startLo, point.startHi] = [c.lo, c.hi];
  }
}

function writeGroup(g: Group, ns: Buffer, point: PointFields, out: RequestRows): void {
  const m = contextOf(g.labels, g.family, g.meta, ns, out);
  start(point, g.attrs, g.timestampMs, g.createdMs);
  if (g.kind === 'sum') {
    m.temporality = 2; // cumulative
    m.monotonic = true;
    point.value = g.value ?? 0;
  } else if (g.kind === 'gauge') point.value = g.value ?? 0;
  else if (g.kind === 'histogram') {
    // Cumulative `le` buckets become per-bucket counts; +Inf is the last bucket, not a bound.
    const sorted = g.buckets.sort(([a], [b]) => a - b);
    let previous = 0;
    for (const [le, cumulative] of sorted) {
      point.bucketCounts.push(Math.max(0, cumulative - previous));
      previous = cumulative;
      if (Number.isFinite(le)) point.bounds.push(le);
    }
    point.count = g.count ?? previous;
    point.sum = g.sum ?? 0;
    m.temporality = 2;
  } else {
    for (const [q, v] of g.quantiles.sort(([a], [b]) => a - b)) {
      point.quantiles.push(q);
      point.quantileValues.push(v);
    }
    point.count = g.count ?? 0;
    point.sum = g.sum ?? 0;
  }
  const w = out.writer(TABLE_OF[g.kind]);
  out.keep(() => writePointRow(w, g.kind, point, m), point.timeHi * 4294967296 + point.timeLo);
}

function writeNative(
  s: PromSeries,
  h: NativeHistogram,
  name: string,
  ns: Buffer,
  point: PointFields,
  out: RequestRows,
): void {
  const m = contextOf(s.labels, name, s.meta, ns, out);
  m.temporality = 2;
  start(point, attrsOf(s.labels), h.timestampMs, s.createdMs);
  point.count = h.count;
  point.sum = h.sum;
  point.scale = h.schema;
  point.zeroCount = h.zeroCount;
  // Prometheus bucket i covers (base^(i-1), base^i]; OpenTelemetry's i covers (base^i, base^(i+1)].
  point.positiveOffset = h.positive.start - 1;
  for (const c of h.positive.counts) point.positiveCounts.push(c);
  point.negativeOffset = h.negative.start - 1;
  for (const c of h.negative.counts) point.negativeCounts.push(c);
  const w = out.writer(TABLE_OF.exponential_histogram);
  out.keep(() => writePointRow(w, 'exponential_histogram', point, m), point.timeHi * 4294967296 + point.timeLo);
}
