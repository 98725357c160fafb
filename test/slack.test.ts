// The Slack bot as a channel: a local fake of Slack's Web API receives chat.postMessage with
// Acknowledge and Resolve buttons; a correctly signed click (v0 HMAC-SHA256, the signing secret)
// acknowledges and the message is updated (chat.update); a wrongly signed, replayed (older than 5
// minutes) or unknown-user click is refused and changes nothing. RESOLVED updates the message.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { advanceUntil, startTarget } from './support/paging.js';
import { makeDataDir, rawFetch, removeDataDir, startTestServer } from './support/server.js';

const SIGNING_SECRET = 'slack-signing-secret-for-tests';
const BOT_TOKEN = 'xoxb-bot-token-for-tests';

interface SlackCall {
  method: string;
  auth: string;
  body: Record<string, unknown>;
}

async function fakeSlack(): Promise<{ url: string; calls: SlackCall[]; close(): Promise<void> }> {
  const calls: SlackCall[] = [];
  const emails: Record<string, string> = { U_ALICE: 'Alice@Example.com', U_MALLORY: 'mallory@example.com' };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ method, auth: String(req.headers.authorization), body });
      const answer =
        method === 'users.info'
          ? { ok: true, user: { id: body.user, profile: { email: emails[String(body.user)] } } }
          : { ok: true, channel: body.channel, ts: `1700000000.${String(calls.length).padStart(6, '0')}` };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const sign = (body: string, ts: number, secret = SIGNING_SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;

test('Slack: the page posts with buttons; only a correctly signed, recent click by one of our people acknowledges', async () => {
  const slack = await fakeSlack();
  const target = await startTarget();
  const dataDir = makeDataDir();
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const server = await startTestServer({}, dataDir, [], [], { now: () => clock.now, manualClock: true });
  try {
    const declared = {
      checks: [
        {
          name: 'checkout-http',
          service: 'checkout',
          interval: '1s',
          timeout: '500ms',
          failureThreshold: 2,
          labels: { severity: 'page' },
          http: { url: target.url },
        },
      ],
      users: [
        {
          id: 'alice',
          name: 'Alice',
          email: 'alice@example.com',
          contacts: [{ name: 'chat', slack: 'C0ALERTS' }],
          notificationRules: [{ contact: 'chat', after: '0m' }],
        },
      ],
      policies: [{ id: 'default', steps: [{ notify: ['user:alice'] }] }],
      routes: [{ match: { severity: 'page' }, policy: 'default' }],
      notifications: { slack: { apiUrl: slack.url, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET } },
    };
    const applied = await fetch(`${server.apiUrl}/api/v1/config/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(declared),
    });
    assert.equal(applied.status, 200, await applied.text());
    target.status = 500;
    await advanceUntil(server, clock, () => slack.calls.some((c) => c.method === 'chat.postMessage'), 20_000);
    const post = slack.calls.find((c) => c.method === 'chat.postMessage')!;
    assert.equal(post.auth, `Bearer ${BOT_TOKEN}`);
    assert.equal(post.body.channel, 'C0ALERTS');
    const actions = (
      post.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>
    ).find((b) => b.type === 'actions')!;
    assert.deepEqual(
      actions.elements!.map((e) => e.action_id),
      ['acknowledge', 'resolve'],
    );
    const token = actions.elements![0]!.value;

    const click = (user: string) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: user },
          actions: [{ action_id: 'acknowledge', value: token }],
          channel: { id: 'C0ALERTS' },
          message: { ts: '1700000000.000001' },
        }),
      }).toString();
    const send = (body: string, ts: number, signature: string) =>
      rawFetch(`${server.apiUrl}/api/v1/slack/interactions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        },
        body,
      });
    const nowS = () => Math.floor(clock.now / 1000);
    const state = async () =>
      (
        (await (await fetch(`${server.apiUrl}/api/v1/alerts`)).json()) as {
          alerts: Array<{ key: string; state: string }>;
        }
      ).alerts.find((a) => a.key === 'check:checkout-http')?.state;
    assert.equal(await state(), 'firing');

    const body = click('U_ALICE');
    assert.equal((await send(body, nowS(), sign(body, nowS(), 'not-the-secret'))).status, 401, 'wrongly signed');
    assert.equal((await send(`${body}&x=1`, nowS(), sign(body, nowS()))).status, 401, 'body changed after signing');
    const old = nowS() - 6 * 60;
    assert.equal((await send(body, old, sign(body, old))).status, 401, 'replayed after 5 minutes');
    const mallory = click('U_MALLORY');
    const refused = await send(mallory, nowS(), sign(mallory, nowS()));
    assert.equal(refused.status, 403, 'unknown user');
    assert.match(((await refused.json()) as { text: string }).text, /not one of the people declared here/);
    assert.equal(await state(), 'firing', 'nothing changed');
    assert.ok(!slack.calls.some((c) => c.method === 'chat.update'));

    const ok = await send(body, nowS(), sign(body, nowS()));
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(await state(), 'acked');
    const update = slack.calls.find((c) => c.method === 'chat.update')!;
    assert.equal(update.body.ts, '1700000000.000001');
    assert.match(String(update.body.text), /Acknowledged by Alice/);

    // Recovery: RESOLVED updates the message that was posted, instead of posting again.
    target.status = 200;
    const updates = () => slack.calls.filter((c) => c.method === 'chat.update').length;
    await advanceUntil(server, clock, () => updates() >= 2, 20_000);
    const resolved = slack.calls.filter((c) => c.method === 'chat.update')[1]!;
    assert.match(String(resolved.body.text), /RESOLVED/);
    assert.equal(slack.calls.filter((c) => c.method === 'chat.postMessage').length, 1);
    // The tokens are stored sealed, never in plain text.
    const stored = await server.store.query<{ spec: string }>(
      "SELECT Spec AS spec FROM micro_config WHERE Kind = 'notifications'",
    );
    assert.ok(
      stored.every(
        (r) => !r.spec.includes(BOT_TOKEN) && !r.spec.includes(SIGNING_SECRET) && r.spec.includes('botTokenSealed'),
      ),
    );
  } finally {
    await server.close();
    await Promise.all([slack.close(), target.close()]);
    await removeDataDir(dataDir);
  }
});
