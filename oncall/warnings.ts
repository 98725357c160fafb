// What would make a page go nowhere, found ahead of time: a schedule with nobody on call for a
// while, a person on call with no working contact method, a policy that reaches nobody, email
// contacts with no SMTP server. Pure: `micro oncall check` shows them; the server raises them as alerts.
import type { Directory } from './directory.js';
import { shifts } from './schedule.js';

export interface OnCallWarning {
  /** Stable, so a warning that persists is one alert: `gap:primary`, `unreachable:bob`... */
  key: string;
  /** schedule-gap, unreachable-person, policy-reaches-nobody, or a channel's own (no-smtp). */
  kind: string;
  subject: string;
  message: string;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

export interface WarningContext {
  now: number;
  /** How far ahead schedules are checked (default 14 days). */
  horizonMs?: number;
  /** Channels that cannot send now (email without an SMTP server), with the warning each raises. */
  unconfigured: ReadonlyArray<{ kind: string; key: string; subject: string; message: (people: number) => string }>;
  /** Contact methods whose last notification failed for good: `person\u0000contact`. */
  failedContacts: ReadonlySet<string>;
}

export function onCallWarnings(d: Directory, c: WarningContext): OnCallWarning[] {
  const out: OnCallWarning[] = [];
  const to = c.now + (c.horizonMs ?? 14 * 86400_000);
  const working = (personId: string): boolean => {
    const p = d.people.get(personId);
    return Boolean(
      p?.contacts.some(
        (m) => !c.failedContacts.has(`${personId}\u0000${m.name}`) && !c.unconfigured.some((u) => u.kind === m.channel),
      ),
    );
  };
  const onCallSoon = new Map<string, string>();
  for (const s of d.schedules.values()) {
    const list = shifts(s, c.now, to);
    const gaps = list.filter((x) => x.users.length === 0);
    if (gaps.length > 0) {
      const first = gaps[0]!;
      out.push({
        key: `gap:${s.id}`,
        kind: 'schedule-gap',
        subject: s.id,
        message: `nobody is on call for ${s.id} from ${iso(first.start)} to ${iso(first.end)}${gaps.length > 1 ? ` (and ${gaps.length - 1} more gaps in the next 14 days)` : ''}`,
      });
    }
    for (const x of list) for (const u of x.users) if (!onCallSoon.has(u)) onCallSoon.set(u, s.id);
  }
  for (const [u, schedule] of onCallSoon) {
    if (!d.people.has(u))
      out.push({
        key: `unreachable:${u}`,
        kind: 'unreachable-person',
        subject: u,
        message: `${u} is on call for ${schedule} but is not a declared user`,
      });
    else if (!working(u))
      out.push({
        key: `unreachable:${u}`,
        kind: 'unreachable-person',
        subject: u,
        message: `${u} is on call for ${schedule} but has no working contact method`,
      });
  }
  for (const p of d.policies.values()) {
    const reaches = p.steps.some((step) =>
      step.notify.some((t) => {
        if (t.kind === 'webhook') return d.webhooks.has(t.id);
        if (t.kind === 'user') return working(t.id);
        const s = d.schedules.get(t.id);
        return Boolean(s && shifts(s, c.now, to).some((x) => x.users.some(working)));
      }),
    );
    if (!reaches)
      out.push({
        key: `policy:${p.id}`,
        kind: 'policy-reaches-nobody',
        subject: p.id,
        message: `policy ${p.id} reaches nobody: no step has a target with a working contact method`,
      });
  }
  for (const u of c.unconfigured) {
    const people = [...d.people.values()].filter((p) => p.contacts.some((m) => m.channel === u.kind)).length;
    if (people > 0) out.push({ key: u.key, kind: u.key, subject: u.subject, message: u.message(people) });
  }
  return out;
}
