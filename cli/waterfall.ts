// A trace drawn in the terminal: the span tree by parent, each span's service and operation,
// a bar at its offset within the trace, its duration, status and key attributes.
import { millis, pc } from './output.js';

export interface WaterfallSpan {
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  kind: string;
  startNs: string;
  durationMs: number;
  status: string;
  statusMessage: string;
  attributes: Record<string, string>;
  events: Array<{ name: string; attributes: Record<string, string> }>;
}

// The attributes worth a glance, in the order they are shown (old and new semantic conventions).
const KEY_ATTRIBUTES = [
  'http.request.method',
  'http.method',
  'http.route',
  'url.path',
  'http.target',
  'http.url',
  'url.full',
  'http.response.status_code',
  'http.status_code',
  'rpc.service',
  'rpc.method',
  'rpc.grpc.status_code',
  'db.system',
  'db.operation',
  'db.statement',
  'db.query.text',
  'messaging.destination.name',
  'peer.service',
  'server.address',
];

function keyAttributes(s: WaterfallSpan): string {
  const parts: string[] = [];
  for (const k of KEY_ATTRIBUTES) {
    const v = s.attributes[k];
    if (v !== undefined && v !== '') parts.push(`${k}=${v.length > 60 ? `${v.slice(0, 57)}...` : v}`);
    if (parts.length >= 4) break;
  }
  const exception = s.events.find((e) => e.name === 'exception');
  if (exception)
    parts.push(
      `exception: ${exception.attributes['exception.message'] ?? exception.attributes['exception.type'] ?? ''}`,
    );
  // Other events by name (Zipkin annotations arrive as events: "cache miss", "ws", "wr").
  const named = s.events.filter((e) => e.name !== 'exception').map((e) => e.name);
  if (named.length > 0)
    parts.push(`events: ${named.slice(0, 3).join(', ')}${named.length > 3 ? ` (+${named.length - 3})` : ''}`);
  return parts.join(' ');
}

/** Depth-first order by parent, children by start time; orphans (parent not stored) at top level. */
export function orderTree(spans: WaterfallSpan[]): Array<{ span: WaterfallSpan; prefix: string }> {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, WaterfallSpan[]>();
  const roots: WaterfallSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId))
      children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
    else roots.push(s);
  }
  const byStart = (a: WaterfallSpan, b: WaterfallSpan) =>
    BigInt(a.startNs) < BigInt(b.startNs) ? -1 : BigInt(a.startNs) > BigInt(b.startNs) ? 1 : 0;
  const out: Array<{ span: WaterfallSpan; prefix: string }> = [];
  const walk = (s: WaterfallSpan, lead: string, tail: string, depth: number): void => {
    out.push({ span: s, prefix: depth === 0 ? '' : lead });
    const kids = (children.get(s.spanId) ?? []).sort(byStart);
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      walk(k, `${tail}${last ? '└─ ' : '├─ '}`, `${tail}${last ? '   ' : '│  '}`, depth + 1);
    });
  };
  for (const r of roots.sort(byStart)) walk(r, '', '', 0);
  return out;
}

export function renderWaterfall(traceId: string, spans: WaterfallSpan[], barWidth = 40): string {
  if (spans.length === 0) return `trace ${traceId}: no spans`;
  const start = spans.reduce((m, s) => (BigInt(s.startNs) < m ? BigInt(s.startNs) : m), BigInt(spans[0]!.startNs));
  const endNs = spans.reduce((m, s) => {
    const e = BigInt(s.startNs) + BigInt(Math.round(s.durationMs * 1e6));
    return e > m ? e : m;
  }, start);
  const totalMs = Number(endNs - start) / 1e6 || 1;
  const services = new Set(spans.map((s) => s.service));
  const errors = spans.filter((s) => s.status === 'Error').length;
  const rows = orderTree(spans);
  const labels = rows.map(({ span, prefix }) => `${prefix}${span.service} ${span.operation}`);
  const labelWidth = Math.min(60, Math.max(...labels.map((l) => [...l].length)));
  const lines = [
    pc.bold(`trace ${traceId}`) +
      `  ${spans.length} spans, ${services.size} service${services.size > 1 ? 's' : ''}, ${millis(totalMs)}` +
      (errors ? pc.red(`, ${errors} error${errors > 1 ? 's' : ''}`) : ''),
    '',
  ];
  rows.forEach(({ span }, i) => {
    const offsetMs = Number(BigInt(span.startNs) - start) / 1e6;
    const from = Math.min(barWidth - 1, Math.floor((offsetMs / totalMs) * barWidth));
    const len = Math.max(1, Math.round((span.durationMs / totalMs) * barWidth));
    const bar =
      ' '.repeat(from) + '█'.repeat(Math.min(len, barWidth - from)) + ' '.repeat(Math.max(0, barWidth - from - len));
    const failed = span.status === 'Error';
    let label = labels[i]!;
    if ([...label].length > labelWidth) label = `${[...label].slice(0, labelWidth - 1).join('')}…`;
    const status = failed
      ? pc.red(`ERROR${span.statusMessage ? ` ${span.statusMessage}` : ''}`)
      : span.status === 'Ok'
        ? 'OK'
        : '';
    const line = `${label.padEnd(labelWidth)}  ${failed ? pc.red(bar) : pc.cyan(bar)}  ${millis(span.durationMs).padStart(8)}  ${span.kind.padEnd(8)} ${status} ${pc.dim(keyAttributes(span))}`;
    lines.push(failed ? line.replace(label, pc.red(label)) : line);
  });
  return lines.map((l) => l.trimEnd()).join('\n');
}
