// Who may send telemetry: a token with the ingest scope (or admin) names the namespace; without
// a token, only loopback callers, into `default`, unless tokens are required.
import { grants, isLoopback, type RateLimiter, type TokenBook } from '../access/index.js';
import type { IngestAuthorizer } from '../collector/index.js';

export function ingestAuthorizer(tokens: () => TokenBook | null, o: { requireToken: boolean; limiter: RateLimiter; now: () => number }): IngestAuthorizer {
  return (authorization, remoteAddress) => {
    const now = o.now();
    if (authorization === undefined || authorization === '') {
      if (o.requireToken || !isLoopback(remoteAddress)) {
        return { ok: false, status: 401, message: 'telemetry needs a token here: send Authorization: Bearer <ingest token> (OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ...")' };
      }
      return { ok: true, namespace: 'default', key: 'loopback' };
    }
    const book = tokens();
    if (!book) return { ok: false, status: 429, message: 'the server is still starting', retryInMillis: 1000 };
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? '-';
    const auth = book.authenticate(bearer, now);
    if (!auth.ok) return { ok: false, status: 401, message: `the token is ${auth.reason === 'missing' ? 'missing' : auth.reason === 'malformed' || auth.reason === 'unknown' ? 'not valid' : auth.reason}` };
    if (!grants(auth.token.scope, 'ingest')) return { ok: false, status: 403, message: `a ${auth.token.scope} token cannot send telemetry: create one with --scope ingest` };
    const limited = o.limiter.take(auth.token.id, now);
    if (!limited.ok) return { ok: false, status: 429, message: 'this token sends too many requests', retryInMillis: limited.retryInMillis };
    return { ok: true, namespace: auth.token.namespace, key: auth.token.id };
  };
}
