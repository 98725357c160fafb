// The web console: its files (built from console/ into console/dist), served at / on the API port,
// and signing in: a token, or a one-time link, for a session cookie that stands for that token.
// Every HTML answer of this server carries a Content-Security-Policy without inline scripts.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionBook, TokenBook } from '../../access/index.js';
import { SESSION_COOKIE, accessOf, ownOrigin } from '../access.js';
import { ApiError } from '../errors.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../console/dist');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The built files, read once: a handful of small files, never a path from the request. */
function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  let names: string[] = [];
  try {
    names = readdirSync(DIST);
  } catch {
    return files; // not built: the console answers 503 with the reason
  }
  for (const name of names) {
    const type = TYPES[path.extname(name)];
    if (type) files.set(name, { body: readFileSync(path.join(DIST, name)), type });
  }
  return files;
}

export interface ConsoleDeps {
  tokens: () => TokenBook;
  sessions: () => SessionBook;
  now: () => number;
}

const cookieOptions = (req: FastifyRequest, maxAgeMs: number) =>
  ({
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    path: '/',
    maxAge: Math.floor(maxAgeMs / 1000),
  }) as const;

export function consoleRoutes(fastify: FastifyInstance, deps: ConsoleDeps): void {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const assets = loadAssets();
  app.addHook('onSend', async (_req, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    }
    return payload;
  });
  const send = (reply: FastifyReply, name: string) => {
    const f = assets.get(name);
    if (!f) {
      if (name === 'index.html')
        throw new ApiError('NOT_READY', 'the console is not built: run npm install (or npm run build:console)');
      throw new ApiError('NOT_FOUND', `there is no console file ${name}`);
    }
    return reply
      .header('content-type', f.type)
      .header('cache-control', name === 'index.html' ? 'no-cache' : 'public, max-age=300')
      .send(f.body);
  };
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    send(reply, 'index.html'),
  );
  app.get(
    '/assets/:name',
    {
      config: { access: 'public' },
      schema: {
        hide: true,
        params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const,
      },
    },
    async (req, reply) => send(reply, req.params.name),
  );

  app.post(
    '/api/v1/session',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Sign in to the console with a token: a session cookie that stands for it',
        body: {
          type: 'object',
          properties: { token: { type: 'string', maxLength: 200 } },
          required: ['token'],
          additionalProperties: false,
        } as const,
      },
    },
    async (req, reply) => {
      // A login form posted from another site would sign the browser into someone else's account.
      if (req.headers.origin !== undefined && req.headers.origin !== ownOrigin(req))
        throw new ApiError('FORBIDDEN', 'signing in must come from the console itself (Origin)');
      const auth = deps.tokens().authenticate(req.body.token.trim(), deps.now());
      if (!auth.ok) {
        await deps.tokens().refreshForUnknown(req.body.token.trim());
        const again = deps.tokens().authenticate(req.body.token.trim(), deps.now());
        if (!again.ok)
          throw new ApiError(
            'UNAUTHENTICATED',
            `that token cannot sign in: ${again.reason === 'unknown' || again.reason === 'malformed' ? 'it is not valid' : `it is ${again.reason}`}`,
          );
        return signedIn(req, reply, again.token);
      }
      return signedIn(req, reply, auth.token);
    },
  );
  async function signedIn(req: FastifyRequest, reply: FastifyReply, token: Parameters<SessionBook['open']>[0]) {
    const s = await deps.sessions().open(token, deps.now());
    reply.setCookie(SESSION_COOKIE, s.id, cookieOptions(req, s.expiresAt - deps.now()));
    return reply
      .code(201)
      .send({ namespace: token.namespace, scope: token.scope, name: token.name, expiresAt: s.expiresAt });
  }

  app.get(
    '/api/v1/session',
    { config: { access: 'read' }, schema: { summary: 'Who is signed in: namespace, scope and token name' } },
    async (req) => {
      const a = accessOf(req);
      return { namespace: a.namespace, scope: a.token?.scope, name: a.token?.name, session: Boolean(a.session) };
    },
  );
  app.delete(
    '/api/v1/session',
    { config: { access: 'read' }, schema: { summary: 'Sign out of the console' } },
    async (req, reply) => {
      const a = accessOf(req);
      if (a.session) await deps.sessions().end(a.session, deps.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/v1/console/links',
    {
      config: { access: 'admin' },
      schema: { summary: 'A one-time console sign-in link for this token (micro console)' },
    },
    async (req) => {
      const token = accessOf(req).token;
      if (!token) throw new ApiError('UNAUTHENTICATED', 'a sign-in link needs a token');
      const link = await deps.sessions().link(token, deps.now());
      return { path: `/console/signin?code=${link.code}`, expiresAt: link.expiresAt };
    },
  );
  app.get(
    '/console/signin',
    {
      config: { access: 'public' },
      schema: {
        hide: true,
        querystring: { type: 'object', properties: { code: { type: 'string', maxLength: 100 } } } as const,
      },
    },
    async (req, reply) => {
      const s = req.query.code ? await deps.sessions().redeem(req.query.code, deps.now()) : null;
      reply.header('cache-control', 'no-store');
      if (!s)
        return reply
          .code(403)
          .header('content-type', 'text/html; charset=utf-8')
          .send(
            '<!doctype html><html><head><meta charset="utf-8"><title>Sign-in link not valid</title><link rel="stylesheet" href="/assets/page.css"></head>' +
              '<body class="page"><h2>This sign-in link is not valid</h2><p>It was used already, or it expired. Run <code>micro console</code> for a new one, or <a href="/">sign in with a token</a>.</p></body></html>',
          );
      reply.setCookie(SESSION_COOKIE, s.id, cookieOptions(req, s.expiresAt - deps.now()));
      return reply.redirect('/', 303);
    },
  );
}
