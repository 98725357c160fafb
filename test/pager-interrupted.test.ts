// A page cut off by a crash mid-send, whose alert resolves before the next process retries it:
// the page may be on the person's phone, so RESOLVED goes to them, and the firing page not again.
// (Seen in the failover test: a leader killed between the mail server's acceptance and its "sent"
// row; the new leader cancelled the page when the alert resolved and told nobody.)
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { test } from 'node:test';
import pino from 'pino';
import { initialAlertState, type AlertNotice } from '../alerting/index.js';
import { EMPTY_DECLARED, notificationsSchema, type NotificationsConfig } from '../config/index.js';
import { buildDirectory, createChannels, createPager, type AlertView, type Pager } from '../oncall/index.js';
import { notificationHistory, openStore, type Store } from '../store/index.js';
import { TEAM } from './support/paging.js';
import { makeDataDir, removeDataDir } from './support/server.js';
import { startSmtp } from './support/smtp.js';

const KEY = 'check:checkout-http';
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const labels = { service: 'checkout', severity: 'page' };
const directory = buildDirectory({
  ...EMPTY_DECLARED,
  users: TEAM.users,
  policies: [{ id: 'default', repeat: 0, steps: [{ notify: ['user:alice'], after: 0 }] }],
  routes: [{ match: { severity: 'page' }, policy: 'default' }],
});

function pagerOver(store: Store, smtpPort: number, alert: () => AlertView): Pager {
  const notifications: NotificationsConfig = notificationsSchema.parse({
    smtp: { host: '127.0.0.1', port: smtpPort, from: 'pager@example.com' },
  });
  const channels = createChannels({
    namespace: 'default',
    notifications: () => notifications,
    secret: () => undefined,
    reveal: () => undefined,
    logger: pino({ level: 'silent' }),
  });
  return createPager({
    store,
    namespace: 'default',
    directory: () => directory,
    alert,
    channels,
    publicUrl: () => 'http://127.0.0.1:1',
    signingKey: Buffer.alloc(32, 7),
    ackLinkTtlMs: 86400_000,
    recentLogs: async () => [],
  });
}

const firingNotice = (at: number): AlertNotice => ({
  namespace: 'default',
  alertKey: KEY,
  labels,
  event: { kind: 'firing', at, from: 'pending', to: 'firing', reason: 'status 503', notify: true },
  state: {
    ...initialAlertState(at),
    phase: 'firing',
    consecutiveFailures: 2,
    failingSince: at - 1000,
    firingSince: at,
  },
});

test('a page interrupted mid-send and cancelled by the resolution: RESOLVED still goes, the page not again', async () => {
  // A mail server that accepts the connection and never answers: the send stays "sending".
  const held: net.Socket[] = [];
  const silent = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const smtp = await startSmtp();
  const dataDir = makeDataDir();
  const store = await openStore({ kind: 'embedded', dataDir });
  try {
    await store.prepare({ traces: 86400, logs: 86400, metrics: 86400 });
    let view: AlertView = { phase: 'firing', firingSince: T0, acknowledged: null, resolvedAt: null };
    const crashed = pagerOver(store, (silent.address() as AddressInfo).port, () => view);
    await crashed.deliver({ key: 'service=checkout', labels, notices: [firingNotice(T0)], repeat: false }, T0);
    const until = Date.now() + 10_000;
    while (!(await notificationHistory(store, 'default', KEY)).some((n) => n.status === 'sending')) {
      assert.ok(Date.now() < until, 'the page was recorded as sending');
      await new Promise((r) => setTimeout(r, 20));
    }
    // That process is gone (never drained); the alert resolves before the next one retries.
    view = { phase: 'ok', firingSince: null, acknowledged: null, resolvedAt: T0 + 2000 };
    const next = pagerOver(store, smtp.port, () => view);
    assert.equal(await next.load(T0 + 3000), 1);
    await next.tick(T0 + 3000);
    await next.drain();
    assert.deepEqual(
      smtp.mails.map((m) => [m.to[0], m.subject.split(' ')[0]]),
      [['alice@example.com', '[RESOLVED]']],
    );
    const latest = new Map<string, string>();
    for (const n of (await notificationHistory(store, 'default', KEY)).reverse()) latest.set(n.kind, n.status);
    assert.deepEqual(Object.fromEntries(latest), { firing: 'cancelled', resolved: 'sent' });
    // A third process over the same log sends nothing more.
    const third = pagerOver(store, smtp.port, () => view);
    await third.load(T0 + 4000);
    await third.tick(T0 + 4000);
    await third.drain();
    assert.equal(smtp.mails.length, 1);
  } finally {
    await store.close();
    await smtp.close();
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await removeDataDir(dataDir);
  }
});
