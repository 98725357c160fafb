// Alertmanager's alert JSON sent to POST /api/v2/alerts routes into our alerting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { micro } from './support/services.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

const post = (body: unknown) =>
  fetch(`${server.apiUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const alerts = async (state: string) =>
  (
    JSON.parse((await micro(['alerts', '--state', state, '--api', server.apiUrl, '-o', 'json'])).stdout) as {
      alerts: Array<{ name: string; labels: Record<string, string>; message: string }>;
    }
  ).alerts;

test('a Prometheus alert fires, then resolves when its endsAt passes', async () => {
  const labels = { alertname: 'HighLatency', service: 'checkout', severity: 'page' };
  const r = await post([
    {
      labels,
      annotations: { summary: 'p99 above 1s' },
      startsAt: new Date().toISOString(),
      generatorURL: 'http://prometheus/graph',
    },
  ]);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { firing: 1, resolved: 0 });
  const firing = await alerts('firing');
  assert.equal(firing.length, 1);
  assert.deepEqual(firing[0]!.labels, { source: 'alertmanager', ...labels });
  assert.equal(firing[0]!.message, 'HighLatency: p99 above 1s');
  // Prometheus re-sends while firing: still one alert.
  await post([{ labels, annotations: { summary: 'p99 above 1s' } }]);
  assert.equal((await alerts('firing')).length, 1);
  const ended = await post([{ labels, annotations: {}, endsAt: new Date(Date.now() - 1000).toISOString() }]);
  assert.deepEqual(await ended.json(), { firing: 0, resolved: 1 });
  assert.equal((await alerts('firing')).length, 0);
  assert.equal((await alerts('resolved')).length, 1);
});

test('bad Alertmanager bodies are refused with the field named', async () => {
  const r = await post([{ labels: {}, endsAt: 'yesterday' }]);
  assert.equal(r.status, 400);
  const text = await r.text();
  assert.match(text, /0\.labels: an alert needs at least one label/);
  assert.match(text, /0\.endsAt/);
  assert.equal((await post({ not: 'an array' })).status, 400);
});
