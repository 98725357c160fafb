// Channels are plug-ins: the `log` channel (a page as one structured log line) pages a person
// with no SMTP server anywhere; a contact naming no known channel, or an address its channel
// refuses, is refused at apply with the field named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceUntil, pagingDeclared, startTarget } from './support/paging.js';
import { makeDataDir, removeDataDir, startTestServer } from './support/server.js';

test('the log channel pages through the log; unknown channels and bad addresses are refused at apply', async () => {
  const target = await startTarget();
  const dataDir = makeDataDir();
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const declared = pagingDeclared(target.url, {
    users: [{ id: 'alice', timezone: 'UTC', contacts: [{ name: 'terminal', log: 'ops-console' }] }] as never,
    schedules: [],
    policies: [{ id: 'default', repeat: 0, steps: [{ notify: ['user:alice'], after: 0 }] }] as never,
  });
  const server = await startTestServer({}, dataDir, [], [], { declared, now: () => clock.now, manualClock: true });
  try {
    target.status = 500;
    const paged = () => server.logLines.filter((l) => l.includes('"channel":"log"'));
    await advanceUntil(server, clock, () => paged().length > 0, 20_000);
    const line = JSON.parse(paged()[0]!) as {
      label: string;
      recipient: string;
      alert: string;
      page: string;
      msg: string;
    };
    assert.deepEqual(
      [line.label, line.recipient, line.alert, line.page],
      ['ops-console', 'alice', 'check:checkout-http', 'firing'],
    );
    assert.match(line.msg, /FIRING/);
    const apply = (users: unknown) =>
      fetch(`${server.apiUrl}/api/v1/config/apply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...declared, users }),
      });
    const unknown = await apply([{ id: 'alice', contacts: [{ name: 'pigeon', carrier: 'coop 3' }] }]);
    assert.equal(unknown.status, 400);
    assert.match(
      await unknown.text(),
      /users\.0\.contacts\.0: \\"carrier\\" is not a channel \(email, webhook, log, slack\)/,
    );
    const badEmail = await apply([{ id: 'alice', contacts: [{ name: 'mail', email: 'not-an-address' }] }]);
    assert.match(await badEmail.text(), /users\.0\.contacts\.0\.email: must be an email address/);
    const two = await apply([
      { id: 'alice', contacts: [{ name: 'both', email: 'a@example.com', webhook: 'http://x' }] },
    ]);
    assert.match(await two.text(), /give one channel and its address/);
  } finally {
    await server.close();
    await target.close();
    await removeDataDir(dataDir);
  }
});
