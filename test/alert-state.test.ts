// The alert state machine, driven with an injected clock: thresholds both ways, `for`,
// acknowledgement, manual resolve, and flap damping.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_POLICY,
  acknowledgeAlert,
  flapRatio,
  initialAlertState,
  nextAlertState,
  resolveAlert,
  type AlertPolicy,
  type AlertState,
  type AlertEvent,
} from '../alerting/index.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

/** Feeds results ('+' success, '-' failure) one second apart; returns the final state and every event. */
function run(
  results: string,
  policy: Partial<AlertPolicy> = {},
  start: AlertState = initialAlertState(T0),
  stepMs = 1000,
) {
  const p = { ...DEFAULT_POLICY, ...policy };
  let state = start;
  const events: AlertEvent[] = [];
  [...results].forEach((c, i) => {
    const step = nextAlertState(
      state,
      { ok: c === '+', message: c === '+' ? '200 OK' : 'connection refused' },
      T0 + (i + 1) * stepMs,
      p,
    );
    state = step.state;
    events.push(...step.events);
  });
  return { state, events, kinds: events.map((e) => e.kind) };
}

describe('thresholds', () => {
  const table: Array<[string, Partial<AlertPolicy>, string, string[]]> = [
    ['-', {}, 'firing', ['firing']],
    ['-', { failureThreshold: 2 }, 'pending', ['pending']],
    ['--', { failureThreshold: 2 }, 'firing', ['pending', 'firing']],
    ['-+', { failureThreshold: 2 }, 'ok', ['pending', 'cleared']],
    ['-+-', { failureThreshold: 2 }, 'pending', ['pending', 'cleared', 'pending']],
    ['--+', { failureThreshold: 2, successThreshold: 2 }, 'firing', ['pending', 'firing']],
    ['--++', { failureThreshold: 2, successThreshold: 2 }, 'ok', ['pending', 'firing', 'resolved']],
    ['--+-+', { failureThreshold: 2, successThreshold: 2 }, 'firing', ['pending', 'firing']],
    ['---', { failureThreshold: 3 }, 'firing', ['pending', 'firing']],
    ['++++', {}, 'ok', []],
  ];
  for (const [results, policy, phase, kinds] of table) {
    test(`${results} with ${JSON.stringify(policy)} → ${phase}`, () => {
      const r = run(results, policy);
      assert.equal(r.state.phase, phase);
      assert.deepEqual(r.kinds, kinds);
    });
  }

  test('events carry their time, the phases and a reason; only firing and resolved notify', () => {
    const r = run('--++', { failureThreshold: 2, successThreshold: 2 });
    assert.deepEqual(
      r.events.map((e) => [e.kind, e.at - T0, e.from, e.to, e.notify]),
      [
        ['pending', 1000, 'ok', 'pending', false],
        ['firing', 2000, 'pending', 'firing', true],
        ['resolved', 4000, 'firing', 'ok', true],
      ],
    );
    assert.match(r.events[1]!.reason, /2 consecutive failures: connection refused/);
    assert.equal(r.state.firingSince, null);
  });

  test('`for`: fires only once the failure lasted that long', () => {
    const r = run('-----', { forMs: 3000 });
    assert.deepEqual(r.kinds, ['pending', 'firing']);
    assert.equal(r.events[1]!.at - T0, 4000, 'first failure at 1 s, fires at 4 s');
  });
});

describe('acknowledgement and manual resolve', () => {
  test('an acknowledgement holds until the alert resolves, then clears', () => {
    let { state } = run('--', { failureThreshold: 2 });
    const acked = acknowledgeAlert(state, 'alice', T0 + 10_000);
    assert.deepEqual(
      acked.events.map((e) => e.kind),
      ['acknowledged'],
    );
    state = acked.state;
    assert.deepEqual(state.acknowledged, { by: 'alice', at: T0 + 10_000 });
    state = run('-', { failureThreshold: 2 }, state).state;
    assert.ok(state.acknowledged, 'still acknowledged while failing');
    assert.deepEqual(acknowledgeAlert(state, 'bob', T0 + 20_000).events, [], 'a second ack changes nothing');
    state = run('+', {}, state).state;
    assert.equal(state.phase, 'ok');
    assert.equal(state.acknowledged, null);
    assert.deepEqual(acknowledgeAlert(state, 'alice', T0).events, [], 'nothing to acknowledge when ok');
  });

  test('resolve by hand', () => {
    const { state } = run('-');
    const r = resolveAlert(state, 'bob', T0 + 5000);
    assert.equal(r.state.phase, 'ok');
    assert.deepEqual(
      r.events.map((e) => [e.kind, e.reason, e.notify]),
      [['resolved', 'resolved by bob', true]],
    );
  });
});

describe('flapping is detected and damped', () => {
  test('the weighted change ratio', () => {
    assert.equal(flapRatio([true, true, true, true]), 0);
    assert.equal(flapRatio([true, false, true, false, true]), 1);
    assert.ok(flapRatio([true, true, true, false, false, false]) < 0.25);
  });

  test('a flapping check fires once and stays firing until it settles', () => {
    const policy = { failureThreshold: 2, successThreshold: 2 };
    const flap = '-+-+-+-+-+-+';
    const r = run(flap, policy);
    // Without damping: never two failures in a row, so never confirmed; with damping it fires once.
    assert.equal(r.kinds.filter((k) => k === 'firing').length, 1);
    assert.equal(r.kinds.filter((k) => k === 'resolved').length, 0);
    assert.ok(r.kinds.includes('flapping-started'));
    assert.equal(r.state.phase, 'firing');
    assert.ok(r.state.flapping);
    const settled = run('++++++++++++++++', policy, r.state);
    assert.ok(settled.kinds.includes('flapping-stopped'));
    assert.equal(settled.kinds.filter((k) => k === 'resolved').length, 1);
    assert.equal(settled.state.phase, 'ok');
  });

  test('an outage that comes back for good is not flapping', () => {
    const r = run('------+++++++', { failureThreshold: 2, successThreshold: 2 });
    assert.deepEqual(r.kinds, ['pending', 'firing', 'resolved']);
  });
});
