// Who may call what: every route needs a bearer token of a scope, except the few that are public
// (health, metrics, the OpenAPI document) or carry their own signed token (acknowledge links,
// calendar feeds). Checked in one hook before anything else; the token names the namespace.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  authorize,
  authorizeToken,
  isLoopback,
  type AccessPolicy,
  type Authorization,
  type Scope,
  type SessionBook,
  type TokenView,
} from '../access/index.js';
import type {} from '@fastify/cookie';
import { NAMESPACE_PATTERN } from '../config/index.js';
import { ApiError } from './errors.js';

export interface RequestAccess {
  namespace: string;
  /** Null for a heartbeat ping from loopback without a token (into `default`, as telemetry). */
  token: TokenView | null;
  /** The console session cookie the request came with (its secret), when that is how it signed in. */
  session?: string;
}

/** The console's session cookie: HttpOnly, SameSite=Strict, the secret of a stored session. */
export const SESSION_COOKIE = 'micro_session';

/** The origin a same-site request from the console names in its Origin header. */
export const ownOrigin = (req: FastifyRequest): string => `${req.protocol}://${req.headers.host ?? ''}`;

/**
 * A console session signs a request in instead of a bearer token. A change made with it must come
 * from the console's own origin (the Origin header; SameSite=Strict keeps the cookie off other
 * sites' requests too): a cross-site POST is refused even if a browser sent the cookie.
 */
async function sessionAccess(
  req: FastifyRequest,
  policy: AccessPolicy,
  sessions: SessionBook,
  cookie: string,
  needed: Scope[],
): Promise<Authorization> {
  const token = await sessions.resolve(cookie, policy.now());
  if (!token) throw new ApiError('UNAUTHENTICATED', 'the console session has ended or is not valid: sign in again');
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers.origin !== ownOrigin(req))
    throw new ApiError('FORBIDDEN', 'a change with a console session must come from the console itself (Origin)');
  return authorizeToken(policy, token, needed);
}

/**
 * Who may call a route, declared on the route itself (`config: { access }`); a route without it
 * fails the build. `public`: health, the OpenAPI document, and links that carry their own signed
 * token. `machine`: heartbeat pings and alerts pushed by Prometheus, which like telemetry need no
 * token from loopback. `local`: open to this machine (a local Prometheus), a read token elsewhere.
 */
export type RouteAccess = 'public' | 'local' | 'read' | 'write' | 'admin' | 'machine';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/**
 * The scopes any one of which lets a request through; null when none is needed. The access is
 * the matched route's, never derived from the raw URL: the router decodes and matches, so a
 * decision on the raw text would let `/%61pi/v1/tokens` pass as another path. A request that
 * matched no route needs what the method ordinarily needs (it is answered 404 once allowed).
 */
export function requiredScopes(access: RouteAccess | undefined, method: string, fromLoopback: boolean): Scope[] | null {
  switch (access) {
    case 'public':
      return null;
    case 'local':
      return fromLoopback ? null : ['read'];
    case 'read':
      return ['read'];
    case 'write':
      return ['write'];
    case 'admin':
      return ['admin'];
    case 'machine':
      return ['ingest', 'write'];
    default:
      return method === 'GET' || method === 'HEAD' ? ['read'] : ['write'];
  }
}

const WHY: Record<string, string> = {
  missing:
    "this needs a token: send Authorization: Bearer <token> (micro token create; the CLI uses MICRO_TOKEN or the data directory's admin token)",
  malformed: 'the token is not one of ours: send Authorization: Bearer micro_...',
  unknown: 'the token is not valid',
  revoked: 'the token was revoked',
  expired: 'the token has expired',
};

/** Changes made through the API go to the audit log (machine traffic and signed links do not). */
const AUDITED = (method: string, access: RouteAccess | undefined): boolean =>
  method !== 'GET' && method !== 'HEAD' && access !== 'machine' && access !== 'public';

/** The matched route's declared access; none for a request that matched no route (404). */
function routeAccess(req: FastifyRequest): RouteAccess | undefined {
  return req.is404 ? undefined : req.routeOptions.config.access;
}

/** Asks to act on another namespace than the token's: `micro --namespace`, for the default admin. */
export const NAMESPACE_HEADER = 'x-micro-namespace';

function actingNamespace(
  req: FastifyRequest,
  own: string,
  token: TokenView | null,
  exists: (ns: string) => boolean,
): string {
  const asked = req.headers[NAMESPACE_HEADER];
  if (asked === undefined || asked === own) return own;
  const ns = String(asked);
  if (!NAMESPACE_PATTERN.test(ns))
    throw new ApiError('BAD_REQUEST', `${NAMESPACE_HEADER}: "${ns.slice(0, 80)}" is not a namespace name`);
  if (token?.namespace !== 'default' || token.scope !== 'admin') {
    throw new ApiError(
      'FORBIDDEN',
      `only the default namespace's admin may act on another namespace; this token is of ${own}`,
    );
  }
  if (!exists(ns)) throw new ApiError('NOT_FOUND', `no namespace is named "${ns}"`);
  return ns;
}

export function installAccess(
  app: FastifyInstance,
  policy: AccessPolicy,
  namespaceExists: (ns: string) => boolean = () => true,
  sessions: () => SessionBook | null = () => null,
): void {
  // Every route says who may call it; one that does not is a mistake caught when the API is built.
  app.addHook('onRoute', (route) => {
    if (!route.config?.access)
      throw new Error(`the route ${String(route.method)} ${route.url} declares no access (config: { access })`);
  });
  app.addHook('onResponse', async (req, reply) => {
    const a = (req as FastifyRequest & { access?: RequestAccess | null }).access;
    const path = req.url.split('?')[0]!;
    if (!a?.token || reply.statusCode >= 400 || !AUDITED(req.method, routeAccess(req))) return;
    const query = (req.query ?? {}) as Record<string, unknown>;
    await policy
      .tokens()
      ?.audit(
        a.namespace,
        `token:${a.token.id} (${a.token.name})`,
        `${req.method} ${req.routeOptions.url ?? path}`,
        path,
        JSON.stringify({ status: reply.statusCode, ...(query.dryRun ? { dryRun: true } : {}) }),
        policy.now(),
      )
      .catch((err: unknown) => req.log.error({ err }, 'audit log write failed'));
  });
  app.decorateRequest('access', null);
  app.addHook('onRequest', async (req, reply) => {
    const path = req.routeOptions.url ?? req.url.split('?')[0]!;
    const remote = req.socket.remoteAddress ?? '';
    const needed = requiredScopes(routeAccess(req), req.method, isLoopback(remote));
    if (needed === null) return;
    const cookie = req.headers.authorization ? undefined : req.cookies?.[SESSION_COOKIE];
    const book = cookie ? sessions() : null;
    let a =
      cookie && book
        ? await sessionAccess(req, policy, book, cookie, needed)
        : authorize(policy, req.headers.authorization, remote, needed);
    if (!a.ok && a.status === 401 && a.reason === 'unknown') {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (await policy.tokens()?.refreshForUnknown(bearer))
        a = authorize(policy, req.headers.authorization, remote, needed);
    }
    if (a.ok) {
      (req as FastifyRequest & { access: RequestAccess }).access = {
        namespace: actingNamespace(req, a.namespace, a.token, namespaceExists),
        token: a.token,
        ...(cookie && book ? { session: cookie } : {}),
      };
      return;
    }
    if (a.status === 503) throw new ApiError('NOT_READY', 'the server is still starting; try again in a moment');
    if (a.status === 401) {
      reply.header('www-authenticate', 'Bearer');
      throw new ApiError('UNAUTHENTICATED', WHY[a.reason]);
    }
    if (a.status === 403)
      throw new ApiError(
        'FORBIDDEN',
        `a ${a.scope} token cannot ${req.method} ${path}: it needs ${needed.join(' or ')}`,
      );
    reply.header('retry-after', String(Math.max(1, Math.ceil(a.retryInMillis / 1000))));
    throw new ApiError(
      'RATE_LIMITED',
      `this token sends too many requests; retry in ${Math.ceil(a.retryInMillis / 1000)} s`,
    );
  });
}

export function accessOf(req: FastifyRequest): RequestAccess {
  const a = (req as FastifyRequest & { access?: RequestAccess | null }).access;
  if (!a) throw new ApiError('UNAUTHENTICATED', WHY.missing);
  return a;
}

export const namespaceOf = (req: FastifyRequest): string => accessOf(req).namespace;
