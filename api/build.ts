// The HTTP API, built apart from listening so tests can inject requests.
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Store } from '../store/index.js';
import { API_ERRORS, ApiError, toErrorResponse } from './errors.js';
import type { AlertingService } from '../alerting/index.js';
import type { OnCallService } from '../oncall/index.js';
import { alertingRoutes } from './routes/alerting.js';
import { oncallRoutes } from './routes/oncall.js';
import { telemetryRoutes } from './routes/telemetry.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

export interface ApiDeps {
  logger: Logger;
  registry: Registry;
  readiness: () => Readiness;
  status: () => Record<string, unknown>;
  /** The store, once it is open (null while the server starts). */
  store: () => Store | null;
  /** The namespace a request reads (token-based in a later stage; `default` until then). */
  namespaceOf: (req: unknown) => string;
  version: string;
  /** The alerting engine and its alerts, once the store is open. */
  alerting: () => AlertingService | null;
  /** Schedules, escalations and paging, once the store is open. */
  oncall: () => OnCallService | null;
  now?: () => number;
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    // Acknowledge-link tokens are a path parameter of a few hundred characters.
    routerOptions: { maxParamLength: 2048 },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'micro-observe API', version: deps.version, description: 'Telemetry, healthchecks, alerting and on-call for the Micro platform.' },
      components: {
        schemas: {
          Error: {
            type: 'object',
            properties: { error: { type: 'object', properties: { code: { type: 'string', enum: Object.values(API_ERRORS).map((e) => e.code) }, message: { type: 'string' } } } },
          },
        },
      },
    },
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) req.log.error({ err }, 'API handler failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const { status, body } = toErrorResponse(new ApiError('NOT_FOUND', `there is nothing at ${req.method} ${req.url.split('?')[0]}`));
    return reply.code(status).send(body);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const r = deps.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const text = await deps.registry.metrics();
    return reply.header('content-type', deps.registry.contentType).send(text);
  });
  app.get('/api/v1/status', { schema: { summary: 'Version, store and settings of this server' } }, async () => deps.status());
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  telemetryRoutes(app, {
    store: () => {
      const s = deps.store();
      if (!s) throw new ApiError('NOT_READY', 'the store is still opening; try again in a moment');
      return s;
    },
    namespaceOf: deps.namespaceOf,
  });
  const alerting = () => {
    const a = deps.alerting();
    if (!a) throw new ApiError('NOT_READY', 'the alerting engine is still starting; try again in a moment');
    return a;
  };
  alertingRoutes(app, { service: alerting, namespaceOf: deps.namespaceOf, now: deps.now ?? Date.now });
  oncallRoutes(app, {
    service: () => {
      const o = deps.oncall();
      if (!o) throw new ApiError('NOT_READY', 'the on-call engine is still starting; try again in a moment');
      return o;
    },
    now: deps.now ?? Date.now,
  });
  return app;
}
