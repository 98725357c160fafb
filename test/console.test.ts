// The web console in a real browser (Debian's chromium, driven by playwright-core): telemetry sent
// by the OpenTelemetry SDK, a failing check paging through a real SMTP server, each page loaded and
// asserted on what a person sees, acknowledging from the console, hostile data shown as text, and
// who may see and do what.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotDir } from './support/browser.js';
import { pagingDeclared, startTarget, type FlakyTarget } from './support/paging.js';
import { rawFetch, startTestServer, type TestServer } from './support/server.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { HOSTILE, sendTelemetry, type Sent } from './support/telemetry.js';

let server: TestServer;
let smtp: TestSmtp;
let target: FlakyTarget;
let browser: Browser;
let sent: Sent;
const shots = screenshotDir();

before(async () => {
  smtp = await startSmtp();
  target = await startTarget();
  target.status = 500;
  server = await startTestServer(
    { notifications: { smtp: { host: '127.0.0.1', port: smtp.port, from: 'pager@example.com' } } },
    undefined,
    [],
    [],
    { declared: pagingDeclared(target.url) },
  );
  sent = await sendTelemetry(server.otlpHttpUrl);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  await target?.close();
});

async function until(what: string, f: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A page that fails the test on any script error, dialog or blocked inline script. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/401|403|Failed to load resource/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

async function signedIn(): Promise<{ page: Page; problems: string[] }> {
  const w = await watchedPage();
  const link = await (await fetch(`${server.apiUrl}/api/v1/console/links`, { method: 'POST' })).json();
  await w.page.goto(`${server.apiUrl}${(link as { path: string }).path}`);
  await w.page.getByRole('heading', { name: 'Services' }).waitFor();
  return w;
}

test('signed in by a one-time link, every page shows what a person came for; acknowledging changes the alert', async () => {
  await until('the page to be sent', () => smtp.mails.length > 0);
  const { page, problems } = await signedIn();

  // Services: the service with its rate, error % and sparklines; the hostile name is text.
  await page.getByRole('table').getByRole('link', { name: 'checkout', exact: true }).waitFor();
  const row = page.locator('table.services tr', { hasText: 'checkout' }).first();
  assert.match(await row.innerText(), /\d+(\.\d+)?\/(s|min)/);
  await row.locator('svg.spark').first().waitFor();
  assert.equal(await row.locator('svg.spark').count(), 2, 'sparklines of rate and p99 in the row');
  await page.getByText(HOSTILE.service, { exact: true }).first().waitFor();
  const map = page.getByRole('img', { name: 'service map' });
  await map.getByText('payments').waitFor();
  await map.getByText(/60 calls/).waitFor();
  await page.screenshot({ path: path.join(shots, 'services.png'), fullPage: true });

  // A service: charts of rate, errors and latency, instances' runtime, operations.
  await page.getByRole('table').getByRole('link', { name: 'checkout', exact: true }).click();
  await page.getByText('Requests per second').waitFor();
  for (const caption of ['Errors', 'Latency', 'CPU', 'Memory', 'Threads'])
    await page.locator('figcaption', { hasText: caption }).first().waitFor();
  assert.ok((await page.locator('.uplot').count()) >= 5, 'uPlot charts drawn');
  await page.locator('.uplot .u-legend', { hasText: 'checkout-2' }).first().waitFor();
  await page.getByRole('link', { name: 'GET /cart/0' }).waitFor();
  await page.screenshot({ path: path.join(shots, 'service.png'), fullPage: true });

  // Traces: search the service's error traces; the scatter and the list; open one.
  await page.goto(`${server.apiUrl}/#/traces?service=checkout&errors=true&since=1h`);
  await page.locator('ul.traces li').first().waitFor();
  assert.equal(await page.locator('ul.traces li').count(), 6, 'the six failed requests');
  await page.getByText('Duration of the traces found').waitFor();
  await page.screenshot({ path: path.join(shots, 'traces.png'), fullPage: true });
  await page.locator('ul.traces li a').first().click();
  await page.locator('.span-row').first().waitFor();
  await page.locator('.span-row', { hasText: 'SELECT cart' }).waitFor();
  await page.locator('.span-row', { hasText: 'GET /cart' }).first().click();
  const detail = page.getByLabel('span details');
  await detail.getByText('cart service unavailable').waitFor();
  await detail.getByText('cache miss').waitFor();
  await detail.getByText('http.route').waitFor();
  await detail.getByText('service.instance.id').waitFor();
  await page.getByRole('button', { name: 'collapse' }).first().click();
  assert.equal(await page.locator('.span-row', { hasText: 'SELECT cart' }).count(), 0, 'collapsed');
  await page.screenshot({ path: path.join(shots, 'trace.png'), fullPage: true });
  await page.getByRole('link', { name: 'Logs of this trace' }).click();
  await page.getByText(/cart \d+ failed: upstream timeout/).waitFor();

  // Logs: search, the volume histogram, and live tail.
  await page.goto(`${server.apiUrl}/#/logs?service=checkout&since=1h`);
  await page.getByText('cart 59 served').waitFor();
  await page.getByText('Log lines by level').waitFor();
  await page.getByRole('button', { name: 'Live tail' }).click();
  await page.getByText('live', { exact: true }).waitFor();
  // A line logged now shows up in the tail.
  const live = `live line ${Date.now()}`;
  const body = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [
          { logRecords: [{ timeUnixNano: `${Date.now()}000000`, severityText: 'INFO', body: { stringValue: live } }] },
        ],
      },
    ],
  });
  const posted = await fetch(`${server.otlpHttpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  assert.equal(posted.status, 200);
  await page.getByText(live).waitFor();
  await page.screenshot({ path: path.join(shots, 'logs.png'), fullPage: true });

  // Alerts: the failing check fires and paged by email; acknowledge it here.
  await page.goto(`${server.apiUrl}/#/alerts`);
  const alert = page.locator('li.alert', { hasText: 'check:checkout-http' });
  await alert.waitFor();
  await alert.locator('button.name').click();
  await alert.getByText('firing', { exact: true }).first().waitFor();
  await alert.locator('table.notifications td', { hasText: 'sent' }).first().waitFor();
  await page.locator('table.checks tr', { hasText: 'checkout-http' }).locator('svg.spark').waitFor();
  await page.screenshot({ path: path.join(shots, 'alerts.png'), fullPage: true });
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await page.getByText('Acknowledged check:checkout-http').waitFor();
  await until('the alert to be acknowledged', async () => {
    const r = (await (await fetch(`${server.apiUrl}/api/v1/alerts?state=all`)).json()) as {
      alerts: Array<{ key: string; acknowledged: { by: string } | null }>;
    };
    return r.alerts.find((a) => a.key === 'check:checkout-http')?.acknowledged?.by === 'local admin (data dir)';
  });
  await page.screenshot({ path: path.join(shots, 'alerts-acknowledged.png'), fullPage: true });
  await page.getByRole('button', { name: /Acknowledged \(1\)/ }).click();
  await page.locator('li.alert', { hasText: 'check:checkout-http' }).waitFor();

  // On call: who now and next, two weeks of shifts, warnings.
  await page.goto(`${server.apiUrl}/#/oncall`);
  await page.getByText('On call now:').first().waitFor();
  assert.match(await page.locator('.card').first().innerText(), /(Alice|Bob)/);
  assert.equal(await page.locator('.calendar .day').count(), 14);
  await page.getByText('Escalations in progress').waitFor();
  await page.locator('ul.escalations li', { hasText: 'check:checkout-http' }).count();
  await page.screenshot({ path: path.join(shots, 'oncall.png'), fullPage: true });
  // An override: Carol replaces whoever is on call for the next hour; then it is removed.
  const onNow = (await page.locator('.card .now b').first().innerText()).trim();
  const user = onNow === 'Alice' ? 'alice' : 'bob';
  const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByLabel('who is off').selectOption(user);
  await page.getByLabel('who takes it').selectOption('carol');
  await page.getByLabel('start').fill(local(Date.now() - 60_000));
  await page.getByLabel('end').fill(local(Date.now() + 3600_000));
  await page.getByRole('button', { name: 'Add override' }).click();
  await page.getByText('Override added').waitFor();
  await page.locator('.card .now', { hasText: 'Carol' }).waitFor();
  await page.locator('ul.overrides li', { hasText: 'carol' }).getByRole('button', { name: 'Remove' }).click();
  await page.locator('.card .now', { hasText: onNow }).waitFor();

  // Admin: tokens with last use, the declarations as YAML, the audit log.
  await page.goto(`${server.apiUrl}/#/admin`);
  await page.locator('table.tokens').getByRole('cell', { name: 'local admin (data dir)', exact: true }).waitFor();
  await page.getByText('checkout-http', { exact: false }).first().waitFor();
  await page.locator('table.audit', { hasText: 'token.created' }).waitFor();
  await page.screenshot({ path: path.join(shots, 'admin.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('hostile span names, attribute values, log bodies and service names render as text and run nothing', async () => {
  const { page, problems } = await signedIn();
  const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
  await page.getByText(HOSTILE.service, { exact: true }).first().waitFor();
  await page.goto(`${server.apiUrl}/#/traces?service=${encodeURIComponent(HOSTILE.service)}&since=1h`);
  await page.locator('ul.traces li a').first().click();
  await page.locator('.span-row').first().click();
  const detail = page.getByLabel('span details');
  await detail.getByText(HOSTILE.url, { exact: true }).waitFor();
  await detail.getByText(HOSTILE.body, { exact: true }).waitFor();
  assert.ok(await page.getByText(HOSTILE.span).first().isVisible());
  await page.goto(`${server.apiUrl}/#/logs?since=1h`);
  await page.getByText(HOSTILE.body, { exact: true }).waitFor();
  await page.goto(`${server.apiUrl}/#/services/${encodeURIComponent(HOSTILE.service)}`);
  await page
    .getByRole('heading', { name: new RegExp(HOSTILE.service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
    .waitFor();
  assert.equal(await pwned(), undefined, 'no hostile script ran');
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element came from telemetry');
  assert.deepEqual(problems, []);
  // Every page carries the policy that would stop an inline script anyway.
  const res = await rawFetch(`${server.apiUrl}/`);
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.doesNotMatch(await res.text(), /<script>(?!<)/);
});

test('no session: the sign-in page; a read token sees no buttons and the API refuses them; another namespace sees nothing of this one', async () => {
  const anonymous = await watchedPage();
  await anonymous.page.goto(`${server.apiUrl}/`);
  await anonymous.page.getByText('Sign in with a token').waitFor();

  const mint = async (body: Record<string, string>) =>
    (
      (await (
        await fetch(`${server.apiUrl}/api/v1/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ expires: 'never', ...body }),
        })
      ).json()) as { secret: string }
    ).secret;
  const readToken = await mint({ scope: 'read', name: 'viewer' });
  const { page } = anonymous;
  await page.getByLabel('Token').fill(readToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('default · read').waitFor();
  await page.goto(`${server.apiUrl}/#/alerts?tab=all`);
  await page.locator('li.alert', { hasText: 'check:checkout-http' }).waitFor();
  for (const name of ['Acknowledge', 'Resolve', 'Silence 1h', 'Expire'])
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `no ${name} button`);
  const refused = await page.evaluate(async () => {
    const r = await fetch('/api/v1/alerts/check:checkout-http/resolve', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return r.status;
  });
  assert.equal(refused, 403);

  const otherToken = await mint({ scope: 'admin', name: 'team-b admin', namespace: 'team-b' });
  const other = await watchedPage();
  await other.page.goto(`${server.apiUrl}/`);
  await other.page.getByLabel('Token').fill(otherToken);
  await other.page.getByRole('button', { name: 'Sign in' }).click();
  await other.page.getByText('team-b · admin').waitFor();
  await other.page.getByText(/no telemetry in the last/).waitFor();
  assert.equal(await other.page.getByText('checkout', { exact: true }).count(), 0);
  await other.page.goto(`${server.apiUrl}/#/alerts?tab=all`);
  await other.page.getByText('Checks').waitFor();
  assert.equal(await other.page.locator('li.alert', { hasText: 'checkout-http' }).count(), 0);
});

test('forged and expired sessions are refused, and so is a cross-site POST', async () => {
  const forged = await rawFetch(`${server.apiUrl}/api/v1/session`, {
    headers: { cookie: `micro_session=${'A'.repeat(43)}` },
  });
  assert.equal(forged.status, 401);
  // A session that expired: made, then its row rewritten with an end in the past.
  const token = await (
    await rawFetch(`${server.apiUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: server.adminToken }),
    })
  ).headers.get('set-cookie');
  const cookie = /micro_session=([^;]+)/.exec(token ?? '')![1]!;
  assert.match(token ?? '', /HttpOnly/i);
  assert.match(token ?? '', /SameSite=Strict/i);
  const ok = await rawFetch(`${server.apiUrl}/api/v1/session`, { headers: { cookie: `micro_session=${cookie}` } });
  assert.equal(ok.status, 200);
  // Cross-site: the cookie with another site's Origin.
  const crossSite = await rawFetch(`${server.apiUrl}/api/v1/silences`, {
    method: 'POST',
    headers: { cookie: `micro_session=${cookie}`, origin: 'http://evil.example', 'content-type': 'application/json' },
    body: JSON.stringify({ matchers: ['a=b'], duration: '1h', author: 'x', comment: 'y' }),
  });
  assert.equal(crossSite.status, 403);
  assert.match(await crossSite.text(), /must come from the console itself/);
  // And from a real page on another origin: the browser does not even send the cookie (SameSite=Strict).
  const { page } = await signedIn();
  const evil = await import('node:http').then(
    (http) =>
      new Promise<import('node:http').Server>((resolve) => {
        const s = http.createServer((_req, res) =>
          res
            .writeHead(200, { 'content-type': 'text/html' })
            .end(
              `<form id="f" method="post" action="${server.apiUrl}/api/v1/alerts/check:checkout-http/resolve"></form><script>document.getElementById('f').submit()</script>`,
            ),
        );
        s.listen(0, 'localhost', () => resolve(s));
      }),
  );
  const port = (evil.address() as import('node:net').AddressInfo).port;
  const answer = page.waitForResponse((r) => r.url().includes('/resolve'));
  await page.goto(`http://localhost:${port}/`);
  assert.ok([401, 403].includes((await answer).status()), 'the cross-site form is refused');
  evil.close();
  // Expired: a session older than its expiry is refused (its row says so).
  const { createHash } = await import('node:crypto');
  const { saveSession } = await import('../store/index.js');
  const old = 'B'.repeat(43);
  await saveSession(server.store, {
    idHash: createHash('sha256').update(old).digest('hex'),
    kind: 'session',
    tokenId: (
      (await (await fetch(`${server.apiUrl}/api/v1/tokens`)).json()) as { tokens: Array<{ id: string; name: string }> }
    ).tokens.find((t) => t.name === 'local admin (data dir)')!.id,
    createdAt: Date.now() - 2 * 86400_000,
    expiresAt: Date.now() - 86400_000,
    endedAt: 0,
  });
  const expired = await rawFetch(`${server.apiUrl}/api/v1/session`, { headers: { cookie: `micro_session=${old}` } });
  assert.equal(expired.status, 401);
  // Signing out ends the session for good.
  const out = await rawFetch(`${server.apiUrl}/api/v1/session`, {
    method: 'DELETE',
    headers: { cookie: `micro_session=${cookie}`, origin: server.apiUrl },
  });
  assert.equal(out.status, 204);
  const after = await rawFetch(`${server.apiUrl}/api/v1/session`, { headers: { cookie: `micro_session=${cookie}` } });
  assert.equal(after.status, 401);
});

test('micro console prints a one-time link: it signs in once, then says it is used', async () => {
  const { micro } = await import('./support/services.js');
  const r = await micro(['console', '-o', 'json', '--api', server.apiUrl]);
  assert.equal(r.code, 0, r.stderr);
  const { url } = JSON.parse(r.stdout) as { url: string };
  assert.ok(url.startsWith(`${server.apiUrl}/console/signin?code=`));
  const first = await rawFetch(url, { redirect: 'manual' });
  assert.equal(first.status, 303);
  assert.match(first.headers.get('set-cookie') ?? '', /micro_session=.*HttpOnly.*SameSite=Strict/i);
  const again = await rawFetch(url, { redirect: 'manual' });
  assert.equal(again.status, 403);
  assert.match(await again.text(), /This sign-in link is not valid/);
  assert.match(again.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const text = await micro(['console', '--api', server.apiUrl]);
  assert.match(text.stdout, /Open this link to sign in to the console/);
  // micro server prints one at start, for the local admin, when it listens on loopback.
  assert.match(server.consoleSignInUrl ?? '', /\/console\/signin\?code=[\w-]{43}$/);
});
