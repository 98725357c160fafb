// OTLP/HTTP receiver: POST /v1/traces, /v1/metrics, /v1/logs; protobuf or JSON; gzip.
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { handleExport, type ExportContext } from './export.js';
import type { Encoding, Signal } from './otlp/request-rows.js';
import { errorBody, exportResponse } from './responses.js';

const gunzipAsync = promisify(gunzip);

export interface HttpReceiverOptions {
  maxBodyBytes: number;
  /** Who may send, and into which namespace (from the bearer token, or loopback without one). */
  authorize: IngestAuthorizer;
}

export type IngestAuthorization =
  | { ok: true; namespace: string }
  | { ok: false; status: 401 | 403 | 429; message: string; retryInMillis?: number };
export type IngestAuthorizer = (authorization: string | undefined, remoteAddress: string) => IngestAuthorization;

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

export function buildHttpReceiver(ctx: ExportContext, opts: HttpReceiverOptions, logger: Logger): FastifyInstance {
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
    const auth = opts.authorize(req.headers.authorization, req.socket.remoteAddress ?? '');
    if (auth.ok) {
      (req as FastifyRequest & { namespace?: string }).namespace = auth.namespace;
      return;
    }
    if (auth.status === 401) reply.header('www-authenticate', 'Bearer');
    if (auth.retryInMillis !== undefined)
      reply.header('retry-after', String(Math.max(1, Math.ceil(auth.retryInMillis / 1000))));
    const encoding = encodingOf(req);
    return send(
      reply,
      encoding,
      auth.status,
      errorBody(
        encoding,
        auth.status === 429 ? RESOURCE_EXHAUSTED : auth.status === 401 ? UNAUTHENTICATED : PERMISSION_DENIED,
        auth.message,
      ),
    );
  });

  const route = (signal: Signal) => async (req: FastifyRequest, reply: FastifyReply) => {
    const encoding = encodingOf(req);
    const answer = (status: number, body: Buffer): FastifyReply => {
      ctx.metrics.requests.labels(signal, 'http', String(status)).inc();
      return send(reply, encoding, status, body);
    };
    let body = req.body as Buffer | undefined;
    if (!body || body.length === 0)
      return answer(400, errorBody(encoding, INVALID_ARGUMENT, 'the request body is empty'));
    const contentEncoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (contentEncoding === 'gzip') {
      try {
        body = await gunzipAsync(body, { maxOutputLength: opts.maxBodyBytes });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          return answer(
            413,
            errorBody(
              encoding,
              INVALID_ARGUMENT,
              `the decompressed body is larger than the limit of ${opts.maxBodyBytes} bytes`,
            ),
          );
        }
        return answer(
          400,
          errorBody(encoding, INVALID_ARGUMENT, `the gzip body could not be decompressed: ${(err as Error).message}`),
        );
      }
    } else if (contentEncoding !== 'identity') {
      return answer(
        415,
        errorBody(
          encoding,
          INVALID_ARGUMENT,
          `unsupported content encoding ${JSON.stringify(contentEncoding)}: use gzip or none`,
        ),
      );
    }
    const result = await handleExport(
      ctx,
      signal,
      encoding,
      'http',
      body,
      (req as FastifyRequest & { namespace: string }).namespace,
    );
    switch (result.kind) {
      case 'ok':
        return answer(200, exportResponse(signal, encoding, result.rejected, result.message));
      case 'bad-request':
        return answer(400, errorBody(encoding, INVALID_ARGUMENT, result.message));
      case 'too-large':
        return answer(413, errorBody(encoding, INVALID_ARGUMENT, result.message));
      case 'overloaded':
      case 'unavailable':
        reply.header('retry-after', String(Math.max(1, Math.ceil(result.retryInMillis / 1000))));
        return answer(
          result.kind === 'overloaded' ? 429 : 503,
          errorBody(encoding, result.kind === 'overloaded' ? RESOURCE_EXHAUSTED : UNAVAILABLE, result.message),
        );
      case 'failure':
        return answer(500, errorBody(encoding, INTERNAL, result.message));
    }
  };

  app.post('/v1/traces', route('traces'));
  app.post('/v1/metrics', route('metrics'));
  app.post('/v1/logs', route('logs'));
  return app;
}
