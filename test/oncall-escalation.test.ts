// Escalation with an injected clock: the on-call issue's example policy, acknowledgement stopping
// it, repeats, routes, and a schedule step resolved at its own time (across a handoff).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_REPEAT,
  MAX_STEPS,
  dueSteps,
  parseTarget,
  routeFor,
  timeline,
  type EscalationPolicy,
  type Route,
  type Schedule,
} from '../oncall/index.js';

const DAY = 86400_000;
const MIN = 60_000;
const primary: Schedule = {
  id: 'primary',
  timezone: 'Europe/London',
  rotations: [{ participants: ['alice', 'bob'], shiftMs: 7 * DAY, handoff: 'Mon 09:00' }],
};
const schedules = new Map([['primary', primary]]);
// The example of the issue: repeat 2; schedule:primary at once, then user:bob after 10m.
const policy: EscalationPolicy = {
  id: 'default',
  repeat: 2,
  steps: [
    { notify: [parseTarget('schedule:primary')], afterMs: 0 },
    { notify: [parseTarget('user:bob')], afterMs: 10 * MIN },
  ],
};
const fired = Date.parse('2026-11-24T10:00:00Z'); // a Tuesday: bob's week (week 151)

test('the timeline of the example policy', () => {
  assert.deepEqual(
    timeline(policy, fired).map((s) => [(s.at - fired) / MIN, s.step, s.pass]),
    [
      [0, 0, 0],
      [10, 1, 0],
      [20, 0, 1],
      [30, 1, 1],
      [40, 0, 2],
      [50, 1, 2],
    ],
  );
});

test('left unacknowledged, each step pages whoever it names at its time', () => {
  const all = dueSteps(policy, schedules, fired, null, fired - 1, fired + DAY);
  assert.deepEqual(
    all.map((s) => [(s.at - fired) / MIN, s.users]),
    [
      [0, ['bob']],
      [10, ['bob']],
      [20, ['bob']],
      [30, ['bob']],
      [40, ['bob']],
      [50, ['bob']],
    ],
  );
  const onMonday = Date.parse('2026-11-30T08:55:00Z');
  const steps = dueSteps(policy, schedules, onMonday, null, onMonday - 1, onMonday + 10 * MIN);
  assert.deepEqual(
    steps.map((s) => s.users),
    [['bob'], ['bob']],
    'at 08:55 bob; the 09:05 step is for bob (user step)',
  );
  const sched: EscalationPolicy = {
    id: 's',
    repeat: 0,
    steps: [
      { notify: [parseTarget('schedule:primary')], afterMs: 0 },
      { notify: [parseTarget('schedule:primary')], afterMs: 10 * MIN },
    ],
  };
  assert.deepEqual(
    dueSteps(sched, schedules, onMonday, null, onMonday - 1, onMonday + DAY).map((s) => s.users),
    [['bob'], ['alice']],
    'the handoff at 09:00 happens between the steps',
  );
});

test('acknowledgement stops the escalation; later steps are not due', () => {
  const ackedAt = fired + 5 * MIN;
  assert.deepEqual(
    dueSteps(policy, schedules, fired, ackedAt, fired - 1, fired + DAY).map((s) => (s.at - fired) / MIN),
    [0],
  );
  // Polling in small windows gives the same steps, each once.
  const seen: number[] = [];
  for (let t = fired - 1000; t < fired + 60 * MIN; t += 7000)
    seen.push(...dueSteps(policy, schedules, fired, null, t, t + 7000).map((s) => (s.at - fired) / MIN));
  assert.deepEqual(seen, [0, 10, 20, 30, 40, 50]);
});

test('routes send alerts to policies by labels; webhook targets are channels', () => {
  const routes: Route[] = [
    { match: { severity: 'page', team: 'payments' }, policy: 'payments' },
    { match: { severity: 'page' }, policy: 'default' },
  ];
  assert.equal(routeFor(routes, { severity: 'page', service: 'checkout' }), 'default');
  assert.equal(routeFor(routes, { severity: 'page', team: 'payments' }), 'payments');
  assert.equal(routeFor(routes, { severity: 'ticket' }), null);
  const hook: EscalationPolicy = {
    id: 'h',
    repeat: 0,
    steps: [{ notify: [parseTarget('webhook:ops-chat'), parseTarget('user:carol')], afterMs: 0 }],
  };
  assert.deepEqual(dueSteps(hook, schedules, fired, null, fired - 1, fired), [
    { at: fired, step: 0, pass: 0, users: ['carol'], webhooks: ['ops-chat'] },
  ]);
  assert.throws(() => parseTarget('team:x'), /is not a target/);
});

test('an escalation walk is bounded whatever the policy says (repeat and steps capped)', () => {
  const huge: EscalationPolicy = {
    id: 'huge',
    repeat: 1e9,
    steps: Array.from({ length: 5000 }, () => ({ notify: [{ kind: 'user' as const, id: 'bob' }], afterMs: MIN })),
  };
  const started = Date.now();
  const t = timeline(huge, 0);
  assert.equal(t.length, (MAX_REPEAT + 1) * MAX_STEPS);
  assert.ok(Date.now() - started < 1000);
  assert.equal(dueSteps(huge, schedules, 0, null, -1, 10 * DAY).length, (MAX_REPEAT + 1) * MAX_STEPS);
});
