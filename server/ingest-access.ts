// Who may send telemetry: a token with the ingest scope (or admin) names the namespace; without
// a token, only loopback callers, into `default`, unless tokens are required (access.authorize).
import { authorize, type AccessPolicy } from '../access/index.js';
import type { IngestAuthorizer } from '../collector/index.js';

const WHY = {
  missing:
    'telemetry needs a token here: send Authorization: Bearer <ingest token> (OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ...")',
  malformed: 'the token is not valid',
  unknown: 'the token is not valid',
  revoked: 'the token is revoked',
  expired: 'the token is expired',
} as const;

export function ingestAuthorizer(policy: AccessPolicy): IngestAuthorizer {
  return (authorization, remoteAddress) => {
    const a = authorize(policy, authorization, remoteAddress, ['ingest']);
    if (a.ok) return { ok: true, namespace: a.namespace };
    if (a.status === 401) return { ok: false, status: 401, message: WHY[a.reason] };
    if (a.status === 403)
      return {
        ok: false,
        status: 403,
        message: `a ${a.scope} token cannot send telemetry: create one with --scope ingest`,
      };
    if (a.status === 503)
      return { ok: false, status: 429, message: 'the server is still starting', retryInMillis: 1000 };
    return { ok: false, status: 429, message: 'this token sends too many requests', retryInMillis: a.retryInMillis };
  };
}
