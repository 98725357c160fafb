// End to end with a real SMTP server, a real HTTP target and an injected clock: a check fails,
// the alert fires, whoever the schedule says is on call gets an email with an acknowledge link
// (and the webhook channel an Alertmanager v4 payload); following the link acknowledges and
// the escalation stops; recovery sends RESOLVED to those who were paged.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { buildDirectory, whoIsOnCall } from '../oncall/index.js';
import { declaredPart } from '../config/index.js';
import { makeDataDir, removeDataDir } from './support/server.js';
import { micro } from './support/services.js';
import { startSmtp } from './support/smtp.js';
import { ACK_LINK, advance, advanceUntil, pagingDeclared, startPagingServer, startTarget } from './support/paging.js';

test('a failing check pages whoever is on call; the email link acknowledges and stops the escalation; recovery sends RESOLVED', async () => {
  const smtp = await startSmtp();
  const target = await startTarget();
  const hooks: Array<Record<string, unknown>> = [];
  const chat = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
  const chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/hook`;
  const declared = pagingDeclared(target.url, {
    webhooks: [{ id: 'ops-chat', url: chatUrl }],
    policies: [
      {
        id: 'default',
        repeat: 0,
        steps: [
          { notify: ['schedule:primary', 'webhook:ops-chat'], after: 0 },
          { notify: ['user:carol'], after: 600_000 },
        ],
      },
    ],
  });
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const dataDir = makeDataDir();
  const server = await startPagingServer(dataDir, smtp.port, clock, declared);
  try {
    await advance(server, clock, clock.now + 3000);
    assert.equal(smtp.mails.length, 0, 'nothing while the target is healthy');

    target.status = 500;
    const failedAt = clock.now;
    await advanceUntil(server, clock, () => smtp.mails.length > 0, 10_000);
    const firedAt = server.alerting.book.get('default', 'check:checkout-http')!.state.firingSince!;
    assert.ok(firedAt - failedAt <= 2500, `fired ${firedAt - failedAt} ms after the target failed`);

    // Whoever the schedule says, at that time.
    const schedule = buildDirectory(declaredPart(declared)).schedules.get('primary')!;
    const onCall = whoIsOnCall(schedule, firedAt).users;
    assert.equal(onCall.length, 1);
    const address = `${onCall[0]}@example.com`;
    assert.deepEqual(
      smtp.mails.map((m) => m.to),
      [[address]],
    );
    const page = smtp.mails[0]!;
    assert.equal(page.subject, '[FIRING] checkout: checkout-http');
    assert.match(page.text, /Failing result: .*500/);
    assert.match(page.text, /Escalation: policy default, step 1/);
    assert.match(page.html, /Acknowledge<\/a>/);
    const link = ACK_LINK.exec(page.text)?.[1];
    assert.ok(link, page.text);
    assert.ok(page.html.includes(link), 'the same link in the HTML body');
    assert.ok(link.startsWith(server.apiUrl), 'links use the public URL, by default the API address');

    // The webhook channel: Alertmanager's v4 shape, with Slack's text.
    assert.equal(hooks.length, 1);
    const hook = hooks[0]! as {
      version: string;
      status: string;
      alerts: Array<{
        status: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
        startsAt: string;
      }>;
      text: string;
    };
    assert.equal(hook.version, '4');
    assert.equal(hook.status, 'firing');
    assert.equal(hook.alerts[0]!.labels.check, 'checkout-http');
    assert.equal(hook.alerts[0]!.startsAt, new Date(firedAt).toISOString());
    assert.match(hook.text, /\[FIRING\] checkout: checkout-http/);

    // A tampered link acknowledges nothing.
    const tampered = await fetch(`${link.slice(0, -3)}abc`, { method: 'POST' });
    assert.equal(tampered.status, 403);
    assert.equal(server.alerting.book.get('default', 'check:checkout-http')!.state.acknowledged, null);

    // Following the link: a page that submits itself, and the acknowledgement.
    const shown = await fetch(link);
    assert.equal(shown.status, 200);
    const html = await shown.text();
    assert.match(html, /<form id="ack" method="post"/);
    const acked = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assert.equal(acked.status, 200, await acked.clone().text());
    assert.match(await acked.text(), /Acknowledged by .* \(email link\)/);
    const state = server.alerting.book.get('default', 'check:checkout-http')!.state;
    assert.ok(state.acknowledged, 'acknowledged');
    assert.equal(state.phase, 'firing');

    // The escalation has stopped: carol's step (10 minutes) never comes.
    await advance(server, clock, clock.now + 15 * 60_000, 30_000);
    assert.equal(smtp.to('carol@example.com').length, 0, 'carol is not paged after the acknowledgement');
    assert.equal(smtp.mails.length, 1);

    // Recovery: RESOLVED to whoever was paged (and the channel), nobody else.
    target.status = 200;
    await advanceUntil(server, clock, () => smtp.mails.length > 1, 10_000);
    await advance(server, clock, clock.now + 2000);
    assert.deepEqual(
      smtp.mails.map((m) => [m.to[0], m.subject]),
      [
        [address, '[FIRING] checkout: checkout-http'],
        [address, '[RESOLVED] checkout: checkout-http'],
      ],
    );
    assert.equal(smtp.mails[1]!.inReplyTo, page.messageId, 'RESOLVED threads under the page');
    assert.equal(hooks.length, 2);
    assert.equal((hooks[1] as { status: string }).status, 'resolved');

    // The link of a finished episode acknowledges nothing more.
    const late = await fetch(link, { method: 'POST' });
    assert.equal(late.status, 409);

    // Every attempt was recorded: sending, then sent.
    const history = (await (
      await fetch(`${server.apiUrl}/api/v1/alerts/check:checkout-http/notifications`)
    ).json()) as { notifications: Array<{ kind: string; status: string; recipient: string }> };
    const statuses = history.notifications.map((n) => `${n.kind}:${n.recipient}:${n.status}`).reverse();
    assert.deepEqual(
      statuses.filter((s) => s.includes(onCall[0]!)),
      [
        `firing:${onCall[0]}:sending`,
        `firing:${onCall[0]}:sent`,
        `resolved:${onCall[0]}:sending`,
        `resolved:${onCall[0]}:sent`,
      ],
    );
    const log = await micro(['page', 'log', 'checkout-http', '--api', server.apiUrl]);
    assert.equal(log.code, 0, log.stderr);
    assert.match(log.stdout, new RegExp(`resolved\\s+${onCall[0]}\\s+email \\(email\\)\\s+1\\s+sent`));
  } finally {
    await server.close();
    await Promise.all([smtp.close(), target.close(), new Promise<void>((resolve) => chat.close(() => resolve()))]);
    await removeDataDir(dataDir);
  }
});
