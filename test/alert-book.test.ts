// Alert state persisted as events: a restart while firing keeps the alert firing, and its
// RESOLVED is still handed to the paging layer; every transition is in the log with its time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAlertBook, type AlertNotice } from '../alerting/index.js';
import { openStore } from '../store/index.js';
import { makeDataDir, removeDataDir } from './support/server.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const subject = {
  namespace: 'default',
  key: 'check:checkout-http',
  labels: { service: 'checkout', severity: 'page' },
  policy: { failureThreshold: 2, successThreshold: 2 },
};
const retention = { traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 };

test('a restart while firing: still firing after it, and RESOLVED is sent', async () => {
  const dataDir = makeDataDir();
  const paged: AlertNotice[] = [];
  const page = async (n: AlertNotice) => {
    paged.push(n);
  };
  let store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare(retention);
  let book = createAlertBook(store, page);
  await book.record(subject, { ok: false, message: 'connection refused' }, T0 + 1000);
  await book.record(subject, { ok: false, message: 'connection refused' }, T0 + 2000);
  assert.equal(book.get('default', subject.key)?.state.phase, 'firing');
  await book.acknowledge('default', subject.key, 'alice', T0 + 3000);
  assert.deepEqual(
    paged.map((n) => n.event.kind),
    ['firing', 'acknowledged'],
  );
  await store.close();

  // The process restarts: a new book over the same data rebuilds the alert from the log.
  store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare(retention);
  book = createAlertBook(store, page);
  assert.equal(await book.load('default'), 1);
  const restored = book.get('default', subject.key)!;
  assert.equal(restored.state.phase, 'firing');
  assert.deepEqual(restored.state.acknowledged, { by: 'alice', at: T0 + 3000 });
  assert.deepEqual(restored.labels, subject.labels);
  await book.record(subject, { ok: true, message: '200 OK' }, T0 + 4000);
  await book.record(subject, { ok: true, message: '200 OK' }, T0 + 5000);
  assert.equal(book.get('default', subject.key)?.state.phase, 'ok');
  assert.deepEqual(
    paged.map((n) => n.event.kind),
    ['firing', 'acknowledged', 'resolved'],
  );
  assert.equal(paged[2]!.labels.service, 'checkout');

  const history = await book.history('default', subject.key);
  assert.deepEqual(history.map((e) => [e.kind, e.at - T0, e.from, e.to]).reverse(), [
    ['pending', 1000, 'ok', 'pending'],
    ['firing', 2000, 'pending', 'firing'],
    ['acknowledged', 3000, 'firing', 'firing'],
    ['resolved', 5000, 'firing', 'ok'],
  ]);
  assert.match(history[0]!.reason, /2 consecutive successes/);
  await store.close();
  await removeDataDir(dataDir);
});
