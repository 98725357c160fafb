// Parsing and bounding of query parameters shared by the telemetry routes.
import ms from 'ms';
import { parseDuration } from '../config/index.js';
import type { TimeRange } from '../store/index.js';
import { ApiError } from './errors.js';

const MAX_RANGE_MS = 31 * 86400_000;

export function parseDurationParam(name: string, value: string | undefined, fallback?: string): number | undefined {
  const raw = value ?? fallback;
  if (raw === undefined || raw === '') return undefined;
  const n = parseDuration(raw);
  if (n === null)
    throw new ApiError(
      'BAD_REQUEST',
      `${name}: "${raw}" is not a duration of at most 100 years; write it like 500ms, 30s, 15m, 2h or 7d`,
    );
  return n;
}

/** `since` back from now, capped to 31 days. */
export function rangeFromSince(
  since: string | undefined,
  fallback: string,
  now = Date.now(),
): TimeRange & { sinceMs: number } {
  const sinceMs = Math.min(parseDurationParam('since', since, fallback)!, MAX_RANGE_MS);
  return { fromMs: now - sinceMs, toMs: now + 1, sinceMs };
}

export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function describeSince(sinceMs: number): string {
  return `the last ${ms(sinceMs, { long: true })}`;
}

export const TRACE_ID = /^[0-9a-f]{32}$/;

/** `from` and `to` (Unix ms) when both are given, else the last `since`: what the console's range picker sends. */
export function rangeOf(
  q: { since?: string | string[]; from?: number; to?: number },
  fallback: string,
  now = Date.now(),
): TimeRange & { sinceMs: number } {
  if (q.from === undefined && q.to === undefined)
    return rangeFromSince(Array.isArray(q.since) ? q.since[0] : q.since, fallback, now);
  if (q.from === undefined || q.to === undefined) throw new ApiError('BAD_REQUEST', 'give both from and to (Unix ms)');
  if (!(q.from < q.to)) throw new ApiError('BAD_REQUEST', 'from must be before to');
  if (q.to - q.from > MAX_RANGE_MS) throw new ApiError('BAD_REQUEST', `a range is at most ${ms(MAX_RANGE_MS)}`);
  return { fromMs: q.from, toMs: q.to, sinceMs: q.to - q.from };
}
