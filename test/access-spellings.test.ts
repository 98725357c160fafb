// The scope a request needs is the scope declared on the route the router matched, however the path
// is spelled: percent-encoded letters, encoded slashes, a trailing slash, doubled slashes, mixed case,
// dot segments. For every route and every token it refuses as written, every spelling is refused
// (403) or routed nowhere (404; 400 from Node's HTTP parser for a path without a leading slash); never a 2xx, and never a handler's own answer (400, 409 ...).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import Fastify from 'fastify';
import { installAccess } from '../api/index.js';
import type { Scope } from '../access/index.js';
import { rawFetch, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const tok: Partial<Record<Scope, string>> = {};

before(async () => {
  server = await startTestServer({ apiRateLimit: 1_000_000 });
  for (const scope of ['read', 'write', 'ingest'] as const) {
    const res = await rawFetch(`${server.apiUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ namespace: 'team-s', scope, name: `spelling ${scope}` }),
    });
    assert.equal(res.status, 201);
    tok[scope] = ((await res.json()) as { secret: string }).secret;
  }
});
after(async () => {
  await server.stop();
});

/** Sends the path exactly as written (fetch would normalise dot segments). */
function rawRequest(
  method: string,
  path: string,
  token: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  const u = new URL(server.apiUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.end(body);
  });
}

const encodeLetters = (p: string, which: (i: number) => boolean): string =>
  [...p].map((c, i) => (/[a-z]/i.test(c) && which(i) ? `%${c.charCodeAt(0).toString(16)}` : c)).join('');

/** Every other spelling of one path. */
export function spellings(p: string): string[] {
  const segs = p.split('/');
  return [
    encodeLetters(p, (i) => i === 1), // /%61pi/v1/tokens
    encodeLetters(p, () => true),
    encodeLetters(p, () => true)
      .toUpperCase()
      .replace(/%([0-9A-F]{2})/g, (m) => m.toLowerCase()),
    encodeLetters(p, (i) => i % 2 === 0).replace(/%([0-9a-f]{2})/g, (_m, h: string) => `%${h.toUpperCase()}`),
    `${p}/`,
    `${p}//`,
    `/${p}`,
    p.replace(/\//g, '//'),
    p.replace(/\//g, '%2F'),
    p.replace(/\//g, '%2f').replace(/^%2f/, '/'),
    p.toUpperCase(),
    segs.map((s, i) => (i === segs.length - 1 ? s.toUpperCase() : s)).join('/'),
    p.replace(/^\/api\//, '/API/'),
    p.replace(/^\/api\//, '/api/./'),
    p.replace(/^\/api\//, '/x/../api/'),
    p.replace(/^\/api\//, '/api/%2e/'),
    p.replace(/^\/api\//, '/api;x/'),
    `${p};`,
    `${p}%00`,
    `${p}%20`,
    `${p}#frag`,
    `${p}?x=1`,
  ];
}

interface Route {
  method: string;
  pattern: string;
  path: string;
}

async function routes(): Promise<Route[]> {
  const res = await rawFetch(`${server.apiUrl}/api/v1/openapi.json`);
  const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  const out: Route[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const m of Object.keys(methods)) {
      out.push({
        method: m.toUpperCase(),
        pattern: p.replace(/\{([^}]+)\}/g, ':$1'),
        path: p.replace(/\{[^}]+\}/g, 'x'),
      });
    }
  }
  // Routes kept out of the OpenAPI document.
  out.push({ method: 'GET', pattern: '/metrics', path: '/metrics' });
  return out;
}

test('POST /%61pi/v1/tokens with a write token cannot mint an admin token', async () => {
  for (const path of [
    '/%61pi/v1/tokens',
    '/api/v1/%74okens',
    '/api%2Fv1%2Ftokens',
    '/api/v1/tokens/',
    '/API/v1/tokens',
  ]) {
    const res = await rawRequest('POST', path, tok.write!, JSON.stringify({ namespace: 'team-s', scope: 'admin' }));
    assert.ok(res.status === 403 || res.status === 404, `${path}: ${res.status} ${res.text}`);
    assert.doesNotMatch(res.text, /micro_/);
  }
  for (const path of ['/%61pi/v1/tokens', '/%61pi/v1/audit', '/api/v1/%61udit']) {
    const res = await rawRequest('GET', path, tok.read!);
    assert.ok(res.status === 403 || res.status === 404, `${path}: ${res.status}`);
  }
  const list = (await (
    await rawFetch(`${server.apiUrl}/api/v1/tokens`, { headers: { authorization: `Bearer ${server.adminToken}` } })
  ).json()) as { tokens: Array<{ scope: string; namespace: string }> };
  assert.ok(!list.tokens.some((t) => t.namespace === 'team-s' && t.scope === 'admin'), 'no admin token was made');
});

test('every spelling of every route, with every scope the route refuses, is refused or routed nowhere', async () => {
  const all = await routes();
  assert.ok(all.length >= 35, `${all.length} routes`);
  let sent = 0;
  let refusedRoutes = 0;
  for (const r of all) {
    const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : '{}';
    // A stream (logs/follow) answers a token it admits and never ends: only the refused one is sent.
    for (const held of r.path.endsWith('/follow') ? (['ingest'] as const) : (['read', 'write', 'ingest'] as const)) {
      // The route as written decides (its scope is declared on it, tested in access.test);
      // no other spelling may get further than it does.
      const canonical = await rawRequest(r.method, r.path, tok[held]!, body);
      if (canonical.status !== 403) continue;
      refusedRoutes++;
      for (const path of spellings(r.path)) {
        const res = await rawRequest(r.method, path, tok[held]!, body);
        sent++;
        assert.ok(
          res.status === 403 || res.status === 404 || (res.status === 400 && res.text.includes('"Client Error"')),
          `${r.method} ${path} (route ${r.pattern}) with a ${held} token: ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
    }
  }
  assert.ok(refusedRoutes > 40 && sent > 1000, `${refusedRoutes} refusals, ${sent} requests`);
});

test("every spelling the router does route reaches the same route, with that route's scope", async () => {
  // An admin token may call anything; a spelling that is answered other than 404 must be one the
  // router maps to the same route, which the write token above was refused on.
  const res = await rawRequest('GET', '/%61pi/v1/tokens', server.adminToken);
  assert.equal(res.status, 200);
  assert.match(res.text, /"tokens"/);
  const viaRead = await rawRequest('GET', '/%61pi/v1/services?since=1h', tok.read!);
  assert.equal(viaRead.status, 200, 'a read route spelled otherwise still serves its own scope');
});

test('a route that declares no access cannot be added: the API fails to build', async () => {
  const app = Fastify();
  installAccess(app, { tokens: () => null, limiter: null, now: Date.now, requireIngestToken: false });
  assert.throws(
    () => app.get('/api/v1/forgotten', async () => ({ secret: true })),
    /the route GET \/api\/v1\/forgotten declares no access/,
  );
  await app.close();
  const ok = Fastify();
  installAccess(ok, { tokens: () => null, limiter: null, now: Date.now, requireIngestToken: false });
  ok.get('/api/v1/declared', { config: { access: 'read' } }, async () => ({}));
  await ok.ready();
  await ok.close();
});
