// Prometheus remote write on the OTLP/HTTP port: POST /api/v1/write, snappy-compressed protobuf,
// Remote-Write 1.0 (prometheus.WriteRequest) or 2.0 (Content-Type
// application/x-protobuf;proto=io.prometheus.write.v2.Request). Acknowledged (204) only once
// stored; 429 with Retry-After on overload and 5xx when the store cannot write (Prometheus
// retries both); 400 on bad input (Prometheus drops it). The same tokens and namespaces as OTLP.
// Each request is inserted as its own block under a token made from its bytes, so a request
// Prometheus sends again (stored, but the answer was lost to a crash) is stored once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import snappy from 'snappyjs';
import { type IngestContext, httpStatusOf, ingest } from '../../ingest.js';
import { decodeWriteRequestV1, decodeWriteRequestV2, type PromMeta } from './proto.js';
import { writePromSeries } from './rows.js';

export interface RemoteWriteOptions {
  maxBodyBytes: number;
  path?: string;
}

/** Metadata families remembered per namespace (1.0 sends metadata apart from samples). */
const MAX_FAMILIES = 50_000;

/** The uncompressed length a snappy block announces (a varint at its start). */
function snappyLength(b: Buffer): number {
  let n = 0;
  for (let i = 0, shift = 0; i < Math.min(b.length, 5); i++, shift += 7) {
    n += (b[i]! & 0x7f) * 2 ** shift;
    if ((b[i]! & 0x80) === 0) return n;
  }
  return Number.POSITIVE_INFINITY;
}

export function registerRemoteWrite(app: FastifyInstance, ctx: IngestContext, opts: RemoteWriteOptions): void {
  const metadata = new Map<string, Map<string, PromMeta>>();
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxBodyBytes }, (_req, body, done) =>
      done(null, body),
    );
    const answer = (reply: FastifyReply, status: number, message: string): FastifyReply => {
      ctx.metrics.requests.labels('metrics', 'prometheus', String(status)).inc();
      return reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(message);
    };
    scope.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      return answer(reply, status, err.message);
    });
    scope.post(opts.path ?? '/api/v1/write', async (req: FastifyRequest, reply) => {
      const raw = req.body as Buffer | undefined;
      if (!raw || raw.length === 0) return answer(reply, 400, 'the request body is empty');
      const encoding = String(req.headers['content-encoding'] ?? 'snappy').toLowerCase();
      if (encoding !== 'snappy')
        return answer(reply, 415, `unsupported content encoding ${JSON.stringify(encoding)}: remote write is snappy`);
      if (snappyLength(raw) > opts.maxBodyBytes)
        return answer(reply, 413, `the decompressed body is larger than the limit of ${opts.maxBodyBytes} bytes`);
      let body: Buffer;
      try {
        body = Buffer.from(snappy.uncompress(raw));
      } catch (err) {
        return answer(reply, 400, `the snappy body could not be decompressed: ${(err as Error).message}`);
      }
      const v2 = /proto=io\.prometheus\.write\.v2\.Request/.test(String(req.headers['content-type'] ?? ''));
      const namespace = (req as FastifyRequest & { namespace: string }).namespace;
      const known = metadata.get(namespace) ?? new Map<string, PromMeta>();
      metadata.set(namespace, known);
      let samples = 0;
      let histograms = 0;
      const result = await ingest(
        ctx,
        'metrics',
        'prometheus',
        `Remote-Write ${v2 ? '2.0' : '1.0'}`,
        (rows) => {
          const req2 = v2 ? decodeWriteRequestV2(body) : decodeWriteRequestV1(body);
          if (known.size + req2.metadata.size > MAX_FAMILIES) known.clear();
          for (const [family, m] of req2.metadata) known.set(family, m);
          for (const s of req2.series) {
            samples += s.samples.length;
            histograms += s.histograms.length;
          }
          writePromSeries(req2, namespace, rows, (family) => known.get(family));
        },
        createHash('sha256').update(namespace).update(body).digest('hex').slice(0, 40),
      );
      const { status, retryAfterSeconds } = httpStatusOf(result);
      if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
      if (result.kind !== 'ok') return answer(reply, status, result.message);
      // Remote-Write 2.0 asks receivers to say what they wrote.
      reply.header('x-prometheus-remote-write-samples-written', String(samples));
      reply.header('x-prometheus-remote-write-histograms-written', String(histograms));
      reply.header('x-prometheus-remote-write-exemplars-written', '0');
      return answer(reply, 204, '');
    });
  });
}
