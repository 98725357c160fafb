// Span aggregates by minute, from where they are cheapest. Windows past a few minutes are read at
// minute resolution from the rollups (kept by materialized views): their start is widened to its
// minute and their end to the end of its minute (the current minute holds what has come so far),
// whole hours come from the rollups' hour rows and the rest from their minute rows. Shorter windows,
// and steps finer than a minute, read raw spans. Both sides yield the same columns (latency as a
// mergeable DDSketch state), so a read aggregates them alike and answers the same on the same minutes.
import { ENTRY_SPAN, GRAINS, LATENCY } from '../telemetry-names.js';
import type { TimeRange } from './common.js';

/**
 * Windows at least this long read the rollups. Shorter ones read raw spans: a few minutes of raw
 * spans are cheap, and a window widened by up to a minute would change them much.
 */
export const ROLLUP_FROM_MS = 10 * 60_000;

/** `auto`: the rollups when the window is long enough; `raw` and `rollup` force one (tests compare them). */
export type SpanSource = 'auto' | 'raw' | 'rollup';

const MINUTE = 60_000;
const HOUR = 3600_000;

/** What a read covers: the window as read (widened to whole minutes when the rollups serve it). */
export interface ReadWindow {
  range: TimeRange;
  rollup: boolean;
}

/**
 * A window that ends now (or later) is widened to the end of its hour: nothing is stored after now,
 * so the hourly rollup's row of the current hour (kept up to date by its view) answers for the
 * current hour, and only the window's first partial hour is read minute by minute.
 */
export function readWindow(range: TimeRange, source: SpanSource, nowMs: number = Date.now()): ReadWindow {
  const rollup = source === 'rollup' || (source === 'auto' && range.toMs - range.fromMs >= ROLLUP_FROM_MS);
  if (!rollup) return { range, rollup };
  const fromMs = Math.floor(range.fromMs / MINUTE) * MINUTE;
  const grain = range.toMs >= nowMs ? HOUR : MINUTE;
  return { range: { fromMs, toMs: Math.max(fromMs + MINUTE, Math.ceil(range.toMs / grain) * grain) }, rollup };
}

/** Seconds a rate is taken over: the window as read, up to its requested end (nothing is stored after now). */
export function rateSeconds(requested: TimeRange, read: ReadWindow): number {
  return Math.max(1, (Math.min(requested.toMs, read.range.toMs) - read.range.fromMs) / 1000);
}

/** Within a window of whole minutes, the whole hours the hourly rollups serve (null: none). */
export function rollupHours(minutes: TimeRange): TimeRange | null {
  const fromMs = Math.ceil(minutes.fromMs / HOUR) * HOUR;
  const toMs = Math.floor(minutes.toMs / HOUR) * HOUR;
  return toMs > fromMs ? { fromMs, toMs } : null;
}

const inMinutes = (col: string, a: string, b: string) =>
  `${col} >= toDateTime(intDiv({${a}:Int64}, 1000)) AND ${col} < toDateTime(intDiv({${b}:Int64}, 1000))`;

/**
 * The rollup rows of a window: minute rows outside its whole hours, and hour rows (every rollup
 * table holds both grains, by `Grain`, with their start in `Time`). `select` is the SELECT from the
 * rollup table with its WHERE opened (conditions are appended with AND).
 * Parameters: `{from:Int64}`, `{to:Int64}`, and `{hFrom:Int64}`, `{hTo:Int64}` for the hours.
 */
export function rollupRows(
  window: TimeRange,
  allowHours: boolean,
  select: string,
): { sql: string; params: Record<string, number> } {
  const hours = allowHours ? rollupHours(window) : null;
  const params = { from: window.fromMs, to: window.toMs };
  const minutes = `${select} AND Grain = ${GRAINS.minute} AND ${inMinutes('Time', 'from', 'to')}`;
  if (!hours) return { sql: minutes, params };
  return {
    sql: `${minutes} AND NOT (${inMinutes('Time', 'hFrom', 'hTo')})
      UNION ALL ${select} AND Grain = ${GRAINS.hour} AND ${inMinutes('Time', 'hFrom', 'hTo')}`,
    params: { ...params, hFrom: hours.fromMs, hTo: hours.toMs },
  };
}

const RAW_IN_RANGE =
  'Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})';

export interface SpanRead {
  /** How raw spans are bucketed (steps finer than a minute read raw spans only). */
  rawTime?: string;
  /** Whether whole hours may come from the hourly rollup (not for steps finer than an hour). */
  allowHours?: boolean;
}

/**
 * Span counts per (namespace, service, operation, instance, entry, minute) over a window:
 * Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Minute, Spans, Errors, Last, Version.
 * `where` (on Namespace, ServiceName, SpanName) narrows both sides; `entryOnly` keeps entry spans.
 */
export function spanCounts(
  read: ReadWindow,
  where: string,
  entryOnly: boolean,
  opts: SpanRead = {},
): { sql: string; params: Record<string, number> } {
  const entry = entryOnly ? ` AND ${ENTRY_SPAN}` : '';
  if (!read.rollup)
    return {
      sql: `SELECT Namespace, ServiceName, SpanName, ServiceInstance, toUInt8(${ENTRY_SPAN}) AS IsEntry,
          toDateTime(${opts.rawTime ?? 'toStartOfMinute(Timestamp)'}) AS Minute, toUInt64(count()) AS Spans,
          toUInt64(countIf(StatusCode = 'Error')) AS Errors, max(Timestamp) AS Last,
          toString(anyLast(ServiceVersion)) AS Version
        FROM otel_traces
        WHERE ${where} AND ${RAW_IN_RANGE}${entry}
        GROUP BY Namespace, ServiceName, SpanName, ServiceInstance, IsEntry, Minute`,
      params: { from: Math.floor(read.range.fromMs), to: Math.ceil(read.range.toMs) },
    };
  return rollupRows(
    read.range,
    opts.allowHours ?? true,
    `
      SELECT Namespace, ServiceName, SpanName, ServiceInstance, toUInt8(IsEntry) AS IsEntry, Time AS Minute,
        toUInt64(Spans) AS Spans, toUInt64(Errors) AS Errors, Last, toString(Version) AS Version
      FROM otel_traces_red
      WHERE ${where}${entryOnly ? ' AND IsEntry' : ''}`,
  );
}

/**
 * Latency states of entry spans per (namespace, service, operation, minute) over a window:
 * Namespace, ServiceName, SpanName, Minute, Latency (merge with `LATENCY.merge`).
 */
export function spanLatency(
  read: ReadWindow,
  where: string,
  opts: SpanRead = {},
): { sql: string; params: Record<string, number> } {
  if (!read.rollup)
    return {
      sql: `SELECT Namespace, ServiceName, SpanName,
          toDateTime(${opts.rawTime ?? 'toStartOfMinute(Timestamp)'}) AS Minute, ${LATENCY.state}(Duration) AS Latency
        FROM otel_traces
        WHERE ${where} AND ${RAW_IN_RANGE} AND ${ENTRY_SPAN}
        GROUP BY Namespace, ServiceName, SpanName, Minute`,
      params: { from: Math.floor(read.range.fromMs), to: Math.ceil(read.range.toMs) },
    };
  return rollupRows(
    read.range,
    opts.allowHours ?? true,
    `
      SELECT Namespace, ServiceName, SpanName, Time AS Minute, Latency
      FROM otel_traces_latency
      WHERE ${where}`,
  );
}

/** Latency quantiles (p50, p95, p99) in ms from a merged state in ns; zeros when there were no entry spans. */
export function quantilesMs(q: number[] | undefined): [number, number, number] {
  const ms = (q ?? []).map((v) => (Number.isFinite(v) ? v / 1e6 : 0));
  return [ms[0] ?? 0, ms[1] ?? 0, ms[2] ?? 0];
}
