// Distinct trace requests, encoded ahead of time so a test can send faster than the store writes.
import { randomBytes } from 'node:crypto';
import { encodeTraces, kv, nanos } from './otlp-proto.js';

export interface EncodedTrace {
  traceId: string;
  spans: number;
  body: Buffer;
}

export function encodedTraces(count: number, spansEach: number, service = 'load'): EncodedTrace[] {
  const out: EncodedTrace[] = [];
  for (let t = 0; t < count; t++) {
    const traceId = randomBytes(16);
    const spans = Array.from({ length: spansEach }, (_, i) => ({
      trace_id: traceId,
      span_id: randomBytes(8),
      parent_span_id: i === 0 ? Buffer.alloc(0) : randomBytes(8),
      name: `GET /api/items/${i % 20}`,
      kind: i === 0 ? 2 : 3,
      start_time_unix_nano: nanos(i * 1000),
      end_time_unix_nano: nanos(i * 1000 + 250_000),
      attributes: [
        kv('http.method', 'GET'),
        kv('http.status_code', 200),
        kv('http.url', `http://shop.local/api/items/${i}`),
        kv('net.peer.name', 'db-1'),
      ],
      status: { code: 0 },
    }));
    const body = encodeTraces({
      resource_spans: [
        {
          resource: {
            attributes: [kv('service.name', service), kv('service.instance.id', 'i-1'), kv('host.name', 'node-1')],
          },
          scope_spans: [{ scope: { name: 'load' }, spans }],
        },
      ],
    });
    out.push({ traceId: traceId.toString('hex'), spans: spansEach, body });
  }
  return out;
}

/** Sends every body with `concurrency` requests in flight; returns each one's HTTP status. */
export async function sendAll(
  url: string,
  traces: EncodedTrace[],
  concurrency: number,
  onAnswer?: (t: EncodedTrace, status: number, retryAfter: string | null) => void,
): Promise<Map<string, number>> {
  const status = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < traces.length) {
      const t = traces[next++]!;
      try {
        const res = await fetch(`${url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: t.body as BodyInit,
        });
        await res.arrayBuffer();
        status.set(t.traceId, res.status);
        onAnswer?.(t, res.status, res.headers.get('retry-after'));
      } catch {
        status.set(t.traceId, -1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return status;
}
