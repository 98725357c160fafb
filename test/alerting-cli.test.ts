// Checks from the config, run by the server: micro health, alerts, ack, resolve, check test,
// and heartbeat pings, against a real loopback target.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { checksSchema } from '../config/index.js';
import { eventually, micro } from './support/services.js';
import { startTestServer, type TestServer } from './support/server.js';

let healthy = true;
let target: http.Server;
let server: TestServer;
const api = () => ['--api', server.apiUrl];

before(async () => {
  target = http.createServer((_req, res) => res.writeHead(healthy ? 200 : 500).end(healthy ? 'ok' : 'broken'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  const checks = checksSchema.parse([
    {
      name: 'checkout-http',
      service: 'checkout',
      interval: '1s',
      retryInterval: '200ms',
      failureThreshold: 2,
      successThreshold: 2,
      labels: { severity: 'page' },
      http: { url, expectStatus: 200, timeout: '500ms' },
    },
    { name: 'nightly-backup', heartbeat: { period: '1d', grace: '1h' } },
  ]);
  server = await startTestServer({}, undefined, checks);
});
after(async () => {
  await server.stop();
  target.close();
});

const json = async <T>(args: string[]): Promise<T> => {
  const r = await micro([...args, ...api(), '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
};
type Checks = { checks: Array<{ name: string; phase: string; lastResult: { ok: boolean; message: string } | null }> };
type Alerts = {
  alerts: Array<{
    name: string;
    state: string;
    labels: Record<string, string>;
    acknowledged: { by: string } | null;
    firingSince: number | null;
  }>;
};

test('a failing target fires, is acknowledged, then resolves', async () => {
  await eventually(
    'the first result',
    () => json<Checks>(['health']),
    (c) => c.checks.find((x) => x.name === 'checkout-http')?.lastResult?.ok === true,
  );
  const table = await micro(['health', 'checkout', ...api()]);
  assert.match(table.stdout, /^CHECK\s+SERVICE\s+KIND\s+STATE\s+SINCE\s+LAST RESULT\s+LATENCY$/m);
  assert.match(table.stdout, /^checkout-http\s+checkout\s+http\s+ok\s+.*ok: status 200 in/m);
  assert.doesNotMatch(table.stdout, /nightly-backup/);

  healthy = false;
  const started = Date.now();
  const firing = await eventually(
    'firing',
    () => json<Alerts>(['alerts', '--state', 'firing']),
    (a) => a.alerts.length === 1,
  );
  // Measured by the server's clock (when it fired), not by how fast the CLI polls on a busy machine.
  const confirmedIn = firing.alerts[0]!.firingSince! - started;
  assert.ok(confirmedIn < 2000, `confirmed in ${confirmedIn} ms, under two intervals`);
  assert.deepEqual(firing.alerts[0]!.labels, { check: 'checkout-http', service: 'checkout', severity: 'page' });
  assert.ok(
    server.logLines.some((l) => l.includes('"event":"firing"') && l.includes('checkout-http')),
    'handed to the paging layer',
  );

  const test_ = await micro(['check', 'test', 'checkout-http', ...api()]);
  assert.equal(test_.code, 1);
  assert.match(test_.stdout, /checkout-http: failed: status 500, expected 200/);

  const ack = await micro(['ack', 'checkout-http', '--by', 'alice', ...api()]);
  assert.equal(ack.code, 0, ack.stderr);
  assert.equal(ack.stdout.trim(), 'checkout-http: acked (acknowledged by alice)');
  assert.equal((await json<Alerts>(['alerts', '--state', 'acked'])).alerts[0]?.acknowledged?.by, 'alice');

  healthy = true;
  await eventually(
    'resolved',
    () => json<Alerts>(['alerts', '--state', 'resolved']),
    (a) => a.alerts.length === 1,
  );
  assert.equal((await json<Alerts>(['alerts', '--state', 'firing'])).alerts.length, 0);
  const history = (await (await fetch(`${server.apiUrl}/api/v1/alerts/checkout-http/history`)).json()) as {
    events: Array<{ kind: string }>;
  };
  assert.deepEqual(history.events.map((e) => e.kind).reverse(), ['pending', 'firing', 'acknowledged', 'resolved']);
  const ok = await micro(['check', 'test', 'checkout-http', ...api()]);
  assert.equal(ok.code, 0);
});

test('heartbeat pings, unknown names, and acknowledging what is not firing', async () => {
  const ping = await fetch(`${server.apiUrl}/api/v1/heartbeats/nightly-backup`, { method: 'POST' });
  assert.equal(ping.status, 200);
  assert.equal((await fetch(`${server.apiUrl}/api/v1/heartbeats/nightly-backup`)).status, 200, 'GET works too');
  const unknown = await fetch(`${server.apiUrl}/api/v1/heartbeats/no-such-job`, { method: 'POST' });
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /MICRO_ERR_CHECK_NOT_FOUND/);
  const notFiring = await micro(['ack', 'checkout-http', ...api()]);
  assert.equal(notFiring.code, 1);
  assert.match(notFiring.stderr, /^micro: alert "check:checkout-http" is not firing$/m);
  const noAlert = await micro(['resolve', 'nope', ...api()]);
  assert.equal(noAlert.code, 1);
  assert.match(noAlert.stderr, /no alert is named "nope"/);
});
