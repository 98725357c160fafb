// Schedules as pure functions of time, table-tested across DST in New York, London and Lord Howe
// (a 30-minute shift): a handoff at a local time that does not exist happens at the transition
// instant; an ambiguous one at its first occurrence.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_SCHEDULE_STEPS,
  SCHEDULE_TIME_LIMIT,
  ScheduleRangeError,
  shifts,
  toInstant,
  whoIsOnCall,
  type Schedule,
} from '../oncall/index.js';

const DAY = 86400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe('local times across DST', () => {
  const table: Array<[string, string, string, string]> = [
    // zone, local wall time, expected instant, why
    [
      'America/New_York',
      '2026-03-08 02:30',
      '2026-03-08T07:00:00.000Z',
      'does not exist: the transition instant (03:00 EDT)',
    ],
    ['America/New_York', '2026-03-07 02:30', '2026-03-07T07:30:00.000Z', 'EST'],
    ['America/New_York', '2026-03-09 02:30', '2026-03-09T06:30:00.000Z', 'EDT'],
    ['America/New_York', '2026-11-01 01:30', '2026-11-01T05:30:00.000Z', 'ambiguous: the first occurrence (EDT)'],
    ['America/New_York', '2026-11-01 02:30', '2026-11-01T07:30:00.000Z', 'after the repeat (EST)'],
    [
      'Europe/London',
      '2026-03-29 01:30',
      '2026-03-29T01:00:00.000Z',
      'does not exist: the transition instant (02:00 BST)',
    ],
    ['Europe/London', '2026-10-25 01:30', '2026-10-25T00:30:00.000Z', 'ambiguous: the first occurrence (BST)'],
    [
      'Australia/Lord_Howe',
      '2026-10-04 02:15',
      '2026-10-03T15:30:00.000Z',
      'does not exist (02:00 → 02:30): the transition instant',
    ],
    ['Australia/Lord_Howe', '2026-04-05 01:45', '2026-04-04T14:45:00.000Z', 'ambiguous: the first occurrence (+11:00)'],
    ['Australia/Lord_Howe', '2026-04-05 02:15', '2026-04-04T15:45:00.000Z', 'after the repeat (+10:30)'],
  ];
  for (const [zone, wall, expected, why] of table) {
    test(`${zone} ${wall}: ${why}`, () => {
      const [d, t] = wall.split(' ') as [string, string];
      const [year, month, day] = d.split('-').map(Number) as [number, number, number];
      const [hour, minute] = t.split(':').map(Number) as [number, number];
      assert.equal(iso(toInstant({ year, month, day, hour, minute }, zone)), expected);
    });
  }
});

describe('rotations', () => {
  // The on-call issue's example: alice and bob, a week each, handing off on Mondays at 09:00 London.
  const primary: Schedule = {
    id: 'primary',
    timezone: 'Europe/London',
    rotations: [{ participants: ['alice', 'bob'], shiftMs: 7 * DAY, handoff: 'Mon 09:00' }],
  };

  test('weekly handoff at a local time, and who is next', () => {
    // 2026-11-23 is a Monday, 151 weeks after 2024-01-01: bob from 09:00 GMT.
    assert.deepEqual(whoIsOnCall(primary, at('2026-11-23T08:59:00Z')), {
      users: ['alice'],
      until: at('2026-11-23T09:00:00Z'),
      next: ['bob'],
    });
    assert.deepEqual(whoIsOnCall(primary, at('2026-11-23T09:00:00Z')), {
      users: ['bob'],
      until: at('2026-11-30T09:00:00Z'),
      next: ['alice'],
    });
    // In summer the handoff is 09:00 BST = 08:00 UTC.
    assert.equal(whoIsOnCall(primary, at('2026-06-01T08:30:00Z')).until, at('2026-06-08T08:00:00Z'));
  });

  test('daily handoffs through the New York transitions', () => {
    const daily: Schedule = {
      id: 'ny',
      timezone: 'America/New_York',
      rotations: [{ participants: ['ann', 'ben', 'cat'], shiftMs: DAY, handoff: '02:30', start: '2026-03-01' }],
    };
    const list = shifts(daily, at('2026-03-07T12:00:00Z'), at('2026-03-10T12:00:00Z'));
    assert.deepEqual(
      list.map((x) => [x.users[0], iso(x.start), iso(x.end)]),
      [
        ['ann', '2026-03-07T12:00:00.000Z', '2026-03-08T07:00:00.000Z'],
        ['ben', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z'],
        ['cat', '2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z'],
        ['ann', '2026-03-10T06:30:00.000Z', '2026-03-10T12:00:00.000Z'],
      ],
    );
    const fall: Schedule = {
      id: 'ny',
      timezone: 'America/New_York',
      rotations: [{ participants: ['ann', 'ben'], shiftMs: DAY, handoff: '01:30', start: '2026-10-30' }],
    };
    assert.deepEqual(
      shifts(fall, at('2026-10-31T12:00:00Z'), at('2026-11-02T12:00:00Z')).map((x) => [x.users[0], iso(x.start)]),
      [
        ['ben', '2026-10-31T12:00:00.000Z'],
        ['ann', '2026-11-01T05:30:00.000Z'],
        ['ben', '2026-11-02T06:30:00.000Z'],
      ],
    );
  });

  test('Lord Howe: daily handoffs on both 30-minute transitions', () => {
    const lh: Schedule = {
      id: 'lh',
      timezone: 'Australia/Lord_Howe',
      rotations: [{ participants: ['x', 'y'], shiftMs: DAY, handoff: '02:15', start: '2026-10-01' }],
    };
    assert.deepEqual(
      shifts(lh, at('2026-10-02T12:00:00Z'), at('2026-10-04T20:00:00Z')).map((x) => [x.users[0], iso(x.start)]),
      [
        ['y', '2026-10-02T12:00:00.000Z'],
        ['x', '2026-10-02T15:45:00.000Z'],
        ['y', '2026-10-03T15:30:00.000Z'],
        ['x', '2026-10-04T15:15:00.000Z'],
      ],
    );
    const back: Schedule = {
      id: 'lh',
      timezone: 'Australia/Lord_Howe',
      rotations: [{ participants: ['x', 'y'], shiftMs: DAY, handoff: '01:45', start: '2026-04-01' }],
    };
    assert.deepEqual(
      shifts(back, at('2026-04-03T20:00:00Z'), at('2026-04-05T20:00:00Z')).map((x) => iso(x.start)),
      ['2026-04-03T20:00:00.000Z', '2026-04-04T14:45:00.000Z', '2026-04-05T15:15:00.000Z'],
    );
  });

  test('shifts shorter than a day are fixed durations, even across DST', () => {
    const eight: Schedule = {
      id: 'ops',
      timezone: 'America/New_York',
      rotations: [{ participants: ['a', 'b', 'c'], shiftMs: 8 * 3600_000, handoff: '00:00', start: '2026-03-07' }],
    };
    const list = shifts(eight, at('2026-03-08T05:00:00Z'), at('2026-03-09T05:00:00Z'));
    for (const x of list.slice(1, -1)) assert.equal(x.end - x.start, 8 * 3600_000);
  });
});

describe('rules, layers and overrides', () => {
  const split: Schedule = {
    id: 'support',
    timezone: 'Europe/London',
    rotations: [
      {
        name: 'business hours',
        participants: ['alice'],
        shiftMs: 7 * DAY,
        handoff: 'Mon 09:00',
        rules: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
      },
      { name: 'nights and weekends', participants: ['bob', 'carol'], shiftMs: 7 * DAY, handoff: 'Mon 09:00' },
    ],
  };

  test('business hours to one rotation, the rest to another', () => {
    assert.deepEqual(whoIsOnCall(split, at('2026-11-24T10:00:00Z')).users, ['alice']);
    // Week 151 since the rotation's start: carol's week of nights and weekends.
    assert.deepEqual(whoIsOnCall(split, at('2026-11-24T20:00:00Z')).users, ['carol']);
    assert.deepEqual(whoIsOnCall(split, at('2026-11-28T10:00:00Z')).users, ['carol'], 'Saturday');
    assert.deepEqual(whoIsOnCall(split, at('2026-11-30T20:00:00Z')).users, ['bob'], 'the next week');
    const day = shifts(split, at('2026-11-24T00:00:00Z'), at('2026-11-25T00:00:00Z'));
    assert.deepEqual(
      day.map((x) => [x.users[0], iso(x.start), iso(x.end)]),
      [
        ['carol', '2026-11-24T00:00:00.000Z', '2026-11-24T09:00:00.000Z'],
        ['alice', '2026-11-24T09:00:00.000Z', '2026-11-24T17:00:00.000Z'],
        ['carol', '2026-11-24T17:00:00.000Z', '2026-11-25T00:00:00.000Z'],
      ],
    );
  });

  test('overrides replace, add and remove for a while', () => {
    const s: Schedule = {
      ...split,
      overrides: [
        {
          kind: 'replace',
          user: 'alice',
          with: 'dave',
          start: at('2026-11-24T12:00:00Z'),
          end: at('2026-11-24T14:00:00Z'),
        },
        { kind: 'add', with: 'erin', start: at('2026-11-24T13:00:00Z'), end: at('2026-11-24T15:00:00Z') },
        { kind: 'remove', user: 'carol', start: at('2026-11-24T18:00:00Z'), end: at('2026-11-24T19:00:00Z') },
      ],
    };
    assert.deepEqual(whoIsOnCall(s, at('2026-11-24T12:30:00Z')), {
      users: ['dave'],
      until: at('2026-11-24T13:00:00Z'),
      next: ['dave', 'erin'],
    });
    assert.deepEqual(whoIsOnCall(s, at('2026-11-24T14:30:00Z')).users, ['alice', 'erin']);
    assert.deepEqual(whoIsOnCall(s, at('2026-11-24T18:30:00Z')).users, [], 'a gap: nobody');
    assert.deepEqual(whoIsOnCall(s, at('2026-11-24T19:00:00Z')).users, ['carol']);
  });
});

describe('bounds: no computation runs unbounded', () => {
  const weekly: Schedule = {
    id: 's',
    timezone: 'Europe/London',
    rotations: [{ participants: ['ana', 'bo'], shiftMs: 7 * DAY, handoff: 'Mon 09:00' }],
  };
  const minutely: Schedule = {
    id: 'm',
    timezone: 'UTC',
    rotations: [{ participants: ['ana', 'bo'], shiftMs: 60_000, handoff: '00:00' }],
  };
  for (const t of [8639995000000000, 8.64e15, -8.64e15, 1e300, Number.NaN, Number.POSITIVE_INFINITY]) {
    test(`an instant of ${t} is refused at once, not looped on`, () => {
      const started = process.hrtime.bigint();
      assert.throws(() => whoIsOnCall(weekly, t), ScheduleRangeError);
      assert.throws(() => shifts(weekly, t, t + DAY), ScheduleRangeError);
      assert.throws(() => shifts(weekly, 0, t), ScheduleRangeError);
      assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
    });
  }
  test('the last instant of the range still answers', () => {
    const w = whoIsOnCall(weekly, SCHEDULE_TIME_LIMIT - 60 * DAY);
    assert.equal(w.users.length, 1);
  });
  test(`a walk over more than ${MAX_SCHEDULE_STEPS} handoffs is refused (a 1-minute rotation over 3 years)`, () => {
    assert.throws(
      () => shifts(minutely, at('2026-01-01T00:00:00Z'), at('2029-01-01T00:00:00Z')),
      /more than 1000000 handoffs/,
    );
    // 92 days of it, the longest range the API serves, still answers.
    assert.equal(shifts(minutely, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z') + 92 * DAY).length, 92 * 1440);
  });
  test('who is next under a 1-minute rotation is the next minute (found without walking the 60-day horizon)', () => {
    const w = whoIsOnCall(minutely, at('2026-01-01T00:00:30Z'));
    assert.deepEqual(w, { users: ['ana'], until: at('2026-01-01T00:01:00Z'), next: ['bo'] });
    // A weekly rotation's next handoff is past the first windows looked at: still found.
    const weeklyNext = whoIsOnCall(weekly, at('2026-01-06T12:00:00Z'));
    assert.equal(weeklyNext.until, at('2026-01-12T09:00:00Z'));
  });
  test('a 1-minute rotation with a rule over a long window is bounded too', () => {
    const ruled: Schedule = {
      ...minutely,
      rotations: [{ ...minutely.rotations[0]!, rules: [{ days: ['mon'], start: '09:00', end: '17:00' }] }],
    };
    assert.throws(() => shifts(ruled, 0, 10 * 365 * DAY), ScheduleRangeError);
  });
});
