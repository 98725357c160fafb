// The measurements behind telemetry rules: each a bounded, parameterised read over a window.
import {
  ENTRY_SPAN,
  TIMESTAMP_IN_RANGE,
  TIMEUNIX_IN_RANGE,
  rangeParams,
  type Reader,
  type TimeRange,
} from './common.js';
import { SEVERITY_EXPR, SEVERITY_LEVELS, type SeverityLevel } from './logs.js';
import { instanceStats } from './runtime.js';

export async function errorRateOver(
  db: Reader,
  ns: string,
  service: string,
  operation: string | undefined,
  range: TimeRange,
): Promise<{ requests: number; errors: number }> {
  const [r] = await db.query<{ requests: string; errors: string }>(
    `SELECT count() AS requests, countIf(StatusCode = 'Error') AS errors FROM otel_traces
     WHERE Namespace = {ns:String} AND ServiceName = {service:String} AND ${TIMESTAMP_IN_RANGE} AND ${ENTRY_SPAN}
       AND ({operation:String} = '' OR SpanName = {operation:String})`,
    { ns, service, operation: operation ?? '', ...rangeParams(range) },
  );
  return { requests: Number(r?.requests ?? 0), errors: Number(r?.errors ?? 0) };
}

export async function latencyOver(
  db: Reader,
  ns: string,
  service: string,
  operation: string | undefined,
  percentile: number,
  range: TimeRange,
): Promise<{ requests: number; ms: number }> {
  const [r] = await db.query<{ requests: string; q: number }>(
    `SELECT count() AS requests, quantile({p:Float64})(Duration) / 1e6 AS q FROM otel_traces
     WHERE Namespace = {ns:String} AND ServiceName = {service:String} AND ${TIMESTAMP_IN_RANGE} AND ${ENTRY_SPAN}
       AND ({operation:String} = '' OR SpanName = {operation:String})`,
    { ns, service, operation: operation ?? '', p: percentile, ...rangeParams(range) },
  );
  return { requests: Number(r?.requests ?? 0), ms: Number.isFinite(r?.q) ? Number(r!.q) : 0 };
}

export async function logCountOver(
  db: Reader,
  ns: string,
  service: string,
  level: SeverityLevel | undefined,
  text: string | undefined,
  range: TimeRange,
): Promise<number> {
  const [r] = await db.query<{ n: string }>(
    `SELECT count() AS n FROM otel_logs
     WHERE Namespace = {ns:String} AND ServiceName = {service:String} AND ${TIMESTAMP_IN_RANGE}
       AND ${SEVERITY_EXPR} >= {minLevel:UInt8}
       AND ({text:String} = '' OR positionCaseInsensitiveUTF8(Body, {text:String}) > 0)`,
    { ns, service, minLevel: level ? SEVERITY_LEVELS[level] : 0, text: text ?? '', ...rangeParams(range) },
  );
  return Number(r?.n ?? 0);
}

/** When the service last sent anything (spans, logs or metrics), or null if not in the range. */
export async function lastTelemetryAt(
  db: Reader,
  ns: string,
  service: string,
  range: TimeRange,
): Promise<number | null> {
  const [r] = await db.query<{ last: string }>(
    `SELECT toString(max(t)) AS last FROM (
       SELECT max(toUnixTimestamp64Milli(Timestamp)) AS t FROM otel_traces WHERE Namespace = {ns:String} AND ServiceName = {service:String} AND ${TIMESTAMP_IN_RANGE}
       UNION ALL SELECT max(toUnixTimestamp64Milli(Timestamp)) FROM otel_logs WHERE Namespace = {ns:String} AND ServiceName = {service:String} AND ${TIMESTAMP_IN_RANGE}
       UNION ALL SELECT max(toUnixTimestamp64Milli(TimeUnix)) FROM otel_metrics_gauge WHERE Namespace = {ns:String} AND ServiceName = {service:String} AND ${TIMEUNIX_IN_RANGE}
         -- A scrape's own series (up, scrape_*) are written even when the target says nothing.
         AND MetricName NOT IN ('up', 'scrape_duration_seconds', 'scrape_samples_scraped')
       UNION ALL SELECT max(toUnixTimestamp64Milli(TimeUnix)) FROM otel_metrics_sum WHERE Namespace = {ns:String} AND ServiceName = {service:String} AND ${TIMEUNIX_IN_RANGE}
     )`,
    { ns, service, ...rangeParams(range) },
  );
  const last = Number(r?.last ?? 0);
  return last > 0 ? last : null;
}

/** The highest value of a runtime stat across the service's instances. */
export async function runtimeStatMax(
  db: Reader,
  ns: string,
  service: string,
  stat: 'memory' | 'cpu' | 'threads',
  range: TimeRange,
): Promise<{ value: number | null; instance: string | null }> {
  const instances = await instanceStats(db, ns, [service], range);
  let best: { value: number | null; instance: string | null } = { value: null, instance: null };
  for (const i of instances) {
    const v = stat === 'memory' ? i.memoryBytes : stat === 'cpu' ? i.cpuPercent : i.threads;
    if (v !== null && (best.value === null || v > best.value)) best = { value: v, instance: i.instance };
  }
  return best;
}
