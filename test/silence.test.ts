// Silences and maintenance windows end to end: the alert still fires and is recorded, but no
// page goes out while it is silenced or in maintenance; the server says why.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, micro } from './support/services.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let target: http.Server;
let url = '';
const api = () => ['--api', server.apiUrl];

before(async () => {
  target = http.createServer((_req, res) => res.writeHead(500).end());
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  server = await startTestServer();
});
after(async () => {
  await server.stop();
  target.close();
});

const logsAbout = (alert: string, msg: string) =>
  server.logLines.filter((l) => l.includes(`"msg":"${msg}"`) && l.includes(alert));

test('silenced and in-maintenance alerts fire without paging; the silence can be listed and expired', async () => {
  const add = await micro([
    'silence',
    'add',
    'service=checkout',
    '--duration',
    '2h',
    '--comment',
    'deploying v2',
    '--author',
    'alice',
    ...api(),
  ]);
  assert.equal(add.code, 0, add.stderr);
  const id = /^silence ([0-9a-f]{12}) active until /.exec(add.stdout)?.[1];
  assert.ok(id, add.stdout);

  const now = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'micro-silence-'));
  const file = path.join(dir, 'micro.yaml');
  writeFileSync(
    file,
    `checks:
  - name: checkout-web
    service: checkout
    interval: 1s
    http: { url: "${url}", timeout: 500ms }
  - name: payments-web
    service: payments
    interval: 1s
    http: { url: "${url}", timeout: 500ms }
  - name: search-web
    service: search
    interval: 1s
    http: { url: "${url}", timeout: 500ms }
maintenance:
  - name: payments-upgrade
    matchers: [service=payments]
    startsAt: ${new Date(now - 60_000).toISOString()}
    endsAt: ${new Date(now + 3600_000).toISOString()}
`,
  );
  const applied = await micro(['apply', '-f', file, ...api()]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /created maintenance payments-upgrade/);

  await eventually(
    'all three firing',
    async () =>
      JSON.parse((await micro(['alerts', '--state', 'firing', ...api(), '-o', 'json'])).stdout) as {
        alerts: unknown[];
      },
    (a) => a.alerts.length === 3,
  );
  await eventually(
    'the unmuted page',
    async () => logsAbout('search-web', 'page'),
    (l) => l.length === 1,
  );
  assert.equal(logsAbout('checkout-web', 'page').length, 0, 'silenced: no page');
  assert.equal(logsAbout('payments-web', 'page').length, 0, 'in maintenance: no page');
  assert.match(logsAbout('checkout-web', 'notice held back')[0]!, /silenced by alice until .*: deploying v2/);
  assert.match(logsAbout('payments-web', 'notice held back')[0]!, /in maintenance window payments-upgrade/);

  const list = await micro(['silence', 'list', ...api()]);
  assert.match(list.stdout, new RegExp(`^${id}\\s+active\\s+service=checkout\\s+.*alice\\s+deploying v2$`, 'm'));
  const expire = await micro(['silence', 'expire', id!, ...api()]);
  assert.equal(expire.stdout.trim(), `silence ${id} expired`);
  assert.doesNotMatch((await micro(['silence', 'list', ...api()])).stdout, new RegExp(id!));
  assert.match((await micro(['silence', 'list', '--all', ...api()])).stdout, new RegExp(`${id}\\s+expired`));
  const bad = await micro(['silence', 'add', 'nonsense', '--comment', 'x', ...api()]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /matchers\.0: must be a matcher like service=checkout/);
});
