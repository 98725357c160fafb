// Span aggregates by minute, from where they are cheapest: the per-minute rollup
// (`otel_traces_red_1m`, kept by a materialized view) for the whole minutes of a long enough range,
// and raw spans for its ragged edges (and for short ranges). Both sides yield the same columns,
// latency as a mergeable quantiles state, so a read aggregates them alike and answers the same.
import { ENTRY_SPAN, type TimeRange } from './common.js';

/**
 * Ranges at least this long read the rollup for their whole minutes. Shorter ones read raw spans:
 * measured at 10M spans, a 15-minute window was quicker raw (the edges cost two more scans).
 */
export const ROLLUP_FROM_MS = 60 * 60_000;

/** `auto`: the rollup when the range is long enough; `raw` and `rollup` force one (tests compare them). */
export type SpanSource = 'auto' | 'raw' | 'rollup';

const MINUTE = 60_000;

/** The whole minutes of a range, when the rollup serves them. */
export function rollupMinutes(range: TimeRange, source: SpanSource): { fromMs: number; toMs: number } | null {
  if (source === 'raw') return null;
  const fromMs = Math.ceil(range.fromMs / MINUTE) * MINUTE;
  const toMs = Math.floor(range.toMs / MINUTE) * MINUTE;
  if (toMs <= fromMs || (source === 'auto' && range.toMs - range.fromMs < ROLLUP_FROM_MS)) return null;
  return { fromMs, toMs };
}

const HOUR = 3600_000;

/** Within the rollup's minutes, the whole hours the hourly rollup serves (null: none). */
export function rollupHours(minutes: { fromMs: number; toMs: number } | null): { fromMs: number; toMs: number } | null {
  if (!minutes) return null;
  const fromMs = Math.ceil(minutes.fromMs / HOUR) * HOUR;
  const toMs = Math.floor(minutes.toMs / HOUR) * HOUR;
  return toMs > fromMs ? { fromMs, toMs } : null;
}

/** The minute rows not covered by the hours: `Minute` in [rFrom, hFrom) or [hTo, rTo). */
export const MINUTES_OUTSIDE_HOURS =
  'NOT (Minute >= toDateTime(intDiv({hFrom:Int64}, 1000)) AND Minute < toDateTime(intDiv({hTo:Int64}, 1000)))';

const COLUMNS =
  'Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Minute, Spans, Errors, Latency, Last, Version';

/**
 * A subquery of span aggregates per (namespace, service, operation, instance, entry, minute) over
 * `range`. `where` (on Namespace, ServiceName, SpanName) narrows both sides; `entryOnly` keeps the
 * spans that enter a service. Parameters: `{from:Int64}`, `{to:Int64}` (range) and `{rFrom:Int64}`,
 * `{rTo:Int64}` (the rollup's minutes), all Unix ms.
 */
export function spanMinutes(
  range: TimeRange,
  source: SpanSource,
  where: string,
  entryOnly: boolean,
  /** How raw spans are bucketed (steps finer than a minute read raw spans only). */
  rawTime = 'toStartOfMinute(Timestamp)',
  /** Whether whole hours may come from the hourly rollup (not for steps finer than an hour). */
  allowHours = true,
): { sql: string; params: Record<string, number> } {
  const minutes = rollupMinutes(range, source);
  const hours = allowHours ? rollupHours(minutes) : null;
  const raw = (timeCondition: string) => `
    SELECT Namespace, ServiceName, SpanName, ServiceInstance, toUInt8(${ENTRY_SPAN}) AS IsEntry,
      toDateTime(${rawTime}) AS Minute, toUInt64(count()) AS Spans,
      toUInt64(countIf(StatusCode = 'Error')) AS Errors, quantilesState(0.5, 0.95, 0.99)(Duration) AS Latency,
      max(Timestamp) AS Last, toString(anyLast(ServiceVersion)) AS Version
    FROM otel_traces
    WHERE ${where} AND ${timeCondition}${entryOnly ? ` AND ${ENTRY_SPAN}` : ''}
    GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Minute`;
  const inRange = (a: string, b: string) =>
    `Timestamp >= fromUnixTimestamp64Milli({${a}:Int64}) AND Timestamp < fromUnixTimestamp64Milli({${b}:Int64})`;
  const params = { from: Math.floor(range.fromMs), to: Math.ceil(range.toMs) };
  if (!minutes) return { sql: `SELECT ${COLUMNS} FROM (${raw(inRange('from', 'to'))})`, params };
  const rolled = `
    SELECT Namespace, ServiceName, SpanName, ServiceInstance, toUInt8(IsEntry) AS IsEntry, Minute,
      toUInt64(Spans) AS Spans, toUInt64(Errors) AS Errors, Latency, Last, toString(Version) AS Version
    FROM otel_traces_red_1m
    WHERE ${where} AND Minute >= toDateTime(intDiv({rFrom:Int64}, 1000)) AND Minute < toDateTime(intDiv({rTo:Int64}, 1000))
      ${entryOnly ? 'AND IsEntry' : ''}${hours ? ` AND ${MINUTES_OUTSIDE_HOURS}` : ''}`;
  const hourly = `
    SELECT Namespace, ServiceName, SpanName, ServiceInstance, toUInt8(IsEntry) AS IsEntry, Hour AS Minute,
      toUInt64(Spans) AS Spans, toUInt64(Errors) AS Errors, Latency, Last, toString(Version) AS Version
    FROM otel_traces_red_1h
    WHERE ${where} AND Hour >= toDateTime(intDiv({hFrom:Int64}, 1000)) AND Hour < toDateTime(intDiv({hTo:Int64}, 1000))
      ${entryOnly ? 'AND IsEntry' : ''}`;
  return {
    sql: `SELECT ${COLUMNS} FROM (${rolled}${hours ? ` UNION ALL ${hourly}` : ''}
      UNION ALL ${raw(`((${inRange('from', 'rFrom')}) OR (${inRange('rTo', 'to')}))`)})`,
    params: {
      ...params,
      rFrom: minutes.fromMs,
      rTo: minutes.toMs,
      ...(hours ? { hFrom: hours.fromMs, hTo: hours.toMs } : {}),
    },
  };
}
