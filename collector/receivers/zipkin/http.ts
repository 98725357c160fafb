// Zipkin's collector API: POST /api/v2/spans, JSON v2 or proto3 (application/x-protobuf), gzip,
// on its own port (--zipkin-port, 9411 like Zipkin's). Acknowledged once stored (202), through
// what every receiver shares; the same tokens as OTLP (loopback needs none unless required).
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { type IngestAuthorizer, type IngestContext, httpStatusOf, ingest } from '../../ingest.js';
import { GZIP, authorizeRequest, readBody } from '../http-common.js';
import { fromJson, fromProto } from './model.js';
import { writeZipkinSpans } from './rows.js';

export interface ZipkinReceiverOptions {
  maxBodyBytes: number;
  authorize: IngestAuthorizer;
}

const isProto = (req: FastifyRequest): boolean => /protobuf/i.test(String(req.headers['content-type'] ?? ''));

export function buildZipkinReceiver(ctx: IngestContext, opts: ZipkinReceiverOptions, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'zipkin' }) as FastifyBaseLogger,
    bodyLimit: opts.maxBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  const answer = (reply: FastifyReply, status: number, message: string): FastifyReply => {
    ctx.metrics.requests.labels('traces', 'zipkin', String(status)).inc();
    return reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(message);
  };
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) logger.error({ err }, 'Zipkin handler failed');
    return answer(
      reply,
      status,
      err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `the body is larger than the limit of ${opts.maxBodyBytes} bytes`
        : err.message,
    );
  });
  app.addHook('onRequest', async (req, reply) => {
    const auth = authorizeRequest(opts.authorize, req, reply);
    if (auth.ok) {
      (req as FastifyRequest & { namespace?: string }).namespace = auth.namespace;
      return;
    }
    return answer(reply, auth.status, auth.message);
  });
  app.post('/api/v2/spans', async (req, reply) => {
    const read = await readBody(req, opts.maxBodyBytes, { gzip: GZIP });
    if (!read.ok) return answer(reply, read.status, read.message);
    const namespace = (req as FastifyRequest & { namespace: string }).namespace;
    const proto = isProto(req);
    const result = await ingest(ctx, 'traces', 'zipkin', `Zipkin v2 ${proto ? 'proto3' : 'JSON'}`, (rows) =>
      writeZipkinSpans(proto ? fromProto(read.body) : fromJson(read.body), namespace, rows),
    );
    const { status, retryAfterSeconds } = httpStatusOf(result);
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    if (result.kind === 'ok') {
      // Zipkin answers 202; spans it could not take are said, not dropped in silence.
      return answer(
        reply,
        202,
        result.rejected ? `${result.rejected} spans rejected: the first because ${result.message}` : '',
      );
    }
    return answer(reply, status, result.message);
  });
  return app;
}
