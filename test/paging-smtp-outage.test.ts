// The SMTP server is down while a page is due: attempts are recorded as retrying and back off;
// once the server is back the page arrives exactly once, and the escalation keeps its time. A
// contact method that fails for good hands over to the next at once.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { makeDataDir, removeDataDir } from './support/server.js';
import { startSmtp, startSwitchableSmtp } from './support/smtp.js';
import { advance, advanceUntil, pagingDeclared, startPagingServer, startTarget } from './support/paging.js';

test('a page due while SMTP is down arrives once it is back, exactly once; the next step still comes on time', async () => {
  const relay = await startSwitchableSmtp();
  const port = relay.port;
  const smtp = relay.smtp;
  const target = await startTarget();
  const declared = pagingDeclared(target.url, {
    policies: [
      {
        id: 'default',
        repeat: 0,
        steps: [
          { notify: ['user:alice'], after: 0 },
          { notify: ['user:carol'], after: 600_000 },
        ],
      },
    ],
  });
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const dataDir = makeDataDir();
  let server = await startPagingServer(dataDir, port, clock, declared);
  try {
    target.status = 500;
    await advanceUntil(
      server,
      clock,
      () => server.alerting.book.get('default', 'check:checkout-http')?.state.phase === 'firing',
      10_000,
    );
    const start = clock.now;
    await advance(server, clock, start + 60_000, 1000);

    type Row = { kind: string; recipient: string; status: string; attempt: number; error: string };
    const history = async (): Promise<Row[]> =>
      (
        (await (await fetch(`${server.apiUrl}/api/v1/alerts/check:checkout-http/notifications`)).json()) as {
          notifications: Row[];
        }
      ).notifications;
    const during = await history();
    const retrying = during.filter((n) => n.status === 'retrying');
    assert.ok(retrying.length >= 3, `retried while SMTP is down (${retrying.length} retries recorded)`);
    assert.ok(retrying.length <= 12, `with back-off, not every second (${retrying.length} retries in a minute)`);
    assert.match(retrying[0]!.error, /ECONNECTION|ECONNREFUSED|ECONNRESET|socket close/i);
    assert.equal(during.filter((n) => n.status === 'sent').length, 0);

    // A restart while it is still down changes nothing.
    await server.close();
    server = await startPagingServer(dataDir, port, clock, declared);
    await advance(server, clock, start + 120_000, 1000);

    relay.up();
    const back = clock.now;
    await advanceUntil(server, clock, () => smtp.mails.length > 0, 120_000, 1000);
    assert.ok(clock.now - back <= 61_000, 'delivered at the next retry (back-off is capped at a minute)');
    await advance(server, clock, start + 10 * 60_000 - 1000, 10_000);
    assert.deepEqual(
      smtp.mails.map((m) => m.to[0]),
      ['alice@example.com'],
      'exactly once',
    );

    await advance(server, clock, start + 10 * 60_000, 1000);
    assert.deepEqual(
      smtp.mails.map((m) => m.to[0]),
      ['alice@example.com', 'carol@example.com'],
      'carol at 10 minutes, on time',
    );
    const after = await history();
    assert.equal(after.filter((n) => n.status === 'sent' && n.recipient === 'alice').length, 1);
  } finally {
    await server.close();
    await Promise.all([relay.close(), target.close()]);
    await removeDataDir(dataDir);
  }
});

test('a contact method that fails for good hands over to the next one at once', async () => {
  const smtp = await startSmtp();
  const target = await startTarget();
  let phoneCalls = 0;
  const phone = http.createServer((_req, res) => {
    phoneCalls++;
    res.writeHead(410).end('gone');
  });
  await new Promise<void>((resolve) => phone.listen(0, '127.0.0.1', resolve));
  const phoneUrl = `http://127.0.0.1:${(phone.address() as AddressInfo).port}/call`;
  const declared = pagingDeclared(target.url, {
    users: [
      {
        id: 'alice',
        email: 'alice@example.com',
        timezone: 'UTC',
        contacts: [{ name: 'phone', webhook: phoneUrl }],
        notificationRules: [
          { contact: 'phone', after: 0 },
          { contact: 'email', after: 300_000 },
        ],
      },
    ],
    schedules: [],
    policies: [{ id: 'default', repeat: 0, steps: [{ notify: ['user:alice'], after: 0 }] }],
  });
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const dataDir = makeDataDir();
  const server = await startPagingServer(dataDir, smtp.port, clock, declared);
  try {
    target.status = 500;
    await advanceUntil(server, clock, () => phoneCalls > 0, 10_000);
    const calledAt = clock.now;
    await advanceUntil(server, clock, () => smtp.mails.length > 0, 10_000);
    assert.ok(clock.now - calledAt <= 1000, `email ${clock.now - calledAt} ms after the phone failed, not 5 minutes`);
    assert.equal(phoneCalls, 1, 'a 410 is not retried');
    const rows = (
      (await (await fetch(`${server.apiUrl}/api/v1/alerts/check:checkout-http/notifications`)).json()) as {
        notifications: Array<{ contact: string; status: string; error: string }>;
      }
    ).notifications;
    assert.deepEqual(
      rows.filter((r) => r.contact === 'phone').map((r) => [r.status, r.error]),
      [
        ['failed', 'HTTP 410 from the webhook'],
        ['sending', ''],
      ],
    );
  } finally {
    await server.stop();
    await Promise.all([smtp.close(), target.close(), new Promise<void>((resolve) => phone.close(() => resolve()))]);
  }
});
