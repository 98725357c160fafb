// ExportLogsServiceRequest (protobuf) → otel_logs rows.
import { EMPTY_MAP, type RowBinaryWriter, type Str } from '../../store/index.js';
import { anyValueProto, encodeOnce, keyValueProto, resourceProto, scopeProto, type ScopeInfo } from '../otlp/attributes.js';
import type { RequestRows } from '../otlp/request-rows.js';
import {
  collectChildren, createReader, itemProblem, messageEnd, noteProblem, readFixed64, readUtf8, skipField, u64, type Reader,
} from '../otlp/wire.js';
import { LogFields, writeLogRow } from './log-row.js';

const rec = new LogFields();

export function decodeLogsProto(body: Buffer, namespace: string, out: RequestRows): void {
  const r = createReader(body);
  const w = out.writer('otel_logs');
  const ns = encodeOnce((x) => x.str(namespace));
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) resourceLogs(r, messageEnd(r), w, ns, out);
    else skipField(r, tag & 7);
  }
}

function resourceLogs(r: Reader, end: number, w: RowBinaryWriter, ns: Buffer, out: RequestRows): void {
  itemProblem.message = null;
  let service: Str = '';
  let resourceAttrs: Buffer = EMPTY_MAP;
  let schemaUrl: Str = '';
  const scopes = collectChildren(r, end, 2, (field, wt) => {
    if (field === 1 && wt === 2) {
      const attrs = resourceProto(r, messageEnd(r));
      service = attrs.get('service.name') ?? '';
      resourceAttrs = attrs.encode();
      return true;
    }
    if (field === 3 && wt === 2) {
      schemaUrl = readUtf8(r, 'resource schema_url');
      return true;
    }
    return false;
  });
  const resourceProblem = itemProblem.message;
  const serviceEnc = encodeOnce((x) => x.str(service));
  for (let i = 0; i < scopes.length; i += 2) {
    r.pos = scopes[i]!;
    itemProblem.message = resourceProblem;
    scopeLogs(r, scopes[i + 1]!, w, ns, out, serviceEnc, schemaUrl, resourceAttrs);
  }
  r.pos = end;
}

function scopeLogs(
  r: Reader, end: number, w: RowBinaryWriter, ns: Buffer, out: RequestRows,
  serviceEnc: Buffer, resourceSchemaUrl: Str, resourceAttrs: Buffer,
): void {
  let scope: ScopeInfo = { name: '', version: '', attrs: EMPTY_MAP, dropped: 0 };
  let schemaUrl: Str = '';
  const records = collectChildren(r, end, 2, (field, wt) => {
    if (field === 1 && wt === 2) {
      scope = scopeProto(r, messageEnd(r));
      return true;
    }
    if (field === 3 && wt === 2) {
      schemaUrl = readUtf8(r, 'scope schema_url');
      return true;
    }
    return false;
  });
  const scopeProblem = itemProblem.message;
  const resourceScope = encodeOnce((x) => {
    x.str(resourceSchemaUrl);
    x.raw(resourceAttrs);
    x.str(schemaUrl);
    x.str(scope.name);
    x.str(scope.version);
    x.raw(scope.attrs);
  });
  for (let i = 0; i < records.length; i += 2) {
    r.pos = records[i]!;
    itemProblem.message = scopeProblem;
    rec.reset();
    decodeRecord(r, records[i + 1]!);
    if (itemProblem.message !== null) out.reject(itemProblem.message);
    else {
      writeLogRow(w, rec, serviceEnc, resourceScope, ns);
      out.accepted++;
    }
  }
  r.pos = end;
}

function id(r: Reader, bytes: number, field: string): Uint8Array {
  const v = r.bytes();
  if (v.length !== bytes && v.length !== 0) noteProblem(`${field} must be ${bytes} bytes, got ${v.length}`);
  return v;
}

function decodeRecord(r: Reader, end: number): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: if (wt === 1) { readFixed64(r); rec.timeLo = u64.lo; rec.timeHi = u64.hi; continue; } break;
      case 11: if (wt === 1) { readFixed64(r); rec.observedLo = u64.lo; rec.observedHi = u64.hi; continue; } break;
      case 2: if (wt === 0) { rec.severityNumber = r.uint32(); continue; } break;
      case 3: if (wt === 2) { rec.severityText = readUtf8(r, 'severity_text'); continue; } break;
      case 5: if (wt === 2) { rec.body = anyValueProto(r, messageEnd(r), 0); continue; } break;
      case 6: if (wt === 2) { keyValueProto(r, messageEnd(r), rec.attrs); continue; } break;
      case 8: if (wt === 5) { rec.flags = r.fixed32(); continue; } break;
      case 9: if (wt === 2) { rec.traceId = id(r, 16, 'trace_id'); continue; } break;
      case 10: if (wt === 2) { rec.spanId = id(r, 8, 'span_id'); continue; } break;
      case 12: if (wt === 2) { rec.eventName = readUtf8(r, 'event_name'); continue; } break;
    }
    skipField(r, wt);
  }
}
