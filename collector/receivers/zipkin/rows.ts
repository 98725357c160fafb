// Zipkin spans as otel_traces rows, the way OpenTelemetry's Zipkin translation maps them: the
// local endpoint's service is the resource's service.name; kind maps one to one (absent:
// internal); tags are attributes, the `error` tag sets an error status; endpoints become
// net.host.* and peer.service / net.peer.*; annotations become events. A shared server span (the
// server half of a span a client started, B3 style) gets an id of its own under the client's.
import { createHash } from 'node:crypto';
import { AttrList, encodeOnce } from '../../attr-list.js';
import type { RequestRows } from '../../rows.js';
import { EMPTY_MAP } from '../../../store/index.js';
import { SpanFields, type SpanScope, spanPrefix, writeSpanRow } from '../../tables/span-row.js';
import type { ZipkinItem, ZipkinSpan } from './model.js';

// OpenTelemetry's SpanKind numbers: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
const KIND: Record<string, number> = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
const STATUS_OK = 1;
const STATUS_ERROR = 2;

/** Epoch microseconds (possibly fractional) as the two 32-bit halves of epoch nanoseconds. */
function nanos(us: number): { lo: number; hi: number } {
  const whole = Math.trunc(us);
  const n = BigInt(whole) * 1000n + BigInt(Math.round((us - whole) * 1000));
  return { lo: Number(n & 0xffffffffn), hi: Number(n >> 32n) };
}

/** The id of the server half of a shared span: stable, derived from the trace and the client's id. */
const sharedServerId = (s: ZipkinSpan): string =>
  createHash('sha256').update(`${s.traceId}:${s.id}:server`).digest('hex').slice(0, 16);

function fill(span: SpanFields, s: ZipkinSpan): void {
  span.reset();
  span.traceId = s.traceId;
  const shared = s.shared && s.kind === 'SERVER';
  span.spanId = shared ? sharedServerId(s) : s.id;
  span.parentSpanId = shared ? s.id : (s.parentId ?? '');
  span.name = s.name;
  span.kind = s.kind ? KIND[s.kind]! : 1;
  const start = nanos(s.timestamp);
  const end = nanos(s.timestamp + Math.max(0, s.duration));
  [span.startLo, span.startHi, span.endLo, span.endHi] = [start.lo, start.hi, end.lo, end.hi];
  for (const [k, v] of Object.entries(s.tags)) {
    if (k === 'error' || k === 'otel.status_code' || k === 'otel.status_description') continue;
    span.attrs.push(k, v);
  }
  const local = s.localEndpoint;
  if (local?.ipv4 || local?.ipv6) span.attrs.push('net.host.ip', (local.ipv4 ?? local.ipv6)!);
  if (local?.port) span.attrs.push('net.host.port', String(local.port));
  const remote = s.remoteEndpoint;
  if (remote?.serviceName) span.attrs.push('peer.service', remote.serviceName);
  if (remote?.ipv4 || remote?.ipv6) span.attrs.push('net.peer.ip', (remote.ipv4 ?? remote.ipv6)!);
  if (remote?.port) span.attrs.push('net.peer.port', String(remote.port));
  if (shared) span.attrs.push('zipkin.shared', 'true');
  const code = s.tags['otel.status_code'];
  if ('error' in s.tags || code === 'ERROR') {
    span.statusCode = STATUS_ERROR;
    span.statusMessage = s.tags['otel.status_description'] ?? s.tags.error ?? '';
  } else if (code === 'OK') span.statusCode = STATUS_OK;
  for (const a of s.annotations) {
    const t = nanos(a.timestamp);
    span.addEvent(t.lo, t.hi, a.value, new AttrList(span.attrs.ctx).encode());
  }
}

/** Writes the spans as rows, resource by resource (one per local service); bad spans are rejected alone. */
export function writeZipkinSpans(items: readonly ZipkinItem[], namespace: string, out: RequestRows): void {
  const w = out.writer('otel_traces');
  const ns = encodeOnce((x) => x.str(namespace));
  const span = new SpanFields(out.ctx);
  const scopes = new Map<string, SpanScope>();
  const scopeOf = (service: string): SpanScope => {
    let sc = scopes.get(service);
    if (!sc) {
      const resource = new AttrList(out.ctx);
      resource.push('service.name', service);
      sc = spanPrefix(
        { service, attrs: resource.encode(), schemaUrl: '' },
        { scope: { name: 'zipkin', version: '', attrs: EMPTY_MAP, dropped: 0 }, schemaUrl: '' },
      );
      scopes.set(service, sc);
    }
    return sc;
  };
  for (const item of items) {
    out.ctx.problem = 'problem' in item ? item.problem : null;
    if ('problem' in item) {
      out.keep(() => undefined, 0);
      continue;
    }
    fill(span, item.span);
    const scope = scopeOf(item.span.localEndpoint?.serviceName || 'unknown_service');
    out.keep(() => writeSpanRow(w, span, scope, ns), span.startHi * 4294967296 + span.startLo);
  }
}
