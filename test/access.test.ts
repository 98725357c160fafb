// Namespaces and tokens, over every API route (read from the OpenAPI document) and the OTLP
// endpoints (HTTP and gRPC) × no token, another namespace's token, read scope on a write route,
// a revoked token, an expired one: 401 or 403, and not one row of another namespace in any
// answer. Injection strings in every query parameter change nothing and leak nothing. Tokens and
// the SMTP password never appear in logs or API output.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { after, before, test } from 'node:test';
import { encodeLogs, encodeTraces, kv, nanos, span, traceRequest } from './support/otlp-proto.js';
import { rawFetch, startTestServer, type TestServer } from './support/server.js';
import { eventually, micro } from './support/services.js';

let server: TestServer;
let offset = 0;
const SMTP_PASSWORD = 'smtp-password-never-logged';
const tok: Record<string, string> = {};
const SECRETS_OF_A = ['secret-svc-a', 'SECRET-LOG-A', 'check-of-team-a'];

async function createToken(
  namespace: string,
  scope: string,
  expires = 'never',
): Promise<{ id: string; secret: string }> {
  const res = await rawFetch(`${server.apiUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
    body: JSON.stringify({ namespace, scope, expires, name: `${namespace} ${scope}` }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { id: string; secret: string };
}

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  rawFetch(`${server.apiUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });

const otlp = (signal: string, body: Uint8Array, token: string | null) =>
  rawFetch(`${server.otlpHttpUrl}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body as BodyInit,
  });

before(async () => {
  server = await startTestServer(
    {
      requireIngestToken: true,
      // This test sends hundreds of requests a second; rate limits are tested in rate-limit.test.
      apiRateLimit: 100_000,
      notifications: {
        smtp: {
          host: '127.0.0.1',
          port: 2525,
          from: 'pager@example.com',
          auth: { user: 'pager', pass: SMTP_PASSWORD },
        },
      },
    },
    undefined,
    [],
    [],
    { now: () => Date.now() + offset },
  );
  for (const [name, ns, scope, expires] of [
    ['aIngest', 'team-a', 'ingest'],
    ['aWrite', 'team-a', 'write'],
    ['aRead', 'team-a', 'read'],
    ['bRead', 'team-b', 'read'],
    ['bWrite', 'team-b', 'write'],
    ['bAdmin', 'team-b', 'admin'],
    ['bIngest', 'team-b', 'ingest'],
    ['revoked', 'team-b', 'admin'],
    ['expiring', 'team-b', 'admin', '1m'],
  ] as const)
    tok[name] = (await createToken(ns, scope, expires)).secret;
  const revokedId = /^micro_([0-9a-f]{16})_/.exec(tok.revoked!)![1]!;
  assert.equal((await call('DELETE', `/api/v1/tokens/${revokedId}`, server.adminToken)).status, 200);

  // team-a's data: a trace, a log line and a check, each named so a leak is visible.
  assert.equal(
    (await otlp('traces', encodeTraces(traceRequest('secret-svc-a', [span('GET /a')])), tok.aIngest!)).status,
    200,
  );
  const logs = encodeLogs({
    resource_logs: [
      {
        resource: { attributes: [kv('service.name', 'secret-svc-a')] },
        scope_logs: [
          {
            log_records: [{ time_unix_nano: nanos(), severity_text: 'ERROR', body: { string_value: 'SECRET-LOG-A' } }],
          },
        ],
      },
    ],
  });
  assert.equal((await otlp('logs', logs, tok.aIngest!)).status, 200);
  const apply = await call('POST', '/api/v1/config/apply', tok.aWrite!, {
    checks: [{ name: 'check-of-team-a', service: 'secret-svc-a', interval: '1h', tcp: { host: '127.0.0.1', port: 1 } }],
  });
  assert.equal(apply.status, 200, await apply.clone().text());
  // team-b's own data.
  assert.equal((await otlp('traces', encodeTraces(traceRequest('svc-b', [span('GET /b')])), tok.bIngest!)).status, 200);
  offset = 2 * 60_000; // the `expiring` token is now expired
});
after(async () => {
  await server.stop();
});

interface Route {
  method: string;
  path: string;
  query: string[];
}

async function routes(): Promise<Route[]> {
  const doc = (await (await call('GET', '/api/v1/openapi.json', null)).json()) as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
  };
  const out: Route[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      out.push({
        method: m.toUpperCase(),
        path: p.replace(/\{[^}]+\}/g, 'x'),
        query: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
      });
    }
  }
  return out;
}

test('every API route refuses no token, revoked and expired tokens (401), and read scope on a write route (403)', async () => {
  // Public: the OpenAPI document, calendar feeds (their own token), Slack's clicks (signed by Slack)
  // and signing in to the console (the token is in the body; test/console.test.ts).
  const all = (await routes()).filter(
    (r) =>
      r.path !== '/api/v1/openapi.json' &&
      !r.path.endsWith('calendar.ics') &&
      r.path !== '/api/v1/slack/interactions' &&
      !(r.path === '/api/v1/session' && r.method === 'POST'),
  );
  assert.ok(all.length >= 30, `${all.length} routes`);
  for (const r of all) {
    const body = r.method === 'GET' ? undefined : {};
    for (const [what, token] of [
      ['no token', null],
      ['a revoked token', tok.revoked!],
      ['an expired token', tok.expiring!],
      ['a malformed token', 'abc'],
    ] as const) {
      const res = await call(r.method, r.path, token, body);
      assert.equal(res.status, 401, `${r.method} ${r.path} with ${what}: ${res.status}`);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      const answer = (await res.json()) as { error?: { code: string }; errors?: Array<{ code: number }> };
      // Jaeger's API answers in Jaeger's envelope.
      if (r.path.startsWith('/jaeger/')) assert.equal(answer.errors?.[0]?.code, 401);
      else assert.equal(answer.error?.code, 'MICRO_ERR_UNAUTHENTICATED');
    }
    // Signing out of the console changes no data: whoever signed in may (a read token included).
    if (r.method !== 'GET' && !(r.method === 'DELETE' && r.path === '/api/v1/session')) {
      const res = await call(r.method, r.path, tok.bRead!, body);
      assert.equal(res.status, 403, `${r.method} ${r.path} with a read token: ${res.status}`);
    }
    if (r.path.startsWith('/api/v1/tokens') || r.path.startsWith('/api/v1/audit')) {
      assert.equal((await call(r.method, r.path, tok.bWrite!, body)).status, 403, `${r.method} ${r.path} needs admin`);
    }
  }
});

test("another namespace's token sees not one row of team-a, on any route, whatever the parameters", async () => {
  const injections = [
    "' OR 1=1 --",
    "x') UNION ALL SELECT Body FROM otel_logs --",
    '{ns:String}',
    "\\'; DROP TABLE otel_traces; --",
    'team-a',
    '%',
    '.*',
  ];
  const gets = (await routes()).filter(
    (r) =>
      r.method === 'GET' &&
      !r.path.endsWith('/follow') &&
      r.path !== '/api/v1/openapi.json' &&
      !r.path.endsWith('calendar.ics'),
  );
  for (const r of gets) {
    for (const value of ['', ...injections]) {
      const qs = new URLSearchParams(
        Object.fromEntries(r.query.map((q) => [q, value || (q === 'since' ? '1h' : '')]).filter(([, v]) => v !== '')),
      );
      const path = value ? r.path.replace(/\/x(?=\/|$)/g, `/${encodeURIComponent(value)}`) : r.path;
      const res = await call('GET', `${path}${qs.size ? `?${qs}` : ''}`, tok.bAdmin!);
      const text = await res.text();
      assert.ok(res.status < 500, `${r.path} with ${JSON.stringify(value)}: ${res.status} ${text}`);
      for (const s of SECRETS_OF_A) assert.ok(!text.includes(s), `${r.path}?${qs} leaked ${s}`);
    }
  }
  // Nothing was changed by them either: team-a still has its rows, team-b sees its own.
  const a = (await (await call('GET', '/api/v1/services?since=1h', tok.aRead!)).json()) as {
    services: Array<{ service: string }>;
  };
  assert.deepEqual(
    a.services.map((s) => s.service),
    ['secret-svc-a'],
  );
  const b = (await (await call('GET', '/api/v1/services?since=1h', tok.bRead!)).json()) as {
    services: Array<{ service: string }>;
  };
  assert.deepEqual(
    b.services.map((s) => s.service),
    ['svc-b'],
  );
  const logs = await (await call('GET', '/api/v1/logs?since=1h', tok.aRead!)).text();
  assert.match(logs, /SECRET-LOG-A/);
  const checks = await (await call('GET', '/api/v1/checks', tok.aRead!)).text();
  assert.match(checks, /check-of-team-a/);
  assert.doesNotMatch(await (await call('GET', '/api/v1/checks', tok.bRead!)).text(), /check-of-team-a/);
});

test('OTLP over HTTP and gRPC: no token, a read token, a revoked or expired token are refused; an ingest token writes to its own namespace', async () => {
  const body = encodeTraces(traceRequest('svc-intruder', [span('x')]));
  for (const signal of ['traces', 'metrics', 'logs']) {
    for (const [what, token, status] of [
      ['no token', null, 401],
      ['a read token', tok.aRead!, 403],
      ['a revoked token', tok.revoked!, 401],
      ['an expired token', tok.expiring!, 401],
    ] as const) {
      const res = await otlp(signal, body, token);
      assert.equal(res.status, status, `/v1/${signal} with ${what}`);
    }
  }
  const client = new grpc.Client(server.otlpGrpcAddress, grpc.credentials.createInsecure());
  const grpcCall = (token: string | null) =>
    new Promise<grpc.status>((resolve) => {
      const md = new grpc.Metadata();
      if (token) md.set('authorization', `Bearer ${token}`);
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(body),
        md,
        (err) => resolve(err ? err.code : grpc.status.OK),
      );
    });
  try {
    assert.equal(await grpcCall(null), grpc.status.UNAUTHENTICATED);
    assert.equal(await grpcCall(tok.aRead!), grpc.status.PERMISSION_DENIED);
    assert.equal(await grpcCall(tok.revoked!), grpc.status.UNAUTHENTICATED);
    assert.equal(await grpcCall(tok.bIngest!), grpc.status.OK);
  } finally {
    client.close();
  }
  // What team-b sent over gRPC is team-b's; team-a never sees it.
  await eventually(
    'the gRPC spans',
    async () =>
      (await (await call('GET', '/api/v1/services?since=1h', tok.bRead!)).json()) as {
        services: Array<{ service: string }>;
      },
    (r) => r.services.some((s) => s.service === 'svc-intruder'),
  );
  const a = (await (await call('GET', '/api/v1/services?since=1h', tok.aRead!)).json()) as {
    services: Array<{ service: string }>;
  };
  assert.deepEqual(
    a.services.map((s) => s.service),
    ['secret-svc-a'],
  );
});

test('micro token create/list/revoke; tokens are listed without secrets, with last use; revoking works at once', async () => {
  const created = await micro([
    'token',
    'create',
    '--namespace',
    'team-c',
    '--scope',
    'read',
    '--expires',
    '90d',
    '--api',
    server.apiUrl,
  ]);
  assert.equal(created.code, 0, created.stderr);
  const secret = created.stdout.trim();
  assert.match(secret, /^micro_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.match(created.stderr, /shown this once/);
  assert.equal((await call('GET', '/api/v1/alerts', secret)).status, 200);
  const list = await micro(['token', 'list', '--api', server.apiUrl, '-o', 'json']);
  const tokens = (
    JSON.parse(list.stdout) as {
      tokens: Array<{ id: string; namespace: string; lastUsedAt: number | null; secretHash?: string }>;
    }
  ).tokens;
  const c = tokens.find((t) => t.namespace === 'team-c')!;
  assert.ok(c.lastUsedAt, 'last use is shown');
  assert.ok(!list.stdout.includes(secret.slice(-43)) && !list.stdout.includes('secretHash'), 'no secret, no hash');
  const revoke = await micro(['token', 'revoke', c.id, '--api', server.apiUrl]);
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.equal((await call('GET', '/api/v1/alerts', secret)).status, 401);
  const bad = await micro(['token', 'create', '--scope', 'root', '--api', server.apiUrl]);
  assert.equal(bad.code, 2);
  // A team's admin manages its own tokens only.
  const other = await call('POST', '/api/v1/tokens', tok.bAdmin!, { namespace: 'team-a', scope: 'read' });
  assert.equal(other.status, 403);
  const audit = (await (await call('GET', '/api/v1/audit', server.adminToken)).json()) as {
    events: Array<{ action: string }>;
  };
  assert.ok(audit.events.some((e) => e.action === 'token.created'));
  assert.ok(
    audit.events.some((e) => e.action === 'DELETE /api/v1/tokens/:id'),
    'changes through the API are audited',
  );
  const auditA = (await (await call('GET', '/api/v1/audit', tok.aRead!)).json()) as { error?: unknown };
  assert.ok(auditA.error, 'the audit log needs admin');
});

test('tokens and the SMTP password appear in no log line and no API answer', async () => {
  const answers = await Promise.all(
    ['/api/v1/status', '/api/v1/config', '/api/v1/tokens', '/api/v1/audit', '/api/v1/oncall/users'].map(async (p) =>
      (await call('GET', p, server.adminToken)).text(),
    ),
  );
  const secrets = [SMTP_PASSWORD, server.adminToken, ...Object.values(tok)];
  for (const s of secrets) {
    const part = s.slice(-20);
    assert.ok(!server.logLines.some((l) => l.includes(part)), `a log line holds ${part}`);
    assert.ok(!answers.some((a) => a.includes(part)), `an API answer holds ${part}`);
  }
});

test('a namespace exposes chosen services to another: those are readable there, nothing else, and nowhere else', async () => {
  const dRead = (await createToken('team-d', 'read')).secret;
  const declare = (exposures: unknown[]) =>
    call('POST', '/api/v1/config/apply', tok.aWrite!, {
      checks: [
        { name: 'check-of-team-a', service: 'secret-svc-a', interval: '1h', tcp: { host: '127.0.0.1', port: 1 } },
      ],
      exposures,
    });
  assert.equal((await declare([{ namespace: 'team-d', services: ['secret-svc-a'] }])).status, 200);
  const services = async (token: string) =>
    (
      (await (await call('GET', '/api/v1/services?since=1h', token)).json()) as { services: Array<{ service: string }> }
    ).services.map((s) => s.service);
  assert.deepEqual(await services(dRead), ['secret-svc-a']);
  assert.match(await (await call('GET', '/api/v1/logs?since=1h', dRead)).text(), /SECRET-LOG-A/);
  assert.deepEqual(await services(tok.bRead!), ['svc-b', 'svc-intruder'], 'team-b still sees only its own');
  assert.doesNotMatch(
    await (await call('GET', '/api/v1/checks', dRead)).text(),
    /check-of-team-a/,
    'telemetry is exposed, not alerting',
  );
  assert.equal((await declare([])).status, 200);
  assert.deepEqual(await services(dRead), []);
});

test("the default namespace's admin reads another namespace with --namespace; nobody else can", async () => {
  const services = await micro([
    'services',
    '--since',
    '1h',
    '--namespace',
    'team-a',
    '-o',
    'json',
    '--api',
    server.apiUrl,
  ]);
  assert.equal(services.code, 0, services.stderr);
  assert.match(services.stdout, /secret-svc-a/);
  const checks = await micro(['health', '--namespace', 'team-a', '--api', server.apiUrl], { MICRO_NAMESPACE: '' });
  assert.equal(checks.code, 0, checks.stderr);
  assert.match(checks.stdout, /check-of-team-a/);
  const viaEnv = await micro(['services', '--since', '1h', '-o', 'json', '--api', server.apiUrl], {
    MICRO_NAMESPACE: 'team-a',
  });
  assert.match(viaEnv.stdout, /secret-svc-a/);
  // Without it, the admin sees its own namespace.
  assert.doesNotMatch(
    (await micro(['services', '--since', '1h', '-o', 'json', '--api', server.apiUrl])).stdout,
    /secret-svc-a/,
  );
  const as = (token: string, ns: string) =>
    rawFetch(`${server.apiUrl}/api/v1/services?since=1h`, {
      headers: { authorization: `Bearer ${token}`, 'x-micro-namespace': ns },
    });
  for (const token of [tok.bAdmin!, tok.bRead!, tok.aWrite!]) {
    const res = await as(token, token === tok.aWrite ? 'team-b' : 'team-a');
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /secret-svc-a/);
  }
  assert.equal((await as(tok.aRead!, 'team-a')).status, 200, 'naming its own namespace is fine');
  assert.equal((await as(server.adminToken, 'no-such-team')).status, 404);
  assert.equal((await as(server.adminToken, 'Bad Name!')).status, 400);
  const cli = await micro(['services', '--since', '1h', '--namespace', 'team-a', '--api', server.apiUrl], {
    MICRO_TOKEN: tok.bAdmin!,
  });
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /only the default namespace's admin may act on another namespace/);
});
