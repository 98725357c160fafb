// One log record while it is decoded (reused) and its `otel_logs` row writer.
import type { RowBinaryWriter, Str } from '../../store/index.js';
import { AttrList } from '../otlp/attributes.js';
import type { Id } from '../traces/span-row.js';

export class LogFields {
  timeLo = 0;
  timeHi = 0;
  observedLo = 0;
  observedHi = 0;
  traceId: Id = '';
  spanId: Id = '';
  flags = 0;
  severityText: Str = '';
  severityNumber = 0;
  body: Str = '';
  readonly attrs = new AttrList();
  eventName: Str = '';

  reset(): void {
    this.timeLo = this.timeHi = this.observedLo = this.observedHi = 0;
    this.traceId = this.spanId = '';
    this.flags = this.severityNumber = 0;
    this.severityText = this.body = this.eventName = '';
    this.attrs.reset();
  }
}

function id(w: RowBinaryWriter, v: Id): void {
  if (typeof v === 'string') w.str(v);
  else w.hex(v);
}

/**
 * `service` is the encoded ServiceName; `resourceScope` the encoded ResourceSchemaUrl,
 * ResourceAttributes, ScopeSchemaUrl, ScopeName, ScopeVersion and ScopeAttributes.
 */
export function writeLogRow(w: RowBinaryWriter, l: LogFields, service: Buffer, resourceScope: Buffer, namespace: Buffer): void {
  // Like the exporter: a record without a time takes its observed time.
  if (l.timeLo === 0 && l.timeHi === 0) w.u64parts(l.observedLo, l.observedHi);
  else w.u64parts(l.timeLo, l.timeHi);
  id(w, l.traceId);
  id(w, l.spanId);
  w.u8(l.flags & 0xff);
  w.str(l.severityText);
  w.u8(Math.min(255, Math.max(0, l.severityNumber)));
  w.raw(service);
  w.str(l.body);
  w.raw(resourceScope);
  l.attrs.writeMap(w);
  w.str(l.eventName);
  w.raw(namespace);
  w.rows++;
}
