// OTLP/HTTP receiver: POST /v1/traces, /v1/metrics, /v1/logs; protobuf or JSON; gzip.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { type IngestAuthorizer, type IngestContext, httpStatusOf } from '../../ingest.js';
import type { Signal } from '../../rows.js';
import { GZIP, authorizeRequest, readBody } from '../http-common.js';
import { type Encoding, handleExport } from './export.js';
import { errorBody, exportResponse } from './responses.js';

export interface HttpReceiverOptions {
  maxBodyBytes: number;
  /** Who may send, and into which namespace (from the bearer token, or loopback without one). */
  authorize: IngestAuthorizer;
}

const CONTENT_TYPES: Record<string, Encoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

// google.rpc.Code values used in error bodies
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const INTERNAL = 13;
const UNAVAILABLE = 14;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

function encodingOf(req: FastifyRequest): Encoding {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  return CONTENT_TYPES[type] ?? 'json';
}

function send(reply: FastifyReply, encoding: Encoding, status: number, body: Buffer): FastifyReply {
  return reply
    .code(status)
    .header('content-type', encoding === 'json' ? 'application/json' : 'application/x-protobuf')
    .send(body);
}

export function buildHttpReceiver(ctx: IngestContext, opts: HttpReceiverOptions, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'otlp-http' }) as FastifyBaseLogger,
    bodyLimit: opts.maxBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    Object.keys(CONTENT_TYPES),
    { parseAs: 'buffer', bodyLimit: opts.maxBodyBytes },
    (_req, body, done) => done(null, body),
  );

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const encoding = encodingOf(req);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const message =
      err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}: use application/x-protobuf or application/json`
        : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `the body is larger than the limit of ${opts.maxBodyBytes} bytes`
          : err.message;
    if (status === 500) logger.error({ err }, 'OTLP/HTTP handler failed');
    return send(reply, encoding, status, errorBody(encoding, status === 500 ? INTERNAL : INVALID_ARGUMENT, message));
  });

  // Refused before the body is read.
  app.addHook('onRequest', async (req, reply) => {
    const auth = authorizeRequest(opts.authorize, req, reply);
    if (auth.ok) {
      (req as FastifyRequest & { namespace?: string }).namespace = auth.namespace;
      return;
    }
    const encoding = encodingOf(req);
    const code = auth.status === 429 ? RESOURCE_EXHAUSTED : auth.status === 401 ? UNAUTHENTICATED : PERMISSION_DENIED;
    return send(reply, encoding, auth.status, errorBody(encoding, code, auth.message));
  });

  const route = (signal: Signal) => async (req: FastifyRequest, reply: FastifyReply) => {
    const encoding = encodingOf(req);
    const answer = (status: number, body: Buffer): FastifyReply => {
      ctx.metrics.requests.labels(signal, 'http', String(status)).inc();
      return send(reply, encoding, status, body);
    };
    const read = await readBody(req, opts.maxBodyBytes, { gzip: GZIP });
    if (!read.ok) return answer(read.status, errorBody(encoding, INVALID_ARGUMENT, read.message));
    const namespace = (req as FastifyRequest & { namespace: string }).namespace;
    const result = await handleExport(ctx, signal, encoding, 'http', read.body, namespace);
    const { status, retryAfterSeconds } = httpStatusOf(result);
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    if (result.kind === 'ok') return answer(status, exportResponse(signal, encoding, result.rejected, result.message));
    const code = {
      'bad-request': INVALID_ARGUMENT,
      'too-large': INVALID_ARGUMENT,
      overloaded: RESOURCE_EXHAUSTED,
      unavailable: UNAVAILABLE,
      failure: INTERNAL,
    }[result.kind];
    return answer(status, errorBody(encoding, code, result.message));
  };

  app.post('/v1/traces', route('traces'));
  app.post('/v1/metrics', route('metrics'));
  app.post('/v1/logs', route('logs'));
  return app;
}
