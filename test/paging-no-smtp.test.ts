// No SMTP server configured is the system's problem, not the person's: pages are held (retrying,
// the `oncall:no-smtp` warning firing) while the escalation keeps its times, and once `micro apply`
// declares the namespace's SMTP (password from MICRO_SMTP_PASSWORD, stored sealed), every held
// page goes out exactly once. The password is never stored or shown in plain text.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { advance, advanceUntil, pagingDeclared, startTarget } from './support/paging.js';
import { makeDataDir, startTestServer, removeDataDir } from './support/server.js';
import { micro } from './support/services.js';
import { startSmtp } from './support/smtp.js';

const PASSWORD = 'correct-horse-battery-staple';

test('pages wait for an SMTP server, then go exactly once when micro apply declares one', async () => {
  const smtp = await startSmtp(0, { user: 'pager', pass: PASSWORD });
  const target = await startTarget();
  const dataDir = makeDataDir();
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 };
  const declared = pagingDeclared(target.url);
  const server = await startTestServer({}, dataDir, [], [], { declared, now: () => clock.now, manualClock: true });
  const api = (p: string) => fetch(`${server.apiUrl}${p}`).then((r) => r.json());
  type Notes = { notifications: Array<{ recipient: string; status: string; error: string; kind: string }> };
  const notes = async () => ((await api('/api/v1/alerts/check:checkout-http/notifications')) as Notes).notifications;
  try {
    target.status = 500;
    await advanceUntil(
      server,
      clock,
      () =>
        server.alerting.book
          .list('default')
          .some((a) => a.alertKey === 'check:checkout-http' && a.state.phase === 'firing'),
      20_000,
    );
    // Past both steps (carol at 10 minutes) and well past the point where a failure would give up.
    await advance(server, clock, clock.now + 15 * 60_000, 5000);
    const held = await notes();
    // Whoever is on call this week (alice or bob) at once, carol ten minutes later.
    const onCall = held.find((n) => n.recipient !== 'carol')?.recipient ?? '';
    assert.ok(['alice', 'bob'].includes(onCall));
    assert.ok(
      held.some(
        (n) => n.recipient === onCall && n.status === 'retrying' && /no SMTP server is configured/.test(n.error),
      ),
      JSON.stringify(held.slice(0, 2)),
    );
    assert.ok(
      held.some((n) => n.recipient === 'carol' && n.status === 'retrying'),
      'the second step came on time, held too',
    );
    assert.ok(!held.some((n) => n.status === 'failed'), 'nothing failed for good');
    const escalations = (await api('/api/v1/oncall/escalations')) as {
      escalations: Array<{ stoppedAt: number | null }>;
    };
    assert.equal(escalations.escalations[0]!.stoppedAt, null, 'the escalation is still running');
    const alerts = (await api('/api/v1/alerts')) as { alerts: Array<{ key: string; state: string }> };
    assert.ok(
      alerts.alerts.some((a) => a.key === 'oncall:no-smtp' && a.state === 'firing'),
      JSON.stringify(alerts.alerts.map((a) => a.key)),
    );
    assert.equal(smtp.mails.length, 0);

    // A file without the password, and none in the environment: refused with a sentence, nothing applied.
    const file = path.join(dataDir, 'micro.yaml');
    const smtpSection = {
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'pager@example.com', auth: { user: 'pager' } },
    };
    writeFileSync(file, JSON.stringify({ ...declared, notifications: smtpSection }));
    const { MICRO_SMTP_PASSWORD: _unset, ...env } = process.env;
    const refused = await micro(['apply', '-f', file, '--api', server.apiUrl], {
      ...env,
      MICRO_SMTP_PASSWORD: '',
    } as Record<string, string>);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /notifications\.smtp\.auth: give the password in MICRO_SMTP_PASSWORD or auth\.passwordFile/,
    );

    const applied = await micro(['apply', '-f', file, '--api', server.apiUrl], { MICRO_SMTP_PASSWORD: PASSWORD });
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /created notifications notifications/);
    await advanceUntil(server, clock, () => smtp.mails.length >= 2, 10_000, 250);
    await advance(server, clock, clock.now + 10 * 60_000, 5000);
    assert.deepEqual(
      smtp.mails.map((m) => m.to[0]).sort(),
      [`${onCall}@example.com`, 'carol@example.com'],
      'each held page once',
    );
    const after = await notes();
    assert.equal(after.filter((n) => n.status === 'sent').length, 2);

    // Applied again unchanged: unchanged (the sealed password is the same), and still no duplicate.
    const again = await micro(['apply', '-f', file, '--api', server.apiUrl, '-o', 'json'], {
      MICRO_SMTP_PASSWORD: PASSWORD,
    });
    assert.deepEqual((JSON.parse(again.stdout) as { changed: unknown[] }).changed, []);
    // The password is nowhere in plain text: not in the store, not in the API, not in the logs.
    const stored = await server.store.query<{ spec: string }>(
      "SELECT Spec AS spec FROM micro_config WHERE Kind = 'notifications'",
    );
    assert.ok(stored.length > 0 && stored.every((r) => !r.spec.includes(PASSWORD) && r.spec.includes('passSealed')));
    assert.doesNotMatch(JSON.stringify(await api('/api/v1/config')), new RegExp(PASSWORD));
    assert.ok(!server.logLines.some((l) => l.includes(PASSWORD)));
    // The warning resolves once SMTP is there.
    await advance(server, clock, clock.now + 2 * 60_000, 5000);
    const later = (await api('/api/v1/alerts?state=all')) as { alerts: Array<{ key: string; state: string }> };
    assert.notEqual(later.alerts.find((a) => a.key === 'oncall:no-smtp')?.state, 'firing');
  } finally {
    await server.close();
    await Promise.all([smtp.close(), target.close()]);
    await removeDataDir(dataDir);
  }
});
