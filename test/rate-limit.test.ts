// Rate limits per token (API and ingest) answer 429 with Retry-After and spare other tokens; the
// CLI on the server's machine finds the admin token in the data directory.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRateLimiter } from '../access/index.js';
import { encodeTraces, span, traceRequest } from './support/otlp-proto.js';
import { rawFetch, startTestServer, type TestServer } from './support/server.js';
import { micro } from './support/services.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ apiRateLimit: 2, ingestRateLimit: 2 });
});
after(async () => {
  await server.stop();
});

test('the token bucket: a burst, then one request per 1/rate, per key', () => {
  const l = createRateLimiter(2, 4);
  const t0 = 1_000_000;
  for (let i = 0; i < 4; i++) assert.equal(l.take('a', t0).ok, true);
  assert.deepEqual(l.take('a', t0), { ok: false, retryInMillis: 500 });
  assert.equal(l.take('b', t0).ok, true, 'another key has its own bucket');
  assert.equal(l.take('a', t0 + 500).ok, true);
});

test('too many API or ingest requests from one token: 429 with Retry-After; another token is not slowed', async () => {
  const create = async (scope: string) =>
    (
      (await (
        await rawFetch(`${server.apiUrl}/api/v1/tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ scope, namespace: 'team-r' }),
        })
      ).json()) as { secret: string }
    ).secret;
  const [reader, other, ingest] = [await create('read'), await create('read'), await create('ingest')];
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 10; i++) {
    const res = await rawFetch(`${server.apiUrl}/api/v1/alerts`, { headers: { authorization: `Bearer ${reader}` } });
    statuses.push(res.status);
    if (res.status === 429) retryAfter = res.headers.get('retry-after');
  }
  assert.ok(statuses.includes(200) && statuses.includes(429), statuses.join(','));
  assert.ok(retryAfter && Number(retryAfter) >= 1);
  assert.equal(
    (await rawFetch(`${server.apiUrl}/api/v1/alerts`, { headers: { authorization: `Bearer ${other}` } })).status,
    200,
  );

  const body = encodeTraces(traceRequest('svc-r', [span('x')])) as BodyInit;
  const codes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await rawFetch(`${server.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ingest}` },
      body,
    });
    codes.push(res.status);
  }
  assert.ok(codes.includes(200) && codes.includes(429), codes.join(','));
});

test('micro uses the admin token of the data directory when MICRO_TOKEN is unset', async () => {
  const r = await micro(['alerts', '--api', server.apiUrl, '-o', 'json'], {
    MICRO_TOKEN: '',
    MICRO_DATA_DIR: server.dataDir,
  });
  assert.equal(r.code, 0, r.stderr);
  const none = await micro(['alerts', '--api', server.apiUrl], { MICRO_TOKEN: '', MICRO_DATA_DIR: '/nonexistent' });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /needs a token.*set MICRO_TOKEN/);
});

test('a heartbeat ping from loopback needs no token (like telemetry), other routes do', async () => {
  const ping = await rawFetch(`${server.apiUrl}/api/v1/heartbeats/nightly`, { method: 'POST' });
  assert.equal(ping.status, 404, 'through to the handler: there is no such heartbeat');
  assert.equal((await rawFetch(`${server.apiUrl}/api/v1/checks`)).status, 401);
});
