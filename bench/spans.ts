// Synthetic but realistic telemetry, written straight as RowBinary in the collector's layouts:
// traces of ~10 spans across 2–4 of 20 services, and runtime metrics every 10 s per instance.
import { randomBytes } from 'node:crypto';
import { type RowBinaryWriter, encodeStringMap } from '../store/index.js';

const SERVICES = Array.from({ length: 20 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
const OPERATIONS = [
  'GET /api/items/{id}',
  'POST /api/orders',
  'GET /api/users/{id}',
  'SELECT orders',
  'publish events',
  'GET /healthz',
];

/** A time in ms as the two 32-bit halves of its nanoseconds (DateTime64(9) on the wire). */
export function nanos(ms: number): [number, number] {
  const ns = BigInt(Math.floor(ms * 1000)) * 1000n;
  return [Number(ns & 0xffffffffn), Number(ns >> 32n)];
}

/** One span as bench data makes it: ids raw, the resource map already encoded. */
export interface BenchSpan {
  startMs: number;
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer | null;
  name: string;
  kind: string;
  service: string;
  resource: Buffer;
  scope: string;
  scopeVersion: string;
  attributes: ReadonlyArray<readonly [string, string]>;
  durationNs: number;
  status: 'Unset' | 'Error';
  statusMessage: string;
  /** An exception event at this time, with these encoded attributes. */
  exception?: { atMs: number; attributes: Buffer };
}

/** Appends one row of otel_traces in the collector's column order (store's LAYOUTS.otel_traces). */
export function writeSpanRow(w: RowBinaryWriter, s: BenchSpan): void {
  const [lo, hi] = nanos(s.startMs);
  w.u64parts(lo, hi);
  w.hex(s.traceId);
  w.hex(s.spanId);
  if (s.parentSpanId) w.hex(s.parentSpanId);
  else w.str('');
  w.str('');
  w.str(s.name);
  w.str(s.kind);
  w.str(s.service);
  w.raw(s.resource);
  w.str(s.scope);
  w.str(s.scopeVersion);
  w.varint(s.attributes.length);
  for (const [k, v] of s.attributes) {
    w.str(k);
    w.str(v);
  }
  w.u64(s.durationNs);
  w.str(s.status);
  w.str(s.statusMessage);
  if (s.exception) {
    const [elo, ehi] = nanos(s.exception.atMs);
    w.varint(1);
    w.u64parts(elo, ehi);
    w.varint(1);
    w.str('exception');
    w.varint(1);
    w.raw(s.exception.attributes);
  } else for (let k = 0; k < 3; k++) w.varint(0);
  for (let k = 0; k < 4; k++) w.varint(0); // links
  w.str('default');
  w.rows++;
}

const resources = SERVICES.map((s) =>
  [0, 1].map((i) =>
    encodeStringMap(
      ['service.name', 'service.instance.id', 'service.version', 'host.name', 'telemetry.sdk.language'],
      [s, `${s}-${i}`, '1.2.3', `node-${i}`, 'nodejs'],
    ),
  ),
);

export interface GeneratedTraces {
  rows: number;
  sampleTraceIds: string[];
}

/** Appends `traces` traces of 10 spans, with start times spread over [fromMs, toMs). */
export function writeTraces(
  w: RowBinaryWriter,
  traces: number,
  fromMs: number,
  toMs: number,
  sample: string[],
): number {
  let rows = 0;
  // One call for all the ids of the batch: 16 bytes a trace, 8 a span.
  const pool = randomBytes(traces * (16 + 10 * 8));
  let at = 0;
  const take = (n: number): Buffer => {
    const start = at;
    at += n;
    return pool.subarray(start, at);
  };
  for (let t = 0; t < traces; t++) {
    const traceId = take(16);
    if (sample.length < 2000 && Math.random() < 0.01) sample.push(traceId.toString('hex'));
    const start = fromMs + Math.random() * (toMs - fromMs);
    const svcs = [0, 1, 2, 3].slice(0, 2 + (t % 3)).map(() => Math.floor(Math.random() * SERVICES.length));
    const ids: Buffer[] = [];
    for (let i = 0; i < 10; i++) {
      const spanId = take(8);
      ids.push(spanId);
      const svc = svcs[Math.min(svcs.length - 1, Math.floor(i / 3))]!;
      const error = Math.random() < 0.02;
      writeSpanRow(w, {
        startMs: start + i * 2,
        traceId,
        spanId,
        parentSpanId: i === 0 ? null : ids[Math.floor((i - 1) / 2)]!,
        name: OPERATIONS[(t + i) % OPERATIONS.length]!,
        kind: i === 0 || i % 3 === 0 ? 'Server' : 'Client',
        service: SERVICES[svc]!,
        resource: resources[svc]![t % 2]!,
        scope: '@opentelemetry/instrumentation-http',
        scopeVersion: '0.52.0',
        attributes: [
          ['http.method', 'GET'],
          ['http.status_code', error ? '500' : '200'],
          ['http.url', `https://shop.example.com/api/items/${t % 10000}`],
          ['net.peer.name', `db-${t % 7}`],
          ['thread.id', String(i)],
        ],
        durationNs: Math.floor(200_000 + Math.random() * 50_000_000),
        status: error ? 'Error' : 'Unset',
        statusMessage: error ? 'upstream failed' : '',
      });
      rows++;
    }
  }
  return rows;
}

/** Runtime metrics of every instance every 10 s over the range, as otel_metrics_gauge rows. */
export function writeRuntimeGauges(w: RowBinaryWriter, fromMs: number, toMs: number): number {
  let rows = 0;
  const metrics = [
    ['process.cpu.utilization', '1'],
    ['process.memory.usage', 'By'],
    ['process.thread.count', '{thread}'],
    ['process.uptime', 's'],
  ];
  for (let s = 0; s < SERVICES.length; s++) {
    for (let i = 0; i < 2; i++) {
      for (let at = fromMs; at < toMs; at += 10_000) {
        for (const [name, unit] of metrics) {
          w.raw(resources[s]![i]!);
          w.str('');
          w.str('micro-observe/instrument');
          w.str('');
          w.raw(Buffer.from([0]));
          w.u32(0);
          w.str('');
          w.str(SERVICES[s]!);
          w.str(name!);
          w.str('');
          w.str(unit!);
          w.varint(0);
          const [slo, shi] = nanos(fromMs);
          w.u64parts(slo, shi);
          const [lo, hi] = nanos(at);
          w.u64parts(lo, hi);
          w.f64(
            name === 'process.cpu.utilization'
              ? Math.random() * 0.5
              : name === 'process.memory.usage'
                ? 80e6 + Math.random() * 1e6
                : name === 'process.uptime'
                  ? (at - fromMs) / 1000
                  : 11,
          );
          w.u32(0);
          for (let k = 0; k < 5; k++) w.varint(0);
          w.str('default');
          w.rows++;
          rows++;
        }
      }
    }
  }
  return rows;
}

export const BENCH_SERVICES = SERVICES;
