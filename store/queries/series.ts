// Time series for charts: RED per service in steps (rate, errors, latency quantiles), runtime
// stats per instance in steps, and log volume per level. Steps are whole seconds; a bucket is
// named by its start (Unix ms), and buckets without data are absent (the chart leaves a gap).
import {
  INSTANCE_EXPR,
  IN_SERVICES,
  TIMESTAMP_IN_RANGE,
  TIMEUNIX_IN_RANGE,
  inScope,
  rangeParams,
  scopeParams,
  type ReadScope,
  type Reader,
  type TimeRange,
} from './common.js';
import { SEVERITY_EXPR } from './logs.js';
import { quantilesMs, readWindow, spanCounts, spanLatency, type SpanSource } from './span-minutes.js';
import { CPU, GC_MS, HISTOGRAM_METRICS, LATENCY, MEMORY, THREADS, type Pick } from '../telemetry-names.js';

export interface RedPoint {
  t: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Windows this long are charted in whole minutes at least: the per-minute rollups answer those,
 * where a finer step reads every raw span of the window's hours (spans are ordered by hour, then
 * trace id: the service page's last hour at 100M spans took 304 ms in 30 s steps).
 */
const MINUTE_STEPS_FROM_MS = 3600_000;

/** A step that gives about `points` buckets over the range, rounded to a readable size. */
export function stepFor(range: TimeRange, points = 120): number {
  const span = range.toMs - range.fromMs;
  const raw = Math.max(span >= MINUTE_STEPS_FROM_MS ? 60_000 : 1000, span / points);
  const nice = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  return (nice.find((s) => s * 1000 >= raw) ?? 86400) * 1000;
}

const bucket = (column: string) =>
  `toUnixTimestamp(toStartOfInterval(${column}, toIntervalSecond({step:UInt32}))) * 1000`;

/** RED of entry spans per service and step (all services when `services` is empty). */
export async function serviceSeries(
  db: Reader,
  scope: ReadScope | string,
  services: string[],
  range: TimeRange,
  stepMs: number,
  source: SpanSource = 'auto',
): Promise<Map<string, RedPoint[]>> {
  // Steps of whole minutes can be summed from the per-minute rollup; finer ones need the spans.
  const wholeMinutes = stepMs % 60_000 === 0;
  const read = readWindow(range, wholeMinutes ? source : 'raw');
  const opts = {
    rawTime: wholeMinutes ? undefined : 'toStartOfInterval(Timestamp, toIntervalSecond({step:UInt32}))',
    allowHours: stepMs % 3600_000 === 0,
  };
  const where = `${inScope(scope)} AND ${IN_SERVICES}`;
  const counts = spanCounts(read, where, true, opts);
  const latency = spanLatency(read, where, opts);
  const params = { ...scopeParams(scope), services, step: Math.round(stepMs / 1000) };
  const [rows, quantiles] = await Promise.all([
    db.query<{ service: string; t: string; requests: string; errors: string }>(
      `SELECT ServiceName AS service, ${bucket('Minute')} AS t, sum(Spans) AS requests, sum(Errors) AS errors
       FROM (${counts.sql})
       GROUP BY service, t ORDER BY service, t`,
      { ...params, ...counts.params },
    ),
    db.query<{ service: string; t: string; q: number[] }>(
      `SELECT ServiceName AS service, ${bucket('Minute')} AS t, ${LATENCY.merge}(Latency) AS q
       FROM (${latency.sql})
       GROUP BY service, t`,
      { ...params, ...latency.params },
    ),
  ]);
  const q = new Map(quantiles.map((r) => [`${r.service}\u0000${r.t}`, r.q]));
  const out = new Map<string, RedPoint[]>();
  for (const r of rows) {
    const [p50Ms, p95Ms, p99Ms] = quantilesMs(q.get(`${r.service}\u0000${r.t}`));
    const list = out.get(r.service) ?? [];
    list.push({ t: Number(r.t), requests: Number(r.requests), errors: Number(r.errors), p50Ms, p95Ms, p99Ms });
    out.set(r.service, list);
  }
  return out;
}

export interface RuntimeSeries {
  instance: string;
  /** Per stat: [bucket start, value] pairs, from the first candidate metric the instance sends. */
  cpuPercent: Array<[number, number]>;
  memoryBytes: Array<[number, number]>;
  threads: Array<[number, number]>;
  gcMs: Array<[number, number]>;
}

type Row = { instance: string; metric: string; t: string; last: number; lastMs: string };

/** Per step: the last value (gauges), or the change since the step before (counters, as rate or delta). */
function seriesOf(rows: Row[], candidates: Pick[]): Array<[number, number]> {
  for (const c of candidates) {
    const mine = rows.filter((r) => r.metric === c.metric);
    if (mine.length === 0) continue;
    const scale = c.scale ?? 1;
    const byT = new Map<number, { value: number; at: number }>();
    for (const r of mine) {
      const have = byT.get(Number(r.t));
      byT.set(Number(r.t), { value: (have?.value ?? 0) + r.last, at: Math.max(have?.at ?? 0, Number(r.lastMs)) });
    }
    const points = [...byT].sort((a, b) => a[0] - b[0]);
    if (c.kind === 'last') return points.map(([t, v]) => [t, v.value * scale]);
    const out: Array<[number, number]> = [];
    for (let i = 1; i < points.length; i++) {
      const [t, v] = points[i]!;
      const prev = points[i - 1]![1];
      const change = Math.max(0, v.value - prev.value);
      const seconds = (v.at - prev.at) / 1000;
      out.push([t, c.kind === 'rate' ? (seconds > 0 ? (change / seconds) * scale : 0) : change * scale]);
    }
    return out;
  }
  return [];
}

/** Runtime stats of one service's instances, per step. */
export async function runtimeSeries(
  db: Reader,
  scope: ReadScope | string,
  service: string,
  range: TimeRange,
  stepMs: number,
): Promise<RuntimeSeries[]> {
  const names = [...new Set([...MEMORY, ...CPU, ...THREADS, ...GC_MS].map((p) => p.metric))];
  const select = (table: string, value: string, list: string) => `
    SELECT ${INSTANCE_EXPR} AS instance, MetricName AS metric, ${bucket('TimeUnix')} AS t,
      argMax(${value}, TimeUnix) AS last, toString(toUnixTimestamp64Milli(max(TimeUnix))) AS lastMs
    FROM ${table}
    WHERE ${inScope(scope)} AND ${TIMEUNIX_IN_RANGE} AND ServiceName = {service:String}
      AND MetricName IN {${list}:Array(String)}
    GROUP BY instance, metric, Attributes, t`;
  const rows = await db.query<Row>(
    `${select('otel_metrics_gauge', 'Value', 'names')} UNION ALL ${select('otel_metrics_sum', 'Value', 'names')}
     UNION ALL ${select('otel_metrics_histogram', 'Sum', 'histograms')}`,
    {
      ...scopeParams(scope),
      ...rangeParams(range),
      service,
      names,
      histograms: HISTOGRAM_METRICS,
      step: Math.round(stepMs / 1000),
    },
  );
  const instances = [...new Set(rows.map((r) => r.instance))].sort();
  return instances.map((instance) => {
    const mine = rows.filter((r) => r.instance === instance);
    return {
      instance,
      cpuPercent: seriesOf(mine, CPU),
      memoryBytes: seriesOf(mine, MEMORY),
      threads: seriesOf(mine, THREADS),
      gcMs: seriesOf(mine, GC_MS),
    };
  });
}

export interface LogVolumePoint {
  t: number;
  /** Lines per level name (ERROR, WARN, INFO, DEBUG, OTHER). */
  counts: Record<string, number>;
}

/** Log lines per step and level, for the histogram over the log list. */
export async function logVolume(
  db: Reader,
  scope: ReadScope | string,
  range: TimeRange,
  services: string[],
  grep: string,
  stepMs: number,
): Promise<LogVolumePoint[]> {
  const rows = await db.query<{ t: string; level: string; n: string }>(
    `SELECT ${bucket('Timestamp')} AS t,
       multiIf(${SEVERITY_EXPR} >= 17, 'ERROR', ${SEVERITY_EXPR} >= 13, 'WARN', ${SEVERITY_EXPR} >= 9, 'INFO',
               ${SEVERITY_EXPR} >= 1, 'DEBUG', 'OTHER') AS level, count() AS n
     FROM otel_logs
     WHERE ${inScope(scope)} AND ${TIMESTAMP_IN_RANGE}
       AND ${IN_SERVICES}
       AND ({grep:String} = '' OR positionCaseInsensitiveUTF8(Body, {grep:String}) > 0)
     GROUP BY t, level ORDER BY t`,
    { ...scopeParams(scope), ...rangeParams(range), services, grep, step: Math.round(stepMs / 1000) },
  );
  const byT = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const counts = byT.get(Number(r.t)) ?? {};
    counts[r.level] = Number(r.n);
    byT.set(Number(r.t), counts);
  }
  return [...byT].map(([t, counts]) => ({ t, counts }));
}
