// What reaches the paging layer: grouped by service, silenced and inhibited notices held back,
// firing alerts paged again while nobody acknowledges them. Injected clock throughout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createDispatcher,
  initialAlertState,
  parseMatcher,
  type AlertNotice,
  type NoticeGroup,
  type Silence,
} from '../alerting/index.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const notice = (
  key: string,
  labels: Record<string, string>,
  kind: 'firing' | 'resolved' = 'firing',
  at = T0,
): AlertNotice => ({
  namespace: 'default',
  alertKey: key,
  labels,
  event: {
    kind,
    at,
    from: kind === 'firing' ? 'pending' : 'firing',
    to: kind === 'firing' ? 'firing' : 'ok',
    reason: 'r',
    notify: true,
  },
  state: { ...initialAlertState(at), phase: kind === 'firing' ? 'firing' : 'ok' },
});

function setup(
  extra: {
    silences?: Silence[];
    groupWaitMs?: number;
    firing?: Array<{ key: string; labels: Record<string, string>; acknowledged: boolean; notice: AlertNotice | null }>;
  } = {},
) {
  const delivered: NoticeGroup[] = [];
  const muted: Array<[string, string]> = [];
  const firing = extra.firing ?? [];
  const d = createDispatcher({
    deliver: async (g) => {
      delivered.push(g);
    },
    firing: () => firing,
    silences: () => extra.silences ?? [],
    maintenance: () => [],
    groupWaitMs: extra.groupWaitMs ?? 0,
    repeatMs: 3600_000,
    onMuted: (n, reason) => muted.push([n.alertKey, reason]),
  });
  return { d, delivered, muted, firing };
}

test('notices of one service that fire together are one page', async () => {
  const { d, delivered } = setup({ groupWaitMs: 30_000 });
  await d.handle(notice('check:checkout-http', { service: 'checkout' }), T0);
  await d.handle(notice('rule:checkout-errors', { service: 'checkout' }), T0 + 5000);
  await d.handle(notice('check:payments-http', { service: 'payments' }), T0 + 6000);
  assert.equal(delivered.length, 0, 'waiting for the group');
  await d.tick(T0 + 30_000);
  assert.deepEqual(
    delivered.map((g) => [g.key, g.notices.map((n) => n.alertKey)]),
    [['service=checkout', ['check:checkout-http', 'rule:checkout-errors']]],
  );
  await d.tick(T0 + 36_000);
  assert.deepEqual(
    delivered.map((g) => g.key),
    ['service=checkout', 'service=payments'],
  );
});

test('a page held back by a silence goes out when the silence ends, if still firing', async () => {
  const silence: Silence = {
    id: 's',
    matchers: [parseMatcher('service=checkout')],
    startsAt: T0,
    endsAt: T0 + 600_000,
    author: 'bob',
    comment: 'deploy',
  };
  const n = notice('check:checkout-http', { service: 'checkout' }, 'firing', T0 + 1000);
  const { d, delivered } = setup({
    silences: [silence],
    firing: [{ key: n.alertKey, labels: n.labels, acknowledged: false, notice: n }],
  });
  await d.handle(n, T0 + 1000);
  await d.tick(T0 + 599_000);
  assert.equal(delivered.length, 0);
  await d.tick(T0 + 600_000);
  assert.deepEqual(
    delivered.map((g) => [g.notices[0]!.alertKey, g.repeat]),
    [['check:checkout-http', false]],
  );
  await d.tick(T0 + 601_000);
  assert.equal(delivered.length, 1, 'once');
});

test('a silenced firing notice is held back and said so; its resolution still goes out', async () => {
  const silence: Silence = {
    id: 's',
    matchers: [parseMatcher('service=checkout')],
    startsAt: T0,
    endsAt: T0 + 3600_000,
    author: 'bob',
    comment: 'deploy',
  };
  const { d, delivered, muted } = setup({ silences: [silence] });
  await d.handle(notice('check:checkout-http', { service: 'checkout' }), T0 + 1000);
  assert.equal(delivered.length, 0);
  assert.deepEqual(muted, [
    ['check:checkout-http', `silenced by bob until ${new Date(T0 + 3600_000).toISOString()}: deploy`],
  ]);
  await d.handle(notice('check:checkout-http', { service: 'checkout' }, 'resolved'), T0 + 2000);
  assert.deepEqual(
    delivered.map((g) => g.notices[0]!.event.kind),
    ['resolved'],
  );
});

test("a service-down alert inhibits the service's other alerts", async () => {
  const down = {
    key: 'rule:checkout-down',
    labels: { service: 'checkout', condition: 'absence' },
    acknowledged: false,
    notice: null,
  };
  const { d, delivered, muted } = setup({ firing: [down] });
  await d.handle(notice('check:checkout-http', { service: 'checkout' }), T0);
  await d.handle(notice('check:payments-http', { service: 'payments' }), T0);
  assert.deepEqual(muted, [['check:checkout-http', 'inhibited by rule:checkout-down']]);
  assert.deepEqual(
    delivered.map((g) => g.notices[0]!.alertKey),
    ['check:payments-http'],
  );
});

test('firing alerts are paged again while nobody acknowledges them', async () => {
  const n = notice('check:checkout-http', { service: 'checkout' });
  const entry = { key: n.alertKey, labels: n.labels, acknowledged: false, notice: n };
  const { d, delivered } = setup({ firing: [entry] });
  await d.handle(n, T0);
  assert.equal(delivered.length, 1);
  await d.tick(T0 + 3599_000);
  assert.equal(delivered.length, 1, 'not before the repeat interval');
  await d.tick(T0 + 3600_000);
  assert.equal(delivered.length, 2);
  assert.equal(delivered[1]!.repeat, true);
  entry.acknowledged = true;
  await d.tick(T0 + 3 * 3600_000);
  assert.equal(delivered.length, 2, 'acknowledged: no more repeats');
});

test('after a restart a firing alert is handed over once, marked restored, then repeats count from then', async () => {
  const n = notice('check:checkout-http', { service: 'checkout' });
  const entry = { key: n.alertKey, labels: n.labels, acknowledged: false, notice: n };
  const { d, delivered } = setup({ firing: [entry] });
  await d.tick(T0);
  assert.deepEqual(
    delivered.map((g) => [g.notices[0]!.alertKey, g.repeat, g.restored]),
    [['check:checkout-http', false, true]],
  );
  await d.tick(T0 + 3599_000);
  assert.equal(delivered.length, 1);
  await d.tick(T0 + 3600_000);
  assert.equal(delivered[1]!.repeat, true);
});
