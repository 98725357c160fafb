// Escalation with an injected clock and a real SMTP server: left unacknowledged, the next step's
// person is paged after the delay, not before; a restart in the middle sends nothing twice and
// skips nothing; RESOLVED goes to everyone who was paged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDirectory, whoIsOnCall } from '../oncall/index.js';
import { declaredPart } from '../config/index.js';
import { makeDataDir, removeDataDir } from './support/server.js';
import { startSmtp } from './support/smtp.js';
import { advance, advanceUntil, pagingDeclared, startPagingServer, startTarget } from './support/paging.js';

test('unacknowledged, the next step pages after its delay; a restart mid-escalation sends nothing twice and skips nothing', async () => {
  const smtp = await startSmtp();
  const target = await startTarget();
  const declared = pagingDeclared(target.url);
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const dataDir = makeDataDir();
  let server = await startPagingServer(dataDir, smtp.port, clock, declared);
  try {
    target.status = 503;
    await advanceUntil(server, clock, () => smtp.mails.length > 0, 10_000);
    const firedAt = server.alerting.book.get('default', 'check:checkout-http')!.state.firingSince!;
    const escalationStart = clock.now;
    const onCall = whoIsOnCall(buildDirectory(declaredPart(declared)).schedules.get('primary')!, firedAt).users[0]!;
    assert.deepEqual(
      smtp.mails.map((m) => m.to[0]),
      [`${onCall}@example.com`],
    );

    // Five minutes on, the server restarts.
    await advance(server, clock, escalationStart + 5 * 60_000, 15_000);
    await server.close();
    server = await startPagingServer(dataDir, smtp.port, clock, declared);
    await advance(server, clock, escalationStart + 10 * 60_000 - 1000, 15_000);
    assert.equal(smtp.mails.length, 1, 'nothing sent again after the restart, and carol not before her delay');

    await advance(server, clock, escalationStart + 10 * 60_000, 1000);
    assert.deepEqual(
      smtp.mails.map((m) => m.to[0]),
      [`${onCall}@example.com`, 'carol@example.com'],
      'carol exactly at 10 minutes',
    );
    assert.equal(smtp.mails[1]!.subject, '[FIRING] checkout: checkout-http (escalated: step 2)');

    // A second restart right after; then recovery.
    await server.close();
    server = await startPagingServer(dataDir, smtp.port, clock, declared);
    await advance(server, clock, clock.now + 60_000, 10_000);
    assert.equal(smtp.mails.length, 2, 'still nothing twice');
    target.status = 200;
    await advanceUntil(server, clock, () => smtp.mails.length >= 4, 10_000);
    await advance(server, clock, clock.now + 60_000, 5000);
    const resolved = smtp.mails
      .slice(2)
      .map((m) => [m.to[0], m.subject])
      .sort();
    assert.deepEqual(
      resolved,
      [
        ['carol@example.com', '[RESOLVED] checkout: checkout-http'],
        [`${onCall}@example.com`, '[RESOLVED] checkout: checkout-http'],
      ].sort(),
    );
    assert.equal(smtp.mails.length, 4);

    // And after one more restart, nothing is sent again.
    await server.close();
    server = await startPagingServer(dataDir, smtp.port, clock, declared);
    await advance(server, clock, clock.now + 30 * 60_000, 60_000);
    assert.equal(smtp.mails.length, 4);
    const ids = new Set(smtp.mails.map((m) => m.messageId));
    assert.equal(ids.size, 4, 'four different messages');
  } finally {
    await server.close();
    await Promise.all([smtp.close(), target.close()]);
    await removeDataDir(dataDir);
  }
});

test('the policy repeats while nobody acknowledges, then stops', async () => {
  const smtp = await startSmtp();
  const target = await startTarget();
  const declared = pagingDeclared(target.url, {
    policies: [
      {
        id: 'default',
        repeat: 1,
        steps: [
          { notify: ['user:alice'], after: 0 },
          { notify: ['user:carol'], after: 300_000 },
        ],
      },
    ],
  });
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const dataDir = makeDataDir();
  const server = await startPagingServer(dataDir, smtp.port, clock, declared);
  try {
    target.status = 500;
    await advanceUntil(server, clock, () => smtp.mails.length > 0, 10_000);
    const start = clock.now;
    await advance(server, clock, start + 60 * 60_000, 30_000);
    // alice at 0, carol at 5 min, then the repeat: alice at 10 min, carol at 15 min; then no more.
    assert.deepEqual(
      smtp.mails.map((m) => m.to[0]),
      ['alice@example.com', 'carol@example.com', 'alice@example.com', 'carol@example.com'],
    );
    assert.match(smtp.mails[2]!.subject, /repeat 1/);
  } finally {
    await server.close();
    await Promise.all([smtp.close(), target.close()]);
    await removeDataDir(dataDir);
  }
});

test('an alert that fired while no route matched is paged once a route for it is declared', async () => {
  const smtp = await startSmtp();
  const target = await startTarget();
  const withRoute = pagingDeclared(target.url, {
    policies: [{ id: 'default', repeat: 0, steps: [{ notify: ['user:carol'], after: 0 }] }],
  });
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const dataDir = makeDataDir();
  const server = await startPagingServer(dataDir, smtp.port, clock, { ...withRoute, routes: [] });
  try {
    target.status = 500;
    await advanceUntil(
      server,
      clock,
      () => server.alerting.book.get('default', 'check:checkout-http')?.state.phase === 'firing',
      10_000,
    );
    await advance(server, clock, clock.now + 60_000, 5000);
    assert.equal(smtp.mails.length, 0, 'no route: nobody to page');
    const plan = await server.alerting.apply(declaredPart(withRoute), { prune: true, author: 'test' });
    assert.deepEqual(
      plan.created.map((c) => c.kind),
      ['routes'],
    );
    await advance(server, clock, clock.now + 1000, 500);
    assert.deepEqual(
      smtp.mails.map((m) => m.to[0]),
      ['carol@example.com'],
    );
  } finally {
    await server.close();
    await Promise.all([smtp.close(), target.close()]);
    await removeDataDir(dataDir);
  }
});
