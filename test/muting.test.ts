// Silences, maintenance windows and inhibition, with an injected clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  activeSilence,
  inhibitingAlert,
  matches,
  muteReason,
  parseMatcher,
  windowOpen,
  type MaintenanceWindow,
  type Silence,
} from '../alerting/index.js';

const at = (iso: string) => Date.parse(iso);
const checkout = { check: 'checkout-http', service: 'checkout', severity: 'page' };

describe('matchers', () => {
  test('Alertmanager syntax', () => {
    assert.deepEqual(parseMatcher('service=checkout'), { name: 'service', op: '=', value: 'checkout' });
    assert.deepEqual(parseMatcher('severity!="info"'), { name: 'severity', op: '!=', value: 'info' });
    assert.ok(matches(checkout, [parseMatcher('service=~check.*'), parseMatcher('severity!~warn|info')]));
    assert.ok(!matches(checkout, [parseMatcher('service=payments')]));
    assert.ok(matches(checkout, [parseMatcher('team=')]), 'a missing label equals the empty string');
    assert.throws(() => parseMatcher('nope'), /is not a matcher/);
    assert.throws(() => parseMatcher('a=~(['), /is not a regular expression/);
  });
});

describe('silences', () => {
  const silence: Silence = {
    id: 's1',
    matchers: [parseMatcher('service=checkout')],
    startsAt: at('2026-11-23T10:00:00Z'),
    endsAt: at('2026-11-23T12:00:00Z'),
    author: 'alice',
    comment: 'deploying',
  };
  test('from start to end, for matching alerts only', () => {
    assert.equal(activeSilence(checkout, [silence], at('2026-11-23T09:59:59Z')), null);
    assert.equal(activeSilence(checkout, [silence], at('2026-11-23T10:00:00Z'))?.id, 's1');
    assert.equal(activeSilence(checkout, [silence], at('2026-11-23T12:00:00Z')), null, 'ends at its end');
    assert.equal(activeSilence({ service: 'payments' }, [silence], at('2026-11-23T11:00:00Z')), null);
    assert.equal(
      muteReason(
        checkout,
        'check:checkout-http',
        { silences: [silence], maintenance: [], firing: [] },
        at('2026-11-23T11:00:00Z'),
      ),
      'silenced by alice until 2026-11-23T12:00:00.000Z: deploying',
    );
  });
});

describe('maintenance windows', () => {
  const nightly: MaintenanceWindow = {
    name: 'db-backup',
    matchers: [parseMatcher('service=checkout')],
    weekly: { days: ['sat'], start: '23:00', end: '01:30', timezone: 'Europe/London' },
  };
  test('weekly, in its time zone, across midnight', () => {
    assert.ok(windowOpen(nightly, at('2026-11-21T23:30:00Z')), 'Saturday 23:30 GMT');
    assert.ok(windowOpen(nightly, at('2026-11-22T01:00:00Z')), 'Sunday 01:00 GMT, past midnight');
    assert.ok(!windowOpen(nightly, at('2026-11-22T01:30:00Z')), 'ends at 01:30');
    assert.ok(!windowOpen(nightly, at('2026-11-20T23:30:00Z')), 'not on Fridays');
  });
  test('across the DST change the window keeps its local hours', () => {
    // Sunday 29 March 2026, London jumps from 01:00 GMT to 02:00 BST: local 01:00–01:30 does not
    // exist, so the window ends at the jump.
    assert.ok(windowOpen(nightly, at('2026-03-28T23:00:00Z')), 'Saturday 23:00 GMT');
    assert.ok(windowOpen(nightly, at('2026-03-29T00:59:00Z')), 'Sunday 00:59 GMT');
    assert.ok(!windowOpen(nightly, at('2026-03-29T01:00:00Z')), '02:00 BST: past the window');
    // The next Saturday it is 23:00 BST, an hour earlier in UTC.
    assert.ok(!windowOpen(nightly, at('2026-04-04T21:59:00Z')), '22:59 BST');
    assert.ok(windowOpen(nightly, at('2026-04-04T22:00:00Z')), '23:00 BST');
    assert.ok(windowOpen(nightly, at('2026-04-05T00:29:00Z')), '01:29 BST');
    assert.ok(!windowOpen(nightly, at('2026-04-05T00:30:00Z')), '01:30 BST');
  });
  test('one-off', () => {
    const once: MaintenanceWindow = {
      name: 'migration',
      matchers: [],
      startsAt: at('2026-12-01T02:00:00Z'),
      endsAt: at('2026-12-01T04:00:00Z'),
    };
    assert.ok(windowOpen(once, at('2026-12-01T03:00:00Z')));
    assert.ok(!windowOpen(once, at('2026-12-01T04:00:00Z')));
    assert.equal(
      muteReason(checkout, 'k', { silences: [], maintenance: [once], firing: [] }, at('2026-12-01T03:00:00Z')),
      'in maintenance window migration',
    );
  });
});

describe('inhibition', () => {
  test("a service-down alert mutes the service's other alerts, not other services' nor itself", () => {
    const down = {
      key: 'rule:checkout-down',
      labels: { rule: 'checkout-down', service: 'checkout', condition: 'absence' },
    };
    assert.equal(inhibitingAlert(checkout, 'check:checkout-http', [down]), 'rule:checkout-down');
    assert.equal(inhibitingAlert({ service: 'payments' }, 'check:payments-http', [down]), null);
    assert.equal(inhibitingAlert(down.labels, down.key, [down]), null, 'not itself');
    assert.equal(
      muteReason(checkout, 'check:checkout-http', { silences: [], maintenance: [], firing: [down] }, Date.now()),
      'inhibited by rule:checkout-down',
    );
  });
});
