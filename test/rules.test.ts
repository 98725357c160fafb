// Rules over real ingested telemetry: a service instrumented with the OpenTelemetry SDK sends
// failing requests; the error-rate and log rules fire, and resolve when the failures stop.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rulesSchema } from '../config/index.js';
import { eventually, micro, startService, type RunningService } from './support/services.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let checkout: RunningService;

before(async () => {
  const rules = rulesSchema.parse([
    {
      name: 'checkout-errors',
      service: 'checkout',
      interval: '1s',
      errorRate: { above: 0.05, window: '10s' },
      labels: { severity: 'page' },
    },
    {
      name: 'checkout-error-logs',
      service: 'checkout',
      interval: '1s',
      logs: { level: 'error', above: 2, window: '10s' },
    },
    { name: 'ghost-down', service: 'ghost', interval: '1s', absence: { window: '10s' } },
    {
      name: 'checkout-slow',
      service: 'checkout',
      interval: '1s',
      latency: { percentile: 0.99, above: '5s', window: '10s' },
    },
  ]);
  server = await startTestServer({}, undefined, [], rules);
  checkout = await startService('checkout', server.otlpHttpUrl);
});
after(async () => {
  await checkout.stop();
  await server.stop();
});

type Alerts = { alerts: Array<{ name: string; state: string; message: string; labels: Record<string, string> }> };
const alerts = async (state: string): Promise<Alerts['alerts']> => {
  const r = await micro(['alerts', '--state', state, '--api', server.apiUrl, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Alerts).alerts;
};

test('error rate and error logs fire on failing requests and resolve when they stop', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${checkout.url}/work`)).status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await fetch(`${checkout.url}/fail`)).status, 500);
  const firing = await eventually(
    'the rules to fire',
    () => alerts('firing'),
    (a) => ['checkout-errors', 'checkout-error-logs'].every((n) => a.some((x) => x.name === n)),
    20_000,
  );
  const errors = firing.find((a) => a.name === 'checkout-errors')!;
  assert.match(errors.message, /^checkout: 5 errors in 8 requests \(62\.5%\) over 10s, threshold 5\.00%$/);
  assert.deepEqual(errors.labels, {
    rule: 'checkout-errors',
    service: 'checkout',
    condition: 'errorRate',
    severity: 'page',
  });
  assert.match(
    firing.find((a) => a.name === 'checkout-error-logs')!.message,
    /^checkout: 5 log lines error or worse over 10s, threshold 2$/,
  );
  assert.ok(!firing.some((a) => a.name === 'checkout-slow'), 'latency is fine');
  // The failures stop; once they leave the 10 s window both rules resolve.
  for (let i = 0; i < 3; i++) await fetch(`${checkout.url}/work`);
  const resolved = await eventually(
    'the rules to resolve',
    () => alerts('resolved'),
    (a) => ['checkout-errors', 'checkout-error-logs'].every((n) => a.some((x) => x.name === n)),
    30_000,
  );
  assert.ok(resolved.length >= 2);
});

test('absence: a service that sends nothing is down', async () => {
  const firing = await eventually(
    'ghost-down',
    () => alerts('firing'),
    (a) => a.some((x) => x.name === 'ghost-down'),
    15_000,
  );
  assert.equal(firing.find((a) => a.name === 'ghost-down')!.message, 'no telemetry from ghost for 10s');
  const test_ = await micro(['check', 'test', 'ghost-down', '--api', server.apiUrl]);
  assert.equal(test_.code, 1);
  assert.match(test_.stdout, /ghost-down: failed: no telemetry from ghost for 10s/);
});
