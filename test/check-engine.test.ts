// The check engine with an injected clock against a real loopback HTTP target: an outage is
// confirmed at the retry interval (well under two intervals), recovery likewise, the schedule
// does not drift, and a missed heartbeat fires.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import {
  checkJob,
  createAlertBook,
  createHostResolver,
  createCheckEngine,
  spreadOffset,
  type AlertNotice,
  type CheckEngine,
} from '../alerting/index.js';
import { checksSchema } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';
import { makeDataDir, removeDataDir } from './support/server.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
let healthy = true;
let target: http.Server;
let url = '';
let store: Store;
let dataDir: string;

before(async () => {
  target = http.createServer((_req, res) => res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'down'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  dataDir = makeDataDir();
  store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare({ traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 });
});
after(async () => {
  target.close();
  await store.close();
  await removeDataDir(dataDir);
});

/** Runs the engine until `until`, jumping from one due time to the next. */
async function advance(engine: CheckEngine, clock: { t: number }, until: number): Promise<void> {
  for (;;) {
    const next = engine.nextDueAt();
    if (next > until) break;
    clock.t = next;
    await engine.runDue(next);
  }
  clock.t = until;
}

test('an outage is confirmed at the retry interval, and so is the recovery', async () => {
  const paged: AlertNotice[] = [];
  const book = createAlertBook(store, async (n) => {
    paged.push(n);
  });
  const clock = { t: T0 };
  const engine = createCheckEngine({ book, namespace: 'default', now: () => clock.t });
  const checks = checksSchema.parse([
    {
      name: 'web',
      service: 'checkout',
      interval: '10s',
      retryInterval: '2s',
      failureThreshold: 2,
      successThreshold: 2,
      labels: { severity: 'page' },
      http: { url, timeout: '1s' },
    },
  ]);
  engine.setJobs(
    checks.map((c) => checkJob(c, createHostResolver())),
    T0,
  );
  const first = T0 + spreadOffset('check:web', 10_000);
  assert.equal(engine.nextDueAt(), first, 'spread by a stable offset');
  await advance(engine, clock, first + 30_000);
  assert.deepEqual(
    engine.status().map((s) => [s.name, s.phase, s.lastResult?.ok]),
    [['web', 'ok', true]],
  );
  assert.equal(engine.nextDueAt(), first + 40_000, 'no drift: every 10 s from the first run');

  healthy = false;
  await advance(engine, clock, first + 40_000);
  assert.equal(engine.status()[0]!.phase, 'pending');
  assert.equal(engine.nextDueAt(), first + 42_000, 'retried after 2 s while confirming');
  await advance(engine, clock, first + 42_000);
  assert.equal(engine.status()[0]!.phase, 'firing');
  assert.deepEqual(
    paged.map((n) => [n.event.kind, n.event.at - first]),
    [['firing', 42_000]],
  );
  assert.match(paged[0]!.event.reason, /status 503, expected 2xx/);
  assert.deepEqual(paged[0]!.labels, { check: 'web', service: 'checkout', severity: 'page' });
  assert.equal(engine.nextDueAt(), first + 52_000, 'back to the interval while firing');

  healthy = true;
  await advance(engine, clock, first + 52_000);
  assert.equal(engine.nextDueAt(), first + 54_000, 'confirming the recovery');
  await advance(engine, clock, first + 54_000);
  assert.equal(engine.status()[0]!.phase, 'ok');
  assert.deepEqual(
    paged.map((n) => [n.event.kind, n.event.at - first]),
    [
      ['firing', 42_000],
      ['resolved', 54_000],
    ],
  );
});

test('a missed heartbeat fires; a ping resolves it', async () => {
  const paged: AlertNotice[] = [];
  const book = createAlertBook(store, async (n) => {
    paged.push(n);
  });
  const clock = { t: T0 };
  const engine = createCheckEngine({ book, namespace: 'hb', now: () => clock.t });
  engine.setJobs(
    checksSchema
      .parse([{ name: 'nightly-backup', interval: '1m', heartbeat: { period: '1d', grace: '1h' } }])
      .map((c) => checkJob(c, createHostResolver())),
    T0,
  );
  assert.equal(engine.ping('nightly-backup', T0 + 1000), true);
  assert.equal(engine.ping('no-such-check', T0), false);
  await advance(engine, clock, T0 + 86400_000 + 3600_000);
  assert.equal(engine.status()[0]!.phase, 'ok', 'late, within grace');
  await advance(engine, clock, T0 + 86400_000 + 3600_000 + 61_000);
  assert.equal(engine.status()[0]!.phase, 'firing');
  assert.match(paged[0]!.event.reason, /no ping since .*; one was due at/);
  engine.ping('nightly-backup', clock.t + 1000);
  await advance(engine, clock, clock.t + 1000);
  assert.equal(engine.status()[0]!.phase, 'ok');
  assert.deepEqual(
    paged.map((n) => n.event.kind),
    ['firing', 'resolved'],
  );
});
