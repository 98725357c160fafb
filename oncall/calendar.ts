// iCalendar feeds calendar apps subscribe to: the shifts of a schedule, or of one person across
// every schedule, from a week back to 90 days ahead. Times are UTC; apps show them locally.
import ical from 'ical-generator';
import type { Directory } from './directory.js';
import { shifts } from './schedule.js';

const DAY = 86400_000;

export function scheduleCalendar(d: Directory, scheduleId: string, now: number): string | null {
  const s = d.schedules.get(scheduleId);
  if (!s) return null;
  const cal = ical({
    name: `On call: ${scheduleId}`,
    prodId: { company: 'micro-observe', product: 'oncall' },
    ttl: 3600,
  });
  for (const x of shifts(s, now - 7 * DAY, now + 90 * DAY)) {
    if (x.users.length === 0) continue;
    const names = x.users.map((u) => d.people.get(u)?.name ?? u).join(', ');
    cal.createEvent({
      id: `${scheduleId}-${x.start}@micro-observe`,
      start: new Date(x.start),
      end: new Date(x.end),
      summary: `On call (${scheduleId}): ${names}`,
      stamp: new Date(now),
    });
  }
  return cal.toString();
}

export function personCalendar(d: Directory, personId: string, now: number): string | null {
  const p = d.people.get(personId);
  if (!p) return null;
  const cal = ical({ name: `On call: ${p.name}`, prodId: { company: 'micro-observe', product: 'oncall' }, ttl: 3600 });
  for (const s of d.schedules.values()) {
    for (const x of shifts(s, now - 7 * DAY, now + 90 * DAY)) {
      if (!x.users.includes(personId)) continue;
      cal.createEvent({
        id: `${s.id}-${personId}-${x.start}@micro-observe`,
        start: new Date(x.start),
        end: new Date(x.end),
        summary: `On call: ${s.id}`,
        stamp: new Date(now),
      });
    }
  }
  return cal.toString();
}
