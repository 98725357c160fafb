// Log search, and the polling read behind live follow.
import {
  IN_SERVICES,
  TIMESTAMP_IN_RANGE,
  capLimit,
  rangeParams,
  type Reader,
  type TimeRange,
  inScope,
  scopeParams,
  type ReadScope,
} from './common.js';

export const SEVERITY_LEVELS = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;
export type SeverityLevel = keyof typeof SEVERITY_LEVELS;

export interface LogFilter {
  services?: string[];
  /** Case-insensitive text the body must contain. */
  grep?: string;
  minLevel?: SeverityLevel;
  traceId?: string;
  limit?: number;
}

export interface LogLine {
  timeMs: number;
  timeNs: string;
  level: string;
  severity: number;
  service: string;
  body: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
  /** Identifies the line for de-duplication while following. */
  key: string;
}

/** A record's severity number; one without a number falls back to its text. */
export const SEVERITY_EXPR = `if(SeverityNumber > 0, SeverityNumber, multiIf(
  upper(SeverityText) IN ('FATAL', 'CRITICAL', 'EMERGENCY', 'ALERT'), 21, upper(SeverityText) IN ('ERROR', 'ERR'), 17,
  upper(SeverityText) IN ('WARN', 'WARNING'), 13, upper(SeverityText) IN ('INFO', 'NOTICE', 'INFORMATION'), 9,
  upper(SeverityText) = 'DEBUG', 5, upper(SeverityText) = 'TRACE', 1, 0))`;

function levelName(n: number, text: string): string {
  if (text) return text.toUpperCase();
  if (n >= 21) return 'FATAL';
  if (n >= 17) return 'ERROR';
  if (n >= 13) return 'WARN';
  if (n >= 9) return 'INFO';
  if (n >= 5) return 'DEBUG';
  return n > 0 ? 'TRACE' : '';
}

/** The newest `limit` lines in the range, returned oldest first (as `tail` shows them). */
export async function searchLogs(
  db: Reader,
  scope: ReadScope | string,
  range: TimeRange,
  f: LogFilter,
): Promise<LogLine[]> {
  const params: Record<string, unknown> = {
    ...scopeParams(scope),
    ...rangeParams(range),
    limit: capLimit(f.limit, 100, 5000),
    services: f.services ?? [],
    grep: f.grep ?? '',
    minLevel: f.minLevel ? SEVERITY_LEVELS[f.minLevel] : 0,
    traceId: f.traceId ?? '',
  };
  const rows = await db.query<{
    ts: string;
    sev: number;
    text: string;
    service: string;
    body: string;
    traceId: string;
    spanId: string;
    attrs: Record<string, string>;
    key: string;
  }>(
    `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts, ${SEVERITY_EXPR} AS sev, SeverityText AS text, ServiceName AS service, Body AS body,
       TraceId AS traceId, SpanId AS spanId, LogAttributes AS attrs,
       toString(cityHash64(Timestamp, ServiceName, Body, TraceId, SpanId, SeverityText)) AS key
     FROM otel_logs
     WHERE ${inScope(scope)}
       AND ${TIMESTAMP_IN_RANGE}
       AND ${IN_SERVICES}
       AND ({grep:String} = '' OR positionCaseInsensitiveUTF8(Body, {grep:String}) > 0)
       AND sev >= {minLevel:UInt8}
       AND ({traceId:String} = '' OR TraceId = {traceId:String})
     ORDER BY Timestamp DESC
     LIMIT {limit:UInt32}`,
    params,
  );
  return rows.reverse().map((r) => ({
    timeNs: r.ts,
    timeMs: Number(BigInt(r.ts) / 1000n) / 1000,
    severity: Number(r.sev),
    level: levelName(Number(r.sev), r.text),
    service: r.service,
    body: r.body,
    traceId: r.traceId,
    spanId: r.spanId,
    attributes: r.attrs,
    key: r.key,
  }));
}
