// The HTTP API, built apart from listening so tests can inject requests.
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Store } from '../store/index.js';
import { API_ERRORS, ApiError, toErrorResponse } from './errors.js';
import type { AlertingService } from '../alerting/index.js';
import type { RateLimiter, SessionBook, TokenBook } from '../access/index.js';
import cookie from '@fastify/cookie';
import { consoleRoutes } from './routes/console.js';
import type { OnCallService } from '../oncall/index.js';
import { auditLog } from '../store/index.js';
import { installAccess, namespaceOf } from './access.js';
import { LeaderElsewhere, forwardToLeader } from './forward.js';
import { tokenRoutes } from './routes/tokens.js';
import { alertingRoutes } from './routes/alerting.js';
import { type OnCallDeps, oncallRoutes } from './routes/oncall.js';
import { oncallLinkRoutes } from './routes/oncall-links.js';
import { telemetryRoutes } from './routes/telemetry.js';
import { seriesRoutes } from './routes/series.js';
import { jaegerRoutes } from './jaeger/routes.js';

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
  version: string;
  /** Tokens, once the store is open. */
  tokens: () => TokenBook | null;
  /** Console sessions, once the store is open. */
  sessions?: () => SessionBook | null;
  /** The alerting part of a namespace (checks, rules, alerts), once the store is open. */
  alerting: (namespace: string) => AlertingService | null;
  /** The on-call part of a namespace (schedules, escalations, paging). */
  oncall: (namespace: string) => OnCallService | null;
  /** Starts the alerting and on-call parts of a namespace seen for the first time. */
  openNamespace: (namespace: string) => Promise<void>;
  /** `[namespace, service]` pairs other namespaces expose to this one. */
  sharedWith: (namespace: string) => Array<[string, string]>;
  /** Requests per token (none when absent), and whether ingest without a token is refused even from loopback. */
  rateLimiter?: RateLimiter;
  requireIngestToken?: boolean;
  now?: () => number;
  /**
   * Several servers on one store: the API URL of the process that leads a namespace's alerting
   * when it is not this one (requests that need it are forwarded there), and this one's own.
   */
  leaderOf?: (namespace: string) => Promise<string | null>;
  selfUrl?: () => string;
  /** Whether a namespace exists (an admin acting in another namespace); by default, a running one. */
  namespaceExists?: (namespace: string) => boolean;
  /** Only /healthz, /readyz and /metrics (a process that only ingests). */
  healthOnly?: boolean;
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
      info: {
        title: 'micro-observe API',
        version: deps.version,
        description: 'Telemetry, healthchecks, alerting and on-call for the Micro platform.',
      },
      components: {
        schemas: {
          Error: {
            type: 'object',
            properties: {
              error: {
                type: 'object',
                properties: {
                  code: { type: 'string', enum: Object.values(API_ERRORS).map((e) => e.code) },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  });

  await app.register(cookie);
  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof LeaderElsewhere && deps.leaderOf)
      return forwardToLeader(req, reply, err.namespace, deps.leaderOf, deps.selfUrl?.() ?? '').catch((e: unknown) => {
        const r = toErrorResponse(e);
        return reply.code(r.status).send(r.body);
      });
    const { status, body, retryAfterSeconds } = toErrorResponse(err);
    // The store's state is logged once when it changes (server wiring), not per request.
    if (status >= 500 && retryAfterSeconds === undefined) req.log.error({ err }, 'API handler failed');
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const { status, body } = toErrorResponse(
      new ApiError('NOT_FOUND', `there is nothing at ${req.method} ${req.url.split('?')[0]}`),
    );
    return reply.code(status).send(body);
  });

  // Ajv coerces "1e309" and "Infinity" to Infinity and lets it past `maximum`: refuse any number a
  // schema coerced that is not finite, before a handler binds it as a query parameter.
  app.addHook('preHandler', async (req) => {
    for (const [where, values] of [
      ['query', req.query],
      ['params', req.params],
    ] as const) {
      for (const [name, v] of Object.entries((values ?? {}) as Record<string, unknown>)) {
        if (typeof v === 'number' && !Number.isFinite(v))
          throw new ApiError(
            'BAD_REQUEST',
            `${where === 'query' ? 'querystring' : 'params'}/${name} must be a finite number`,
          );
      }
    }
  });

  installAccess(
    app,
    {
      tokens: deps.tokens,
      now: deps.now ?? Date.now,
      limiter: deps.rateLimiter ?? null,
      requireIngestToken: deps.requireIngestToken ?? false,
    },
    deps.namespaceExists ?? ((ns) => deps.alerting(ns) !== null),
    () => deps.sessions?.() ?? null,
  );

  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const r = deps.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', { config: { access: 'local' }, schema: { hide: true } }, async (_req, reply) => {
    const text = await deps.registry.metrics();
    return reply.header('content-type', deps.registry.contentType).send(text);
  });
  app.get(
    '/api/v1/status',
    { config: { access: 'read' }, schema: { summary: 'Version, store and settings of this server' } },
    async () => deps.status(),
  );
  if (deps.healthOnly) return app;
  consoleRoutes(app, {
    tokens: () => {
      const t = deps.tokens();
      if (!t) throw new ApiError('NOT_READY', 'the server is still starting; try again in a moment');
      return t;
    },
    sessions: () => {
      const s = deps.sessions?.();
      if (!s) throw new ApiError('NOT_READY', 'the server is still starting; try again in a moment');
      return s;
    },
    now: deps.now ?? Date.now,
  });
  app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const now = deps.now ?? Date.now;
  const store = () => {
    const s = deps.store();
    if (!s) throw new ApiError('NOT_READY', 'the store is still opening; try again in a moment');
    return s;
  };
  // Telemetry reads see the namespace's own rows and the services other namespaces expose to it.
  telemetryRoutes(app, {
    store,
    namespaceOf: (req) => ({ namespace: namespaceOf(req), shared: deps.sharedWith(namespaceOf(req)) }),
  });
  seriesRoutes(app, {
    store,
    namespaceOf: (req) => ({ namespace: namespaceOf(req), shared: deps.sharedWith(namespaceOf(req)) }),
  });
  jaegerRoutes(app, {
    store,
    scopeOf: (req) => ({ namespace: namespaceOf(req), shared: deps.sharedWith(namespaceOf(req)) }),
    now,
  });
  const alertingOf = (ns: string) => {
    const a = deps.alerting(ns);
    if (!a && deps.leaderOf) throw new LeaderElsewhere(ns);
    if (!a) throw new ApiError('NOT_READY', 'the alerting engine is still starting; try again in a moment');
    return a;
  };
  alertingRoutes(app, { service: (req) => alertingOf(namespaceOf(req)), namespaceOf, now });
  const oncallOf = (ns: string) => {
    const o = deps.oncall(ns);
    if (!o && deps.leaderOf) throw new LeaderElsewhere(ns);
    if (!o) throw new ApiError('NOT_READY', 'the on-call engine is still starting; try again in a moment');
    return o;
  };
  // A signed link names its namespace: one this server does not run is a link that is not valid
  // (403), not an outage, and says nothing of which namespaces exist.
  const linkedOncall = (ns: string) => {
    if (!deps.store()) throw new ApiError('NOT_READY', 'the server is still starting; try again in a moment');
    const o = deps.oncall(ns);
    if (!o && deps.leaderOf) throw new LeaderElsewhere(ns);
    return o;
  };
  const oncallDeps: OnCallDeps = { service: (req) => oncallOf(namespaceOf(req)), serviceOf: linkedOncall, now };
  oncallRoutes(app, oncallDeps);
  oncallLinkRoutes(app, oncallDeps);
  tokenRoutes(app, {
    tokens: () => {
      const t = deps.tokens();
      if (!t) throw new ApiError('NOT_READY', 'the server is still starting; try again in a moment');
      return t;
    },
    store,
    openNamespace: deps.openNamespace,
    auditLog: (s, ns, limit) => auditLog(s, ns, limit),
    now,
  });
  return app;
}
