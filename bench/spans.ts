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

function nanos(ms: number): [number, number] {
  const ns = BigInt(Math.floor(ms * 1000)) * 1000n;
  return [Number(ns & 0xffffffffn), Number(ns >> 32n)];
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
      const [lo, hi] = nanos(start + i * 2);
      w.u64parts(lo, hi);
      w.hex(traceId);
      w.hex(spanId);
      if (i === 0) w.str('');
      else w.hex(ids[Math.floor((i - 1) / 2)]!);
      w.str('');
      w.str(OPERATIONS[(t + i) % OPERATIONS.length]!);
      w.str(i === 0 || i % 3 === 0 ? 'Server' : 'Client');
      w.str(SERVICES[svc]!);
      w.raw(resources[svc]![t % 2]!);
      w.str('@opentelemetry/instrumentation-http');
      w.str('0.52.0');
      w.varint(5);
      w.str('http.method');
      w.str('GET');
      w.str('http.status_code');
      w.str(error ? '500' : '200');
      w.str('http.url');
      w.str(`https://shop.example.com/api/items/${t % 10000}`);
      w.str('net.peer.name');
      w.str(`db-${t % 7}`);
      w.str('thread.id');
      w.str(String(i));
      w.u64(Math.floor(200_000 + Math.random() * 50_000_000));
      w.str(error ? 'Error' : 'Unset');
      w.str(error ? 'upstream failed' : '');
      for (let k = 0; k < 7; k++) w.varint(0);
      w.str('default');
      w.rows++;
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
