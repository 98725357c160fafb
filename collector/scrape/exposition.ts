// A /metrics page (Prometheus text format 0.0.4, or OpenMetrics 1.0) as Prometheus series, through
// parse-prometheus-text-format (a port of the Prometheus Python client's parser, prom2json's shape)
// plus what OpenMetrics adds: `_total` samples of a counter family, `_created`, and `# UNIT`.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PromMeta, PromSeries, PromType } from '../receivers/prometheus/proto.js';

interface Family {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Array<{
    value?: string;
    labels?: Record<string, string>;
    timestamp_ms?: string;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }>;
}

const TYPE: Record<Family['type'], PromType> = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  HISTOGRAM: 'histogram',
  SUMMARY: 'summary',
  UNTYPED: 'unknown',
};

/** Series of one scrape at `nowMs` (samples without their own timestamp take it), with `extra` labels. */
export function parseExposition(text: string, nowMs: number, extra: Record<string, string>): PromSeries[] {
  const units = new Map<string, string>();
  for (const m of text.matchAll(/^# UNIT (\S+) (\S+)$/gm)) units.set(m[1]!, m[2]!);
  // OpenMetrics' own lines the text-format parser does not know.
  const families = (parsePrometheusTextFormat as unknown as (s: string) => Family[])(
    text.replace(/^# (EOF|UNIT)\b.*$/gm, ''),
  );
  const byName = new Map(families.map((f) => [f.name, f]));
  const out: PromSeries[] = [];
  const push = (
    name: string,
    labels: Record<string, string> | undefined,
    value: number,
    ts: string | undefined,
    meta: PromMeta,
    createdMs?: number,
  ) =>
    out.push({
      labels: { ...labels, ...extra, __name__: name },
      samples: [{ value, timestampMs: ts ? Number(ts) : nowMs }],
      histograms: [],
      meta,
      createdMs,
    });
  for (const f of families) {
    const type = TYPE[f.type];
    let metrics = f.metrics;
    let name = f.name;
    // OpenMetrics: a counter family `x` has its samples as `x_total` (and `x_created`).
    if (type === 'unknown' && f.name.endsWith('_created') && byName.get(f.name.slice(0, -8))?.type === 'COUNTER')
      continue;
    if (type === 'unknown' && f.name.endsWith('_total') && byName.get(f.name.slice(0, -6))?.type === 'COUNTER')
      continue;
    if (type === 'counter' && metrics.length === 0 && byName.has(`${f.name}_total`)) {
      metrics = byName.get(`${f.name}_total`)!.metrics;
      name = `${f.name}_total`;
    }
    const meta: PromMeta = { type, help: f.help, unit: units.get(f.name) ?? '' };
    const created = type === 'counter' ? byName.get(`${f.name}_created`)?.metrics : undefined;
    for (const m of metrics) {
      if (type === 'histogram') {
        for (const [le, v] of Object.entries(m.buckets ?? {}))
          push(`${name}_bucket`, { ...m.labels, le }, Number(v), m.timestamp_ms, meta);
        push(`${name}_sum`, m.labels, Number(m.sum ?? 0), m.timestamp_ms, meta);
        push(`${name}_count`, m.labels, Number(m.count ?? 0), m.timestamp_ms, meta);
      } else if (type === 'summary') {
        for (const [q, v] of Object.entries(m.quantiles ?? {}))
          push(name, { ...m.labels, quantile: q }, Number(v), m.timestamp_ms, meta);
        push(`${name}_sum`, m.labels, Number(m.sum ?? 0), m.timestamp_ms, meta);
        push(`${name}_count`, m.labels, Number(m.count ?? 0), m.timestamp_ms, meta);
      } else {
        const c = created?.find((x) => JSON.stringify(x.labels ?? {}) === JSON.stringify(m.labels ?? {}));
        push(
          name,
          m.labels,
          Number(m.value),
          m.timestamp_ms,
          { ...meta, type: type === 'unknown' ? 'gauge' : type },
          c ? Number(c.value) * 1000 : undefined,
        );
      }
    }
  }
  return out;
}
