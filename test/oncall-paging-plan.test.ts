// The paging plan and what goes with it, as pure functions: which notifications are owed when,
// contact methods by their notification rules, moving on when a method or a whole step fails for
// good, signed links, messages, warnings, calendar feeds, and the micro.yaml as written.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { declaredPart, loadConfigFile, parseDuration, type Declared } from '../config/index.js';
import { parseDeclared } from '../alerting/index.js';
import {
  CHANNEL_PLUGINS,
  ackToken,
  buildDirectory,
  emailMessage,
  firingNotificationId,
  onCallWarnings,
  plannedFiring,
  plannedResolved,
  scheduleCalendar,
  verifyAckToken,
  webhookPayload,
  type Escalation,
  type Page,
} from '../oncall/index.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0); // a Tuesday
const MIN = 60_000;

function directory(extra: Partial<Declared> = {}) {
  return buildDirectory(
    parseDeclared({
      users: [
        {
          id: 'alice',
          email: 'alice@example.com',
          contacts: [{ name: 'phone', webhook: 'http://127.0.0.1:1/phone' }],
          notificationRules: [
            { contact: 'email', after: '0m' },
            { contact: 'phone', after: '5m' },
          ],
        },
        { id: 'bob', email: 'bob@example.com' },
        { id: 'carol', email: 'carol@example.com' },
      ],
      schedules: [
        {
          id: 'primary',
          timezone: 'Europe/London',
          rotations: [{ participants: ['alice', 'bob'], shift: '1w', handoff: 'Mon 09:00', start: '2026-11-23' }],
        },
      ],
      policies: [
        { id: 'default', steps: [{ notify: ['schedule:primary'] }, { notify: ['user:carol'], after: '10m' }] },
      ],
      routes: [{ match: { severity: 'page' }, policy: 'default' }],
      ...extra,
    }),
  );
}

const escalation: Escalation = {
  namespace: 'default',
  alertKey: 'check:web',
  firedAt: T0 - 5000,
  policy: 'default',
  startedAt: T0,
  stoppedAt: null,
};

test('contact methods follow the notification rules: email at once, the phone webhook after 5 minutes', () => {
  const d = directory();
  const at = (now: number) =>
    plannedFiring(escalation, d, new Map(), now).map((n) => `${n.recipient}/${n.contact}@${(n.dueAt - T0) / MIN}`);
  assert.deepEqual(at(T0), ['alice/email@0'], 'alice is on call in the week of 23 November');
  assert.deepEqual(at(T0 + 5 * MIN), ['alice/email@0', 'alice/phone@5']);
  assert.deepEqual(at(T0 + 10 * MIN), ['alice/email@0', 'alice/phone@5', 'carol/email@10']);
});

test('what the log already holds is not planned again; an acknowledgement stops what was not yet due', () => {
  const d = directory();
  const first = firingNotificationId(escalation, 0, 0, 'alice', 'email');
  const log = new Map([[first, { status: 'sent', at: T0 }]]);
  assert.deepEqual(
    plannedFiring(escalation, d, log, T0 + 5 * MIN).map((n) => n.contact),
    ['phone'],
  );
  assert.deepEqual(plannedFiring({ ...escalation, stoppedAt: T0 + 2 * MIN }, d, log, T0 + 30 * MIN), []);
});

test('a contact method that fails for good hands over to the next at once; a step nobody can be reached by hands over to the next step', () => {
  const d = directory();
  const email = firingNotificationId(escalation, 0, 0, 'alice', 'email');
  const log = new Map([[email, { status: 'failed', at: T0 + MIN }]]);
  assert.deepEqual(
    plannedFiring(escalation, d, log, T0 + MIN).map((n) => `${n.contact}@${(n.dueAt - T0) / MIN}`),
    ['phone@1'],
    'the phone at once, not at 5 minutes',
  );
  const phone = firingNotificationId(escalation, 0, 0, 'alice', 'phone');
  log.set(phone, { status: 'failed', at: T0 + 2 * MIN });
  assert.deepEqual(
    plannedFiring(escalation, d, log, T0 + 2 * MIN).map((n) => `${n.recipient}@${(n.dueAt - T0) / MIN}`),
    ['carol@2'],
    'carol at 2 minutes, not 10',
  );

  // A schedule with nobody on call: the step is skipped at once.
  const empty = directory({
    schedules: [
      {
        id: 'primary',
        timezone: 'UTC',
        rotations: [
          {
            participants: ['alice'],
            shift: '1d',
            handoff: '09:00',
            rules: [{ days: ['sat'], start: '00:00', end: '23:59' }],
          },
        ],
      },
    ],
  } as unknown as Partial<Declared>);
  assert.deepEqual(
    plannedFiring(escalation, empty, new Map(), T0).map((n) => n.recipient),
    ['carol'],
  );
});

test('RESOLVED goes once to each person and method that received the page', () => {
  const sent = [
    { channel: 'email' as const, recipient: 'alice', contact: 'email', address: 'alice@example.com' },
    { channel: 'email' as const, recipient: 'alice', contact: 'email', address: 'alice@example.com' },
    { channel: 'webhook' as const, recipient: 'ops', contact: 'webhook', address: 'http://x' },
  ];
  assert.deepEqual(
    plannedResolved(escalation, sent, T0 + MIN).map((n) => [n.recipient, n.kind, n.dueAt]),
    [
      ['alice', 'resolved', T0 + MIN],
      ['ops', 'resolved', T0 + MIN],
    ],
  );
});

test('acknowledge links: for one alert episode, signed, expiring', () => {
  const key = Buffer.from('k'.repeat(32));
  const claim = {
    namespace: 'default',
    alertKey: 'check:web',
    firedAt: T0,
    recipient: 'alice',
    expiresAt: T0 + 3600_000,
  };
  const token = ackToken(key, claim);
  assert.deepEqual(verifyAckToken(key, token, T0), { ok: true, claim });
  assert.deepEqual(verifyAckToken(key, token, T0 + 3600_000), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyAckToken(Buffer.from('x'.repeat(32)), token, T0), { ok: false, reason: 'invalid' });
  const [payload, sig] = token.split('.');
  const forged = Buffer.from(JSON.stringify(['default', 'check:other', T0, 'alice', T0 + 3600_000])).toString(
    'base64url',
  );
  assert.deepEqual(verifyAckToken(key, `${forged}.${sig}`, T0), { ok: false, reason: 'invalid' });
  assert.deepEqual(verifyAckToken(key, `${payload}`, T0), { ok: false, reason: 'invalid' });
});

test('messages: subject, bodies with the failing result and log lines, HTML escaped; webhook in Alertmanager v4 shape', () => {
  const page: Page = {
    kind: 'firing',
    namespace: 'default',
    alertKey: 'check:web',
    labels: { service: 'web', check: 'web-http', severity: 'page' },
    reason: 'status 500 <b>',
    firedAt: T0,
    resolvedAt: null,
    recipient: { id: 'alice', name: 'Alice', timezone: 'Europe/London' },
    step: 0,
    pass: 0,
    policy: 'default',
    ackUrl: 'http://h/ack/t.s',
    alertUrl: 'http://h/a',
    logLines: [{ timeMs: T0, level: 'ERROR', service: 'web', body: 'db <timeout>' }],
  };
  const m = emailMessage(page);
  assert.equal(m.subject, '[FIRING] web: web-http');
  assert.match(m.text, /Failing result: status 500 <b>/);
  assert.match(m.text, /Acknowledge \(stops the escalation\): http:\/\/h\/ack\/t\.s/);
  assert.match(m.text, /ERROR web: db <timeout>/);
  assert.ok(m.html.includes('status 500 &#60;b&#62;') && !m.html.includes('<timeout>'), 'HTML escaped');
  assert.match(m.text, /Firing since: 24 Nov 2026, 12:00:00 GMT/, "in the recipient's time zone");
  const hook = webhookPayload({ ...page, kind: 'resolved', resolvedAt: T0 + MIN, ackUrl: null }, 'ops', 'http://h') as {
    version: string;
    status: string;
    alerts: Array<{ endsAt: string }>;
    text: string;
  };
  assert.equal(hook.version, '4');
  assert.equal(hook.status, 'resolved');
  assert.equal(hook.alerts[0]!.endsAt, new Date(T0 + MIN).toISOString());
  assert.match(hook.text, /^\*\[RESOLVED\] web: web-http\*/);
});

test('warnings: a gap, a person on call nobody can reach, a policy that reaches nobody, no SMTP', () => {
  const d = directory({
    users: [{ id: 'alice' }, { id: 'bob', email: 'bob@example.com' }],
    schedules: [
      {
        id: 'primary',
        timezone: 'UTC',
        rotations: [
          {
            participants: ['alice'],
            shift: '1d',
            handoff: '09:00',
            rules: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
          },
        ],
      },
    ],
    policies: [{ id: 'default', steps: [{ notify: ['schedule:primary'] }] }],
  } as unknown as Partial<Declared>);
  const noSmtp = CHANNEL_PLUGINS.filter((p) => p.kind === 'email').map((p) => ({ kind: p.kind, ...p.unconfigured! }));
  const w = onCallWarnings(d, { now: T0, unconfigured: noSmtp, failedContacts: new Set() });
  assert.deepEqual(w.map((x) => x.key).sort(), ['gap:primary', 'no-smtp', 'policy:default', 'unreachable:alice']);
  assert.match(
    w.find((x) => x.kind === 'schedule-gap')!.message,
    /nobody is on call for primary from 2026-11-24T17:00:00Z to 2026-11-25T09:00:00Z/,
  );
});

test('the calendar feed lists the shifts as events', () => {
  const ics = scheduleCalendar(directory(), 'primary', T0)!;
  assert.match(ics, /^BEGIN:VCALENDAR/);
  assert.match(ics, /SUMMARY:On call \(primary\): alice/);
  assert.match(ics, /DTSTART:20261123T090000Z/);
  assert.match(ics, /DTEND:20261130T090000Z/);
});

test("the issue's micro.yaml is accepted as written, and a wrong reference is named with its line", () => {
  const file = path.join(tmpdir(), `micro-${process.pid}.yaml`);
  writeFileSync(
    file,
    `users:
  - id: alice
    name: Alice
    email: alice@example.com
    timezone: Europe/London
  - id: bob
    name: Bob
    email: bob@example.com
    timezone: America/New_York
schedules:
  - id: primary
    timezone: Europe/London
    rotations:
      - participants: [alice, bob]
        shift: 1w
        handoff: "Mon 09:00"
policies:
  - id: default
    repeat: 2
    steps:
      - notify: [schedule:primary]
      - notify: [user:bob]
        after: 10m
routes:
  - match: { severity: page }
    policy: default
notifications:
  smtp:
    host: 127.0.0.1
    port: 2525
    from: pager@example.com
`,
  );
  const c = loadConfigFile(file);
  assert.equal(c.notifications?.smtp?.port, 2525);
  const d = buildDirectory(declaredPart(c));
  assert.deepEqual(d.policies.get('default'), {
    id: 'default',
    repeat: 2,
    steps: [
      { notify: [{ kind: 'schedule', id: 'primary' }], afterMs: 0 },
      { notify: [{ kind: 'user', id: 'bob' }], afterMs: parseDuration('10m') },
    ],
  });
  assert.deepEqual(d.people.get('bob')!.contacts, [
    { name: 'email', channel: 'email', address: 'bob@example.com', afterMs: 0 },
  ]);

  writeFileSync(
    file,
    `users:\n  - id: alice\n    email: alice@example.com\npolicies:\n  - id: default\n    steps:\n      - notify: [user:alicia]\n`,
  );
  assert.throws(
    () => loadConfigFile(file),
    (err: Error) => /:7: policies\.0\.steps\.0\.notify\.0: no user has the id "alicia"/.test(err.message),
  );
});
