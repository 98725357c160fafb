// ExportLogsServiceRequest (OTLP/JSON) → otel_logs rows.
import { anyValueJson, arrayOf, attributesJson, encodeOnce, resourceJson, scopeJson } from '../otlp/attributes.js';
import type { RequestRows } from '../otlp/request-rows.js';
import { enumFromJson, hexIdFromJson, itemProblem, nanosFromJson, parseJsonBody, u64 } from '../otlp/wire.js';
import { LogFields, writeLogRow } from './log-row.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((l) => [l, `${l}2`, `${l}3`, `${l}4`].map((n) => `SEVERITY_NUMBER_${n}`)),
];

const rec = new LogFields();

export function decodeLogsJson(body: Buffer, namespace: string, out: RequestRows): void {
  const doc = parseJsonBody(body);
  const w = out.writer('otel_logs');
  const ns = encodeOnce((x) => x.str(namespace));
  for (const rlRaw of arrayOf(doc.resourceLogs, 'resourceLogs')) {
    const rl = obj(rlRaw);
    itemProblem.message = null;
    const attrs = resourceJson(rl.resource);
    const service = attrs.get('service.name') ?? '';
    const resourceAttrs = attrs.encode();
    const resourceProblem = itemProblem.message;
    const serviceEnc = encodeOnce((x) => x.str(service));
    for (const slRaw of arrayOf(rl.scopeLogs, 'scopeLogs')) {
      const sl = obj(slRaw);
      itemProblem.message = resourceProblem;
      const scope = scopeJson(sl.scope);
      const scopeProblem = itemProblem.message;
      const resourceScope = encodeOnce((x) => {
        x.str(String(rl.schemaUrl ?? ''));
        x.raw(resourceAttrs);
        x.str(String(sl.schemaUrl ?? ''));
        x.str(scope.name);
        x.str(scope.version);
        x.raw(scope.attrs);
      });
      for (const lrRaw of arrayOf(sl.logRecords, 'logRecords')) {
        itemProblem.message = scopeProblem;
        fillRecord(obj(lrRaw));
        if (itemProblem.message !== null) out.reject(itemProblem.message);
        else {
          writeLogRow(w, rec, serviceEnc, resourceScope, ns);
          out.accepted++;
        }
      }
    }
  }
}

function fillRecord(l: Json): void {
  rec.reset();
  nanosFromJson(l.timeUnixNano, 'timeUnixNano');
  rec.timeLo = u64.lo;
  rec.timeHi = u64.hi;
  nanosFromJson(l.observedTimeUnixNano, 'observedTimeUnixNano');
  rec.observedLo = u64.lo;
  rec.observedHi = u64.hi;
  rec.severityNumber = enumFromJson(l.severityNumber, SEVERITY_NAMES);
  rec.severityText = String(l.severityText ?? '');
  rec.body = anyValueJson(l.body, 0, false);
  attributesJson(l.attributes, rec.attrs);
  rec.flags = Number(l.flags ?? 0) >>> 0;
  rec.traceId = hexIdFromJson(l.traceId, 16, 'traceId');
  rec.spanId = hexIdFromJson(l.spanId, 8, 'spanId');
  rec.eventName = String(l.eventName ?? '');
}
