// Tokens (admin scope): create (the secret is shown once), list (never the secret), revoke; and
// the audit log. The `default` namespace's admin manages every namespace; others their own.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SCOPES, type TokenBook } from '../../access/index.js';
import { NAMESPACE_PATTERN, parseDuration } from '../../config/index.js';
import type { AuditEvent, Store } from '../../store/index.js';
import { accessOf } from '../access.js';
import { ApiError } from '../errors.js';

export interface TokenDeps {
  tokens: () => TokenBook;
  store: () => Store;
  /** A namespace gets its alerting and on-call parts before its first token is handed out. */
  openNamespace: (namespace: string) => Promise<void>;
  auditLog: (store: Store, namespace: string, limit: number) => Promise<AuditEvent[]>;
  now: () => number;
}

const MAX_EXPIRY = 3 * 365 * 86400_000;

export function tokenRoutes(fastify: FastifyInstance, deps: TokenDeps): void {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const mayManage = (req: FastifyRequest, namespace: string): boolean => {
    const a = accessOf(req);
    return a.namespace === 'default' || a.namespace === namespace;
  };
  const actor = (req: FastifyRequest): string => {
    const t = accessOf(req).token;
    return t ? `token:${t.id} (${t.name})` : 'anonymous';
  };

  app.post(
    '/api/v1/tokens',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Create a token; the secret is in this answer only',
        body: {
          type: 'object',
          required: ['scope'],
          additionalProperties: false,
          properties: {
            namespace: { type: 'string', maxLength: 63 },
            scope: { type: 'string', enum: SCOPES },
            name: { type: 'string', maxLength: 200 },
            expires: { type: 'string', maxLength: 16 },
          },
        } as const,
      },
    },
    async (req, reply) => {
      const b = req.body;
      const namespace = b.namespace ?? accessOf(req).namespace;
      if (!NAMESPACE_PATTERN.test(namespace))
        throw new ApiError(
          'BAD_REQUEST',
          `namespace: "${namespace}" must be lower-case letters, digits and dashes (at most 63)`,
        );
      if (!mayManage(req, namespace))
        throw new ApiError(
          'FORBIDDEN',
          `an admin token of ${accessOf(req).namespace} cannot create tokens for ${namespace}`,
        );
      let expiresAt: number | null = null;
      if (b.expires !== undefined && b.expires !== 'never') {
        const d = parseDuration(b.expires);
        if (d === null || d < 60_000 || d > MAX_EXPIRY)
          throw new ApiError(
            'BAD_REQUEST',
            `expires: "${b.expires}" is not a duration between 1m and 3y (like 90d), or "never"`,
          );
        expiresAt = deps.now() + d;
      }
      await deps.openNamespace(namespace);
      const created = await deps
        .tokens()
        .create({ namespace, scope: b.scope, name: b.name ?? `${b.scope} token`, expiresAt }, actor(req), deps.now());
      return reply.code(201).send({ ...created.token, secret: created.secret });
    },
  );

  app.get(
    '/api/v1/tokens',
    { config: { access: 'admin' }, schema: { summary: 'Tokens (never their secrets), with when each was last used' } },
    async (req) => {
      const a = accessOf(req);
      return { tokens: deps.tokens().list(deps.now(), a.namespace === 'default' ? undefined : a.namespace) };
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Revoke a token, at once',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const,
      },
    },
    async (req) => {
      const id = req.params.id;
      const t = deps.tokens().get(id, deps.now());
      if (!t || !mayManage(req, t.namespace)) throw new ApiError('TOKEN_NOT_FOUND', `no token has the id "${id}"`);
      return deps.tokens().revoke(id, actor(req), deps.now());
    },
  );

  app.get(
    '/api/v1/audit',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'The audit log of the namespace: token use, configuration changes',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 5000 } } } as const,
      },
    },
    async (req) => ({ events: await deps.auditLog(deps.store(), accessOf(req).namespace, req.query.limit ?? 200) }),
  );
}
