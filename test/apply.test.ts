// Config as code: `micro apply -f` is idempotent, says what it created, changed and removed, and
// a file with invalid fields is refused whole, every field named with its line.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { micro } from './support/services.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const dir = mkdtempSync(path.join(tmpdir(), 'micro-apply-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const apply = (f: string, ...extra: string[]) => micro(['apply', '-f', f, '--api', server.apiUrl, ...extra]);

// The example of the alerting issue, as written.
const EXAMPLE = `checks:
  - name: checkout-http
    service: checkout
    interval: 1s
    failureThreshold: 2
    successThreshold: 2
    labels: { severity: page }
    http:
      url: http://127.0.0.1:9999/health
      expectStatus: 200
      timeout: 500ms
  - name: nightly-backup
    heartbeat:
      period: 1d
      grace: 1h
rules:
  - name: checkout-errors
    service: checkout
    errorRate: { above: 0.05, window: 5m }
    labels: { severity: page }
`;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

test('apply creates, is idempotent, changes and removes', async () => {
  const first = await apply(file('micro.yaml', EXAMPLE));
  assert.equal(first.code, 0, first.stderr);
  assert.equal(
    first.stdout,
    'created check checkout-http\ncreated check nightly-backup\ncreated rule checkout-errors\n3 created, 0 changed, 0 removed, 0 unchanged\n',
  );
  const again = await apply(file('micro.yaml', EXAMPLE));
  assert.equal(again.stdout, '0 created, 0 changed, 0 removed, 3 unchanged\n');
  const health = JSON.parse((await micro(['health', '--api', server.apiUrl, '-o', 'json'])).stdout) as {
    checks: Array<{ name: string; kind: string }>;
  };
  assert.deepEqual(
    health.checks.map((c) => [c.name, c.kind]),
    [
      ['checkout-errors', 'rule'],
      ['checkout-http', 'http'],
      ['nightly-backup', 'heartbeat'],
    ],
  );

  const edited = EXAMPLE.replace('interval: 1s', 'interval: 5s').replace(
    / {2}- name: nightly-backup\n {4}heartbeat:\n {6}period: 1d\n {6}grace: 1h\n/,
    '',
  );
  const dry = await apply(file('edited.yaml', edited), '--dry-run');
  assert.equal(
    dry.stdout,
    'would change check checkout-http\nwould remove check nightly-backup\n0 created, 1 changed, 1 removed, 1 unchanged (dry run: nothing applied)\n',
  );
  const second = await apply(file('edited.yaml', edited));
  assert.equal(
    second.stdout,
    'changed check checkout-http\nremoved check nightly-backup\n0 created, 1 changed, 1 removed, 1 unchanged\n',
  );
  const config = (await (await fetch(`${server.apiUrl}/api/v1/config`)).json()) as {
    checks: Array<{ name: string; interval: number }>;
  };
  assert.deepEqual(
    config.checks.map((c) => [c.name, c.interval]),
    [['checkout-http', 5000]],
  );
});

test('a file with invalid fields is refused whole, each field named with its line', async () => {
  const before_ = await (await fetch(`${server.apiUrl}/api/v1/config`)).text();
  const bad = file(
    'bad.yaml',
    `checks:
  - name: ok-check
    tcp: { host: 127.0.0.1, port: 5432 }
  - name: broken
    interval: often
    http:
      url: ftp://nowhere
      expectStatus: 999
  - name: both
    tcp: { host: a, port: 1 }
    grpc: { address: a:1 }
  - name: ok-check
    heartbeat: { cron: "not a cron", timezone: Mars/Olympus }
rules:
  - name: r
    service: s
    errorRate: { above: 2 }
`,
  );
  const r = await apply(bad);
  assert.equal(r.code, 2);
  const lines = [
    /bad\.yaml:5: checks\.1\.interval: "often" is not a duration/,
    /bad\.yaml:7: checks\.1\.http\.url: must be an http\(s\) URL/,
    /bad\.yaml:8: checks\.1\.http\.expectStatus/,
    /checks\.2: give exactly one of http, tcp, grpc, heartbeat \(found tcp, grpc\)/,
    /bad\.yaml:12: checks\.3\.name: another check \(#1\) is already named "ok-check"/,
    /bad\.yaml:13: checks\.3\.heartbeat\.cron: is not a cron expression/,
    /checks\.3\.heartbeat\.timezone: is not an IANA time zone/,
    /bad\.yaml:17: rules\.0\.errorRate\.above/,
  ];
  for (const re of lines) assert.match(r.stderr, re);
  assert.match(r.stderr, /nothing was applied/);
  assert.equal(await (await fetch(`${server.apiUrl}/api/v1/config`)).text(), before_, 'nothing changed');

  const api = await fetch(`${server.apiUrl}/api/v1/config/apply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ checks: [{ name: 'x', tcp: { host: 'h', port: 70000 } }], alerts: [] }),
  });
  assert.equal(api.status, 400);
  const body = (await api.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'MICRO_ERR_INVALID_CONFIG');
  assert.match(body.error.message, /checks\.0\.tcp\.port/);
  assert.match(body.error.message, /unknown field alerts/);
  assert.equal(await (await fetch(`${server.apiUrl}/api/v1/config`)).text(), before_, 'nothing changed');
});

test('silences declared in micro.yaml are applied like the rest, and listed with the others', async () => {
  const now = Date.now();
  const withSilence = `silences:
  - name: deploy-window
    matchers: [service=checkout, severity=~page|ticket]
    startsAt: ${new Date(now - 60_000).toISOString()}
    endsAt: ${new Date(now + 3600_000).toISOString()}
    author: release-bot
    comment: rolling out v2
`;
  const r = await apply(file('silences.yaml', withSilence), '--no-prune');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^created declared-silence deploy-window$/m);
  const list = await micro(['silence', 'list', '--api', server.apiUrl]);
  assert.match(
    list.stdout,
    /^deploy-window\s+active\s+service=checkout,severity=~page\|ticket\s+.*release-bot\s+rolling out v2$/m,
  );
  const added = await micro(['silence', 'add', 'service=search', '--comment', 'by hand', '--api', server.apiUrl]);
  assert.equal(added.code, 0);
  // A file without the silence removes the declared one, never the one added by hand.
  const pruned = await apply(file('empty.yaml', 'checks: []\n'));
  assert.match(pruned.stdout, /^removed declared-silence deploy-window$/m);
  const after_ = (await micro(['silence', 'list', '--api', server.apiUrl])).stdout;
  assert.doesNotMatch(after_, /deploy-window/);
  assert.match(after_, /service=search\s+.*by hand/);
});
