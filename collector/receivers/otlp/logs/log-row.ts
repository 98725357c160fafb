// One log record while it is decoded (reused) and its `otel_logs` row writer.
import type { RowBinaryWriter, Str } from '../../../../store/index.js';
import { AttrList, encodeOnce } from '../attributes.js';
import type { ResourceInfo, ScopeContext } from '../envelope.js';
import { type DecodeContext, writeId, type Id } from '../wire.js';

export class LogFields {
  constructor(ctx: DecodeContext) {
    this.attrs = new AttrList(ctx);
  }

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
  readonly attrs: AttrList;
  eventName: Str = '';

  reset(): void {
    this.timeLo = this.timeHi = this.observedLo = this.observedHi = 0;
    this.traceId = this.spanId = '';
    this.flags = this.severityNumber = 0;
    this.severityText = this.body = this.eventName = '';
    this.attrs.reset();
  }

  /** The time the row is stored at: its time, or (like the exporter) its observed time without one. */
  storedNanos(): number {
    return this.timeLo === 0 && this.timeHi === 0
      ? this.observedHi * 4294967296 + this.observedLo
      : this.timeHi * 4294967296 + this.timeLo;
  }
}

export interface LogPrefix {
  /** ServiceName, encoded. */
  service: Buffer;
  /** ResourceSchemaUrl, ResourceAttributes, ScopeSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes. */
  resourceScope: Buffer;
}

export function logPrefix(res: ResourceInfo, sc: ScopeContext): LogPrefix {
  return {
    service: encodeOnce((x) => x.str(res.service)),
    resourceScope: encodeOnce((x) => {
      x.str(res.schemaUrl);
      x.raw(res.attrs);
      x.str(sc.schemaUrl);
      x.str(sc.scope.name);
      x.str(sc.scope.version);
      x.raw(sc.scope.attrs);
    }),
  };
}

export function writeLogRow(w: RowBinaryWriter, l: LogFields, prefix: LogPrefix, namespace: Buffer): void {
  // Like the exporter: a record without a time takes its observed time.
  if (l.timeLo === 0 && l.timeHi === 0) w.u64parts(l.observedLo, l.observedHi);
  else w.u64parts(l.timeLo, l.timeHi);
  writeId(w, l.traceId);
  writeId(w, l.spanId);
  w.u8(l.flags & 0xff);
  w.str(l.severityText);
  w.u8(Math.min(255, Math.max(0, l.severityNumber)));
  w.raw(prefix.service);
  w.str(l.body);
  w.raw(prefix.resourceScope);
  l.attrs.writeMap(w);
  w.str(l.eventName);
  w.raw(namespace);
  w.rows++;
}
