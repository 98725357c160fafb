// ExportLogsServiceRequest (OTLP/JSON) → otel_logs rows.
import { encodeOnce } from '../attributes.js';
import { anyValueJson, attributesJson } from '../attributes-json.js';
import { walkJson } from '../envelope.js';
import type { RequestRows } from '../../../rows.js';
import { enumFromJson, hexIdFromJson, nanosFromJson, parseJsonBody } from '../wire.js';
import { LogFields, logPrefix, writeLogRow } from '../../../tables/log-row.js';

const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((l) =>
    [l, `${l}2`, `${l}3`, `${l}4`].map((n) => `SEVERITY_NUMBER_${n}`),
  ),
];

export function decodeLogsJson(body: Buffer, namespace: string, out: RequestRows): void {
  const w = out.writer('otel_logs');
  const ns = encodeOnce((x) => x.str(namespace));
  // The record this decode reuses for every log line (none kept in the module).
  const rec = new LogFields(out.ctx);
  walkJson(
    parseJsonBody(body),
    out.ctx,
    { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' },
    logPrefix,
    (prefix, l) => {
      fillRecord(l, rec);
      out.keep(() => writeLogRow(w, rec, prefix, ns), rec.storedNanos());
    },
  );
}

function fillRecord(l: Record<string, unknown>, rec: LogFields): void {
  const ctx = rec.attrs.ctx;
  const u64 = ctx.u64;
  rec.reset();
  nanosFromJson(ctx, l.timeUnixNano, 'timeUnixNano');
  rec.timeLo = u64.lo;
  rec.timeHi = u64.hi;
  nanosFromJson(ctx, l.observedTimeUnixNano, 'observedTimeUnixNano');
  rec.observedLo = u64.lo;
  rec.observedHi = u64.hi;
  rec.severityNumber = enumFromJson(l.severityNumber, SEVERITY_NAMES);
  rec.severityText = String(l.severityText ?? '');
  rec.body = anyValueJson(l.body, 0, false);
  attributesJson(l.attributes, rec.attrs);
  rec.flags = Number(l.flags ?? 0) >>> 0;
  rec.traceId = hexIdFromJson(ctx, l.traceId, 16, 'traceId');
  rec.spanId = hexIdFromJson(ctx, l.spanId, 8, 'spanId');
  rec.eventName = String(l.eventName ?? '');
}
