// The HTTP API, built apart from listening so tests can inject requests.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ApiError, toErrorResponse } from './errors.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

export interface ApiDeps {
  logger: Logger;
  registry: Registry;
  readiness: () => Readiness;
  status: () => Record<string, unknown>;
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) req.log.error({ err }, 'API handler failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const { status, body } = toErrorResponse(new ApiError('NOT_FOUND', `there is nothing at ${req.method} ${req.url.split('?')[0]}`));
    return reply.code(status).send(body);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = deps.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await deps.registry.metrics();
    return reply.header('content-type', deps.registry.contentType).send(text);
  });
  app.get('/api/v1/status', async () => deps.status());
  return app;
}
