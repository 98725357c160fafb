// The on-call commands against a real server and a real SMTP server: micro oncall (now and
// --at), shifts, overrides, check, feeds (iCal), and micro page test; table and JSON output.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, micro } from './support/services.js';
import { TEAM } from './support/paging.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';

let server: TestServer;
let smtp: TestSmtp;
const api = () => ['--api', server.apiUrl];

before(async () => {
  smtp = await startSmtp();
  server = await startTestServer(
    { notifications: { smtp: { host: '127.0.0.1', port: smtp.port, from: 'pager@example.com' } } },
    undefined,
    [],
    [],
    {
      declared: {
        ...TEAM,
        policies: [{ id: 'default', repeat: 0, steps: [{ notify: ['schedule:primary'], after: 0 }] }],
        routes: [{ match: { severity: 'page' }, policy: 'default' }],
      },
    },
  );
});
after(async () => {
  await server.stop();
  await smtp.close();
});

const json = async <T>(args: string[]): Promise<T> => {
  const r = await micro([...args, ...api(), '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
};
type Who = {
  schedule: string;
  onCall: Array<{ id: string; name: string }>;
  until: number;
  next: Array<{ id: string }>;
  calendarUrl: string;
};

test('micro oncall: who, until when, who is next; --at a time; shifts', async () => {
  const now = await json<{ schedules: Who[] }>(['oncall']);
  assert.equal(now.schedules.length, 1);
  const who = now.schedules[0]!;
  assert.equal(who.onCall.length, 1);
  const other = who.onCall[0]!.id === 'alice' ? 'bob' : 'alice';
  assert.deepEqual(
    who.next.map((p) => p.id),
    [other],
  );
  assert.equal(new Date(who.until).getUTCDay(), 1, 'hands over on a Monday');

  const later = await json<Who>(['oncall', 'primary', '--at', new Date(who.until + 3600_000).toISOString()]);
  assert.deepEqual(
    later.onCall.map((p) => p.id),
    [other],
  );
  const inAWeek = await json<Who>(['oncall', 'primary', '--at', '7d']);
  assert.deepEqual(
    inAWeek.onCall.map((p) => p.id),
    [other],
  );

  const table = await micro(['oncall', ...api()]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /SCHEDULE\s+ON CALL\s+UNTIL\s+NEXT/);
  assert.match(table.stdout, new RegExp(`primary\\s+${who.onCall[0]!.name}\\s`));

  const shifts = await json<{ shifts: Array<{ start: number; end: number; onCall: Array<{ id: string }> }> }>([
    'oncall',
    'shifts',
    'primary',
    '--next',
    '14d',
  ]);
  assert.ok(shifts.shifts.length >= 2 && shifts.shifts.length <= 3, `${shifts.shifts.length} shifts in 14 days`);
  assert.notDeepEqual(shifts.shifts[0]!.onCall, shifts.shifts[1]!.onCall);

  const bad = await micro(['oncall', 'nope', ...api()]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no schedule has the id "nope"/);
  const badAt = await micro(['oncall', '--at', 'yesterday-ish', ...api()]);
  assert.equal(badAt.code, 2);
});

test('micro oncall override: replace whoever is on call for two hours, list, remove', async () => {
  const who = (await json<{ schedules: Who[] }>(['oncall'])).schedules[0]!.onCall[0]!.id;
  const o = await json<{ id: string }>([
    'oncall',
    'override',
    'add',
    'primary',
    '--replace',
    who,
    '--with',
    'carol',
    '--for',
    '2h',
  ]);
  assert.deepEqual(
    (await json<Who>(['oncall', 'primary'])).onCall.map((p) => p.id),
    ['carol'],
  );
  const list = await json<{ overrides: Array<{ id: string; with: string }> }>(['oncall', 'override', 'list']);
  assert.deepEqual(
    list.overrides.map((x) => [x.id, x.with]),
    [[o.id, 'carol']],
  );
  const usage = await micro(['oncall', 'override', 'add', 'primary', '--replace', who, '--for', '2h', ...api()]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--replace needs --with/);
  const unknown = await micro(['oncall', 'override', 'add', 'primary', '--add', 'zed', '--for', '2h', ...api()]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no user has the id "zed"/);
  await json(['oncall', 'override', 'remove', o.id]);
  assert.deepEqual(
    (await json<Who>(['oncall', 'primary'])).onCall.map((p) => p.id),
    [who],
  );
});

test('micro page test sends a real page; micro oncall check; calendar feeds need their token', async () => {
  const r = await json<{ results: Array<{ recipient: string; status: string }> }>(['page', 'test', 'carol']);
  assert.deepEqual(
    r.results.map((x) => [x.recipient, x.status]),
    [['carol', 'sent']],
  );
  await eventually(
    'the test email',
    async () => smtp.to('carol@example.com'),
    (m) => m.length === 1,
  );
  assert.match(smtp.to('carol@example.com')[0]!.subject, /^\[TEST\]/);
  const onCall = await json<{ results: Array<{ recipient: string }> }>(['page', 'test', 'schedule:primary']);
  assert.equal(onCall.results.length, 1);

  const check = await micro(['oncall', 'check', ...api()]);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /no warnings/);

  const feeds = await json<{ feeds: Array<{ kind: string; id: string; url: string }> }>(['oncall', 'feeds']);
  const primary = feeds.feeds.find((f) => f.kind === 'schedule')!;
  const res = await fetch(primary.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /text\/calendar/);
  assert.match(await res.text(), /BEGIN:VEVENT[\s\S]*SUMMARY:On call \(primary\)/);
  const alice = feeds.feeds.find((f) => f.id === 'alice')!;
  assert.match(await (await fetch(alice.url)).text(), /SUMMARY:On call: primary/);
  assert.equal((await fetch(primary.url.replace(/token=.*/, 'token=guess'))).status, 403);
  assert.equal(
    (await fetch(alice.url.replace('/users/alice/', '/users/bob/'))).status,
    403,
    "one person's token opens no other feed",
  );
});

test('micro oncall check names what would make a page go nowhere, and exits 1', async () => {
  const apply = await fetch(`${server.apiUrl}/api/v1/config/apply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      users: [{ id: 'alice', email: 'alice@example.com' }, { id: 'dave' }],
      schedules: [
        {
          id: 'primary',
          timezone: 'UTC',
          rotations: [{ participants: ['alice', 'dave'], shift: '1d', handoff: '09:00' }],
        },
      ],
      policies: [{ id: 'default', steps: [{ notify: ['user:dave'] }] }],
    }),
  });
  assert.equal(apply.status, 200, await apply.clone().text());
  const r = await micro(['oncall', 'check', ...api()]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /unreachable-person\s+dave/);
  assert.match(r.stdout, /policy-reaches-nobody\s+default/);
  assert.match(r.stderr, /2 on-call warnings/);
  // And they are raised as alerts.
  await eventually(
    'the warning alerts',
    async () => (await (await fetch(`${server.apiUrl}/api/v1/alerts`)).json()) as { alerts: Array<{ key: string }> },
    (a) =>
      a.alerts.some((x) => x.key === 'oncall:unreachable:dave') &&
      a.alerts.some((x) => x.key === 'oncall:policy:default'),
  );
});
