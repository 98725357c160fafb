// Who is on call: pure functions of a schedule and an instant.
//   whoIsOnCall(schedule, at)   the people on call at `at`, until when, and who is next
//   shifts(schedule, from, to)  every shift in the range
// A schedule has rotations (layers): the first rotation whose rules cover the instant decides;
// overrides then replace, add or remove people for a while. Daily and weekly handoffs happen at a
// local wall time (see local-time.ts for the DST rules); shorter shifts are fixed durations.
import { WEEKDAYS, inWeeklyWindow, minuteOfDay, type WeeklyWindow, type Weekday } from '../alerting/index.js';
import { addDays, daysBetween, localDate, toInstant } from './local-time.js';

/** A rotation's rule: the same local time-of-week window as a maintenance window's. */
export type TimeWindow = WeeklyWindow;
export type { Weekday };

export interface Rotation {
  name?: string;
  participants: string[];
  /** Shift length in milliseconds; whole days and weeks hand off at the local handoff time. */
  shiftMs: number;
  /** "Mon 09:00" for weekly shifts, "09:00" otherwise. */
  handoff: string;
  /** A date (YYYY-MM-DD) on which the first participant's shift starts; default 2024-01-01. */
  start?: string;
  /** When the rotation applies (all the time when absent). */
  rules?: TimeWindow[];
}

export interface Override {
  kind: 'replace' | 'add' | 'remove';
  /** For replace and remove: who is replaced or removed. */
  user?: string;
  /** For replace and add: who takes the shift. */
  with?: string;
  start: number;
  end: number;
}

export interface Schedule {
  id: string;
  timezone: string;
  rotations: Rotation[];
  overrides?: Override[];
}

const DAY = 86400_000;

/**
 * Schedules are computed for instants in this range (about ±250,000 years, inside JavaScript's
 * dates, where time-zone rules are defined); outside it they refuse rather than loop on NaN.
 */
export const SCHEDULE_TIME_LIMIT = 8e15;
/** No computation walks more handoffs than this (a 1-minute rotation over 92 days is 132,480). */
export const MAX_SCHEDULE_STEPS = 1_000_000;

/** A range no schedule computation can answer (out of time's range, or too many handoffs to walk). */
export class ScheduleRangeError extends RangeError {}

function checkInstant(t: number): void {
  if (!Number.isFinite(t) || Math.abs(t) > SCHEDULE_TIME_LIMIT) {
    throw new ScheduleRangeError(`${t} is outside the times a schedule can be computed for`);
  }
}

/** Counts the steps of a walk and refuses to go past MAX_SCHEDULE_STEPS. */
function stepBudget(): () => void {
  let left = MAX_SCHEDULE_STEPS;
  return () => {
    if (--left < 0)
      throw new ScheduleRangeError(`more than ${MAX_SCHEDULE_STEPS} handoffs in the range; ask for a shorter one`);
  };
}

function handoffParts(r: Rotation): { weekday: number | null; minute: number } {
  const m = /^(?:(mon|tue|wed|thu|fri|sat|sun)\w*\s+)?(\d{1,2}:\d{2})$/i.exec(r.handoff.trim());
  if (!m) throw new Error(`handoff "${r.handoff}" is not like "Mon 09:00" or "09:00"`);
  return {
    weekday: m[1] ? WEEKDAYS.indexOf(m[1].toLowerCase().slice(0, 3) as Weekday) + 1 : null,
    minute: minuteOfDay(m[2]!),
  };
}

const calendarShift = (r: Rotation): boolean => r.shiftMs % DAY === 0;

/** A rotation's first handoff: its local date, and for fixed-length shifts its instant. */
interface HandoffOrigin {
  first: { year: number; month: number; day: number };
  minute: number;
  instant: number;
}

/**
 * Origins by rotation and zone. Every handoff of a fixed-length rotation is its origin plus k
 * shifts: computing that origin's instant once (not at each handoff, through the time-zone rules)
 * is what keeps a 1-minute rotation over 92 days (132,480 handoffs) from taking seconds.
 */
const origins = new Map<string, HandoffOrigin>();
const ORIGINS_KEPT = 10_000;

function originOf(r: Rotation, zone: string): HandoffOrigin {
  const key = `${zone}\u0000${r.start ?? ''}\u0000${r.handoff}`;
  const known = origins.get(key);
  if (known) return known;
  const { weekday, minute } = handoffParts(r);
  const [y, mo, d] = (r.start ?? '2024-01-01').split('-').map(Number) as [number, number, number];
  let first = { year: y, month: mo, day: d };
  if (weekday !== null) {
    const wd = ((new Date(Date.UTC(y, mo - 1, d)).getUTCDay() + 6) % 7) + 1; // 1 = Monday
    first = addDays(first, (weekday - wd + 7) % 7);
  }
  const origin = {
    first,
    minute,
    instant: toInstant({ ...first, hour: Math.floor(minute / 60), minute: minute % 60 }, zone),
  };
  if (origins.size >= ORIGINS_KEPT) origins.clear();
  origins.set(key, origin);
  return origin;
}

/** The instant of the k-th handoff of a rotation (k may be negative). */
function handoffAt(r: Rotation, zone: string, k: number): number {
  const { first, minute, instant } = originOf(r, zone);
  if (!calendarShift(r)) return instant + k * r.shiftMs;
  const date = addDays(first, k * (r.shiftMs / DAY));
  return toInstant({ ...date, hour: Math.floor(minute / 60), minute: minute % 60 }, zone);
}

/** The shift index of the rotation at `at`: handoff(k) <= at < handoff(k + 1). */
function shiftIndex(r: Rotation, zone: string, at: number): number {
  checkInstant(at);
  const origin = handoffAt(r, zone, 0);
  let k = Math.floor((at - origin) / r.shiftMs);
  // Calendar shifts drift from the estimate by DST hours only: a few steps at most.
  const step = stepBudget();
  while (handoffAt(r, zone, k) > at) {
    k--;
    step();
  }
  while (handoffAt(r, zone, k + 1) <= at) {
    k++;
    step();
  }
  return k;
}

function rotationApplies(r: Rotation, zone: string, at: number): boolean {
  return !r.rules || r.rules.length === 0 || r.rules.some((w) => inWeeklyWindow(w, zone, at));
}

/** Who the rotations say (before overrides), and which rotation said it. */
function fromRotations(s: Schedule, at: number): { users: string[]; rotation: number } {
  for (let i = 0; i < s.rotations.length; i++) {
    const r = s.rotations[i]!;
    if (r.participants.length === 0 || !rotationApplies(r, s.timezone, at)) continue;
    const k = shiftIndex(r, s.timezone, at);
    const n = r.participants.length;
    return { users: [r.participants[((k % n) + n) % n]!], rotation: i };
  }
  return { users: [], rotation: -1 };
}

function applyOverrides(users: string[], overrides: readonly Override[], at: number): string[] {
  let out = [...users];
  for (const o of overrides) {
    if (at < o.start || at >= o.end) continue;
    if (o.kind === 'replace' && o.user && o.with) out = out.map((u) => (u === o.user ? o.with! : u));
    else if (o.kind === 'add' && o.with && !out.includes(o.with)) out.push(o.with);
    else if (o.kind === 'remove' && o.user) out = out.filter((u) => u !== o.user);
  }
  return [...new Set(out)];
}

const onCallAt = (s: Schedule, at: number): string[] =>
  applyOverrides(fromRotations(s, at).users, s.overrides ?? [], at);

/** Every instant in [from, to) where who is on call may change. */
function boundaries(s: Schedule, from: number, to: number): number[] {
  checkInstant(from);
  checkInstant(to);
  const out = new Set<number>();
  const step = stepBudget();
  for (const r of s.rotations) {
    if (r.participants.length === 0) continue;
    for (let k = shiftIndex(r, s.timezone, from) + 1; ; k++) {
      step();
      const t = handoffAt(r, s.timezone, k);
      if (!(t < to)) break;
      out.add(t);
    }
    for (const w of r.rules ?? []) {
      const first = localDate(from, s.timezone);
      for (let d = -1; d <= daysBetween(first, localDate(to, s.timezone)) + 1; d++) {
        step();
        const date = addDays(first, d);
        for (const hhmm of [w.start, w.end]) {
          const m = minuteOfDay(hhmm);
          const t = toInstant({ ...date, hour: Math.floor(m / 60), minute: m % 60 }, s.timezone);
          if (t > from && t < to) out.add(t);
        }
      }
    }
  }
  for (const o of s.overrides ?? []) for (const t of [o.start, o.end]) if (t > from && t < to) out.add(t);
  return [...out].sort((a, b) => a - b);
}

export interface Shift {
  users: string[];
  start: number;
  end: number;
}

/** Every shift overlapping [from, to), clipped to it; consecutive shifts of the same people merge. */
export function shifts(s: Schedule, from: number, to: number): Shift[] {
  const out: Shift[] = [];
  const points = [from, ...boundaries(s, from, to), to];
  for (let i = 0; i < points.length - 1; i++) {
    const users = onCallAt(s, points[i]!);
    const last = out[out.length - 1];
    if (last && last.users.join('\u0000') === users.join('\u0000')) last.end = points[i + 1]!;
    else out.push({ users, start: points[i]!, end: points[i + 1]! });
  }
  return out;
}

export interface OnCall {
  users: string[];
  /** When this changes (null if not within the horizon). */
  until: number | null;
  next: string[] | null;
}

/** The first window `whoIsOnCall` looks at; each next one is 8 times longer, up to the horizon. */
const FIRST_LOOK_MS = 3600_000;

/** Who is on call at `at`, until when, and who comes next (looking up to `horizonMs` ahead). */
export function whoIsOnCall(s: Schedule, at: number, horizonMs = 60 * DAY): OnCall {
  // Looking ahead in growing windows stops at the first change: a rotation of minutes does not
  // walk 60 days of handoffs to say who is next.
  for (let span = Math.min(FIRST_LOOK_MS, horizonMs); ; span = Math.min(horizonMs, span * 8)) {
    const list = shifts(s, at, at + span);
    const next = list[1];
    if (next || span >= horizonMs) {
      const now = list[0]!;
      return { users: now.users, until: next ? next.start : null, next: next ? next.users : null };
    }
  }
}
