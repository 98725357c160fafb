// Runtime stats per instance, from the runtime metrics that OpenTelemetry SDKs send. Each stat
// has candidate metrics, first match wins: semantic-convention names first, then the names of
// the Node (runtime-node), Go (contrib/runtime), Java (agent runtime-telemetry) and Python
// (system-metrics) instrumentations, old and new.
import {
  INSTANCE_EXPR,
  IN_SERVICES,
  TIMEUNIX_IN_RANGE,
  rangeParams,
  type Reader,
  type TimeRange,
  inScope,
  scopeParams,
  type ReadScope,
} from './common.js';
import {
  CPU,
  GC_MS,
  HISTOGRAM_METRICS,
  MEMORY,
  RUNTIME_METRIC_NAMES as ALL_METRICS,
  THREADS,
  UPTIME_S,
  type Pick,
} from '../telemetry-names.js';
import { readWindow, rollupRows, type SpanSource } from './span-minutes.js';

export interface InstanceStats {
  service: string;
  instance: string;
  version: string;
  lastSeenMs: number;
  startedMs: number | null;
  uptimeSeconds: number | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  threads: number | null;
  gcMs: number | null;
  /** Metric names the figures came from, for whoever wonders where a number is from. */
  sources: Record<string, string>;
}

interface SeriesRow {
  service: string;
  instance: string;
  metric: string;
  attrs: Record<string, string>;
  first: number;
  last: number;
  firstMs: string;
  lastMs: string;
  version: string;
}

function pick(series: SeriesRow[], candidates: Pick[]): { value: number; metric: string } | null {
  for (const c of candidates) {
    let rows = series.filter((s) => s.metric === c.metric);
    if (c.kind === 'last' && c.attr) rows = rows.filter((s) => s.attrs[c.attr![0]] === c.attr![1]);
    if (rows.length === 0) continue;
    const scale = c.scale ?? 1;
    let value = 0;
    for (const s of rows) {
      if (c.kind === 'last') value += s.last;
      else if (c.kind === 'delta') value += Math.max(0, s.last - s.first);
      else {
        const seconds = (Number(s.lastMs) - Number(s.firstMs)) / 1000;
        value += seconds > 0 ? Math.max(0, s.last - s.first) / seconds : 0;
      }
    }
    if (c.kind === 'rate' && rows.every((s) => s.lastMs === s.firstMs)) continue;
    return { value: value * scale, metric: c.metric };
  }
  return null;
}

export async function instanceStats(
  db: Reader,
  scope: ReadScope | string,
  services: string[],
  range: TimeRange,
  source: SpanSource = 'auto',
): Promise<InstanceStats[]> {
  const where = `${inScope(scope)} AND ${IN_SERVICES}`;
  const read = readWindow(range, source);
  // Raw points, as the rollup's columns: per series and minute, the first and last value with their times.
  const raw = (table: string, value: string, names: string) => `
    SELECT ServiceName, ${INSTANCE_EXPR} AS ServiceInstance, MetricName, Attributes,
      argMinState(${value}, TimeUnix) AS First, argMaxState(${value}, TimeUnix) AS Last,
      min(TimeUnix) AS FirstAt, max(TimeUnix) AS LastAt, toString(argMax(ServiceVersion, TimeUnix)) AS Version
    FROM ${table}
    WHERE ${where} AND ${TIMEUNIX_IN_RANGE} AND MetricName IN {${names}:Array(String)}
    GROUP BY ServiceName, ServiceInstance, MetricName, Attributes, toStartOfMinute(TimeUnix)`;
  const from = read.rollup
    ? rollupRows(
        read.range,
        true,
        `
      SELECT ServiceName, ServiceInstance, MetricName, Attributes, First, Last,
        toDateTime64(FirstAt, 9) AS FirstAt, toDateTime64(LastAt, 9) AS LastAt, toString(Version) AS Version
      FROM otel_runtime
      WHERE ${where} AND MetricName IN {names:Array(String)}`,
      )
    : {
        sql: [
          raw('otel_metrics_gauge', 'Value', 'names'),
          raw('otel_metrics_sum', 'Value', 'names'),
          raw('otel_metrics_histogram', 'Sum', 'histograms'),
        ].join(' UNION ALL '),
        params: rangeParams(read.range),
      };
  const rows = await db.query<SeriesRow>(
    `SELECT ServiceName AS service, ServiceInstance AS instance, MetricName AS metric, Attributes AS attrs,
       argMinMerge(First) AS first, argMaxMerge(Last) AS last,
       toUnixTimestamp64Milli(min(FirstAt)) AS firstMs, toUnixTimestamp64Milli(max(LastAt)) AS lastMs,
       argMax(Version, LastAt) AS version
     FROM (${from.sql})
     GROUP BY service, instance, metric, attrs`,
    { ...scopeParams(scope), services, names: ALL_METRICS, histograms: HISTOGRAM_METRICS, ...from.params },
  );
  const byInstance = new Map<string, SeriesRow[]>();
  for (const r of rows) {
    const key = `${r.service}\u0000${r.instance}`;
    byInstance.set(key, [...(byInstance.get(key) ?? []), r]);
  }
  const out: InstanceStats[] = [];
  for (const series of byInstance.values()) {
    const lastSeenMs = Math.max(...series.map((s) => Number(s.lastMs)));
    const newest = series.reduce((a, b) => (Number(b.lastMs) > Number(a.lastMs) ? b : a));
    const stats = {
      cpu: pick(series, CPU),
      memory: pick(series, MEMORY),
      threads: pick(series, THREADS),
      gc: pick(series, GC_MS),
      uptime: pick(series, UPTIME_S),
    };
    const sources: Record<string, string> = {};
    for (const [k, v] of Object.entries(stats)) if (v) sources[k] = v.metric;
    out.push({
      service: newest.service,
      instance: newest.instance,
      version: newest.version,
      lastSeenMs,
      uptimeSeconds: stats.uptime?.value ?? null,
      startedMs: stats.uptime ? lastSeenMs - stats.uptime.value * 1000 : null,
      cpuPercent: stats.cpu?.value ?? null,
      memoryBytes: stats.memory?.value ?? null,
      threads: stats.threads?.value ?? null,
      gcMs: stats.gc?.value ?? null,
      sources,
    });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance));
}
