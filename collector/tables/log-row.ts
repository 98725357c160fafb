// One log record while it is decoded (reused) and its `otel_logs` row writer.
import { LAYOUTS, type Str } from '../../store/index.js';
import { type ColumnEncoder, type RowWriter, WITH_PREVIOUS, compileRowWriter } from '../row-writer.js';
import { AttrList, encodeOnce } from '../attr-list.js';
import type { ResourceInfo, ScopeContext } from './scope.js';
import type { DecodeContext } from '../decode-context.js';
import { writeId, type Id } from './ids.js';

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

/** The columns every log line of one resource and scope shares, each encoded once. */
export interface LogScope {
  service: Buffer;
  /** ResourceSchemaUrl, ResourceAttributes, ScopeSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes, as one block. */
  resourceScope: Buffer;
}

export function logPrefix(res: ResourceInfo, sc: ScopeContext): LogScope {
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

/** How each otel_logs column is written; the order is the table's declaration (LAYOUTS). */
const LOG_COLUMNS: Record<string, ColumnEncoder<LogFields, LogScope> | typeof WITH_PREVIOUS> = {
  // Like the exporter: a record without a time takes its observed time.
  Timestamp: (w, l) =>
    l.timeLo === 0 && l.timeHi === 0 ? w.u64parts(l.observedLo, l.observedHi) : w.u64parts(l.timeLo, l.timeHi),
  TraceId: (w, l) => writeId(w, l.traceId),
  SpanId: (w, l) => writeId(w, l.spanId),
  TraceFlags: (w, l) => w.u8(l.flags & 0xff),
  SeverityText: (w, l) => w.str(l.severityText),
  SeverityNumber: (w, l) => w.u8(Math.min(255, Math.max(0, l.severityNumber))),
  ServiceName: (w, _l, sc) => w.raw(sc.service),
  Body: (w, l) => w.str(l.body),
  ResourceSchemaUrl: (w, _l, sc) => w.raw(sc.resourceScope),
  ResourceAttributes: WITH_PREVIOUS,
  ScopeSchemaUrl: WITH_PREVIOUS,
  ScopeName: WITH_PREVIOUS,
  ScopeVersion: WITH_PREVIOUS,
  ScopeAttributes: WITH_PREVIOUS,
  LogAttributes: (w, l) => l.attrs.writeMap(w),
  EventName: (w, l) => w.str(l.eventName),
  Namespace: (w, _l, _sc, ns) => w.raw(ns),
};

/** One log record as an otel_logs row, in the declared column order. */
export const writeLogRow: RowWriter<LogFields, LogScope> = compileRowWriter(LAYOUTS.otel_logs, LOG_COLUMNS);
