// ExportLogsServiceRequest (protobuf) → otel_logs rows.
import { anyValueProto, encodeOnce, keyValueProto } from '../attributes.js';
import { walkProto } from '../envelope.js';
import type { RequestRows } from '../../../rows.js';
import { messageEnd, readFixed64, readIdInto, readUtf8, skipField, type Reader } from '../wire.js';
import { LogFields, logPrefix, writeLogRow } from '../../../tables/log-row.js';

export function decodeLogsProto(body: Buffer, namespace: string, out: RequestRows): void {
  // A record's row takes about 1.3 times its protobuf bytes (ids as hex, the resource in every row).
  const w = out.writer('otel_logs', body.length * 2);
  const ns = encodeOnce((x) => x.str(namespace));
  // The record this decode reuses for every log line (none kept in the module).
  const rec = new LogFields(out.ctx);
  // The record's ids, copied here rather than viewed.
  const ids: RecordIds = { traceId: new Uint8Array(16), spanId: new Uint8Array(8) };
  walkProto(body, out.ctx, logPrefix, (prefix, r, end) => {
    rec.reset();
    decodeRecord(r, end, rec, ids);
    out.keep(() => writeLogRow(w, rec, prefix, ns), rec.storedNanos());
  });
}

interface RecordIds {
  traceId: Uint8Array;
  spanId: Uint8Array;
}

function decodeRecord(r: Reader, end: number, rec: LogFields, ids: RecordIds): void {
  const u64 = r.ctx.u64;
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wt === 1) {
          readFixed64(r);
          rec.timeLo = u64.lo;
          rec.timeHi = u64.hi;
          continue;
        }
        break;
      case 11:
        if (wt === 1) {
          readFixed64(r);
          rec.observedLo = u64.lo;
          rec.observedHi = u64.hi;
          continue;
        }
        break;
      case 2:
        if (wt === 0) {
          rec.severityNumber = r.uint32();
          continue;
        }
        break;
      case 3:
        if (wt === 2) {
          rec.severityText = readUtf8(r, 'severity_text');
          continue;
        }
        break;
      case 5:
        if (wt === 2) {
          rec.body = anyValueProto(r, messageEnd(r), 0);
          continue;
        }
        break;
      case 6:
        if (wt === 2) {
          keyValueProto(r, messageEnd(r), rec.attrs);
          continue;
        }
        break;
      case 8:
        if (wt === 5) {
          rec.flags = r.fixed32();
          continue;
        }
        break;
      case 9:
        if (wt === 2) {
          rec.traceId = readIdInto(r, ids.traceId, 'trace_id');
          continue;
        }
        break;
      case 10:
        if (wt === 2) {
          rec.spanId = readIdInto(r, ids.spanId, 'span_id');
          continue;
        }
        break;
      case 12:
        if (wt === 2) {
          rec.eventName = readUtf8(r, 'event_name');
          continue;
        }
        break;
    }
    skipField(r, wt);
  }
}
