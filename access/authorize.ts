// One decision for every caller, API and telemetry alike: which token (or, for ingest from this
// machine, none), whether its scope allows what is asked, and whether it is within its rate.
import { isLoopback } from './loopback.js';
import type { RateLimiter } from './rate-limit.js';
import { grants, type Authentication, type Scope, type TokenBook, type TokenView } from './tokens.js';

export interface AccessPolicy {
  tokens: () => TokenBook | null;
  limiter: RateLimiter | null;
  now: () => number;
  /** Refuse ingest without a token even from loopback (always so when listening beyond it). */
  requireIngestToken: boolean;
}

export type Authorization =
  | { ok: true; namespace: string; token: TokenView | null }
  | { ok: false; status: 401; reason: Exclude<Authentication, { ok: true }>['reason'] }
  | { ok: false; status: 403; scope: Scope }
  | { ok: false; status: 429; retryInMillis: number }
  | { ok: false; status: 503 };

/**
 * `authorization` is the request's Authorization header; `needed` the scopes any one of which
 * allows the request. A caller without a token may ingest into `default` from loopback only.
 */
export function authorize(
  p: AccessPolicy,
  authorization: string | undefined,
  remoteAddress: string,
  needed: readonly Scope[],
): Authorization {
  if (
    (authorization === undefined || authorization === '') &&
    needed.includes('ingest') &&
    !p.requireIngestToken &&
    isLoopback(remoteAddress)
  ) {
    return { ok: true, namespace: 'default', token: null };
  }
  const book = p.tokens();
  if (!book) return { ok: false, status: 503 };
  const bearer = authorization ? (/^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? '-') : undefined;
  const now = p.now();
  const auth = book.authenticate(bearer, now);
  if (!auth.ok) return { ok: false, status: 401, reason: auth.reason };
  if (!needed.some((n) => grants(auth.token.scope, n))) return { ok: false, status: 403, scope: auth.token.scope };
  const limited = p.limiter?.take(auth.token.id, now);
  if (limited && !limited.ok) return { ok: false, status: 429, retryInMillis: limited.retryInMillis };
  return { ok: true, namespace: auth.token.namespace, token: auth.token };
}

/** The same decision for a token already known (a console session stands for its token). */
export function authorizeToken(p: AccessPolicy, token: TokenView, needed: readonly Scope[]): Authorization {
  if (!needed.some((n) => grants(token.scope, n))) return { ok: false, status: 403, scope: token.scope };
  const limited = p.limiter?.take(token.id, p.now());
  if (limited && !limited.ok) return { ok: false, status: 429, retryInMillis: limited.retryInMillis };
  return { ok: true, namespace: token.namespace, token };
}
