// The on-call directory: people, schedules, policies, routes and webhook channels as the pure
// functions use them, built from what is declared (plus overrides added by hand).
import {
  contactChannel,
  type Declared,
  type OverrideInput,
  type ScheduleConfig,
  type UserConfig,
} from '../config/index.js';
import { parseTarget, type EscalationPolicy, type Route } from './escalation.js';
import type { Override, Schedule } from './schedule.js';

export interface ContactMethod {
  /** Unique within the person: `email` for the person's own address. */
  name: string;
  /** The channel's kind (channels/index.ts). */
  channel: string;
  address: string;
  /** When it is used after a step reaches the person. */
  afterMs: number;
}

export interface Person {
  id: string;
  name: string;
  timezone: string;
  contacts: ContactMethod[];
  /** Every email address the person declares (whatever the notification rules use): who they are. */
  emails: string[];
}

export interface Directory {
  people: Map<string, Person>;
  schedules: Map<string, Schedule>;
  policies: Map<string, EscalationPolicy>;
  routes: Route[];
  webhooks: Map<string, string>;
}

const DAY = 86400_000;
const WEEK = 7 * DAY;

function person(u: UserConfig): Person {
  const all = [
    ...(u.email ? [{ name: 'email', channel: 'email' as const, address: u.email }] : []),
    ...u.contacts.map((c) => {
      const [channel, address] = contactChannel(c);
      return { name: c.name, channel, address };
    }),
  ];
  // Without notification rules every contact method is used at once; with them, only those named.
  const contacts = u.notificationRules
    ? u.notificationRules.map((r) => ({ ...all.find((c) => c.name === r.contact)!, afterMs: r.after }))
    : all.map((c) => ({ ...c, afterMs: 0 }));
  return {
    id: u.id,
    name: u.name ?? u.id,
    timezone: u.timezone,
    contacts: contacts.sort((a, b) => a.afterMs - b.afterMs),
    emails: all.filter((c) => c.channel === 'email').map((c) => c.address.toLowerCase()),
  };
}

const toOverride = (o: {
  kind: Override['kind'];
  user?: string;
  with?: string;
  start: string;
  end: string;
}): Override => ({
  kind: o.kind,
  user: o.user,
  with: o.with,
  start: Date.parse(o.start),
  end: Date.parse(o.end),
});

export function scheduleOf(s: ScheduleConfig, extraOverrides: readonly Override[] = []): Schedule {
  return {
    id: s.id,
    timezone: s.timezone,
    rotations: s.rotations.map((r) => ({
      name: r.name,
      participants: r.participants,
      shiftMs: r.shift,
      handoff: r.handoff ?? (r.shift % WEEK === 0 ? 'Mon 09:00' : '09:00'),
      start: r.start,
      rules: r.rules?.map((w) => ({ days: w.days, start: w.start, end: w.end })),
    })),
    overrides: [...s.overrides.map(toOverride), ...extraOverrides],
  };
}

export function buildDirectory(d: Declared, overrides: readonly OverrideInput[] = []): Directory {
  return {
    people: new Map(d.users.map((u) => [u.id, person(u)])),
    schedules: new Map(
      d.schedules.map((s) => [s.id, scheduleOf(s, overrides.filter((o) => o.schedule === s.id).map(toOverride))]),
    ),
    policies: new Map(
      d.policies.map((p) => [
        p.id,
        {
          id: p.id,
          repeat: p.repeat,
          steps: p.steps.map((s) => ({ notify: s.notify.map(parseTarget), afterMs: s.after })),
        },
      ]),
    ),
    routes: d.routes.map((r) => ({ match: r.match, policy: r.policy })),
    webhooks: new Map(d.webhooks.map((w) => [w.id, w.url])),
  };
}
