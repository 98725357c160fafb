// Whether a notice reaches people: silences (matchers, start, end, author, comment),
// maintenance windows (one-off, or weekly in a time zone) and inhibition (a service-down alert
// mutes that service's other alerts). Pure functions of labels and `now`.
import { DateTime } from 'luxon';

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  author: string;
  comment: string;
}

export interface MaintenanceWindow {
  name: string;
  matchers: Matcher[];
  /** One-off. */
  startsAt?: number;
  endsAt?: number;
  /** Weekly: on these days, from start to end local time (end before start runs past midnight). */
  weekly?: WeeklyWindow & { timezone: string };
}

export interface InhibitRule {
  /** Alerts matching these, while firing, mute… */
  source: Matcher[];
  /** …alerts matching these (all, when empty)… */
  target: Matcher[];
  /** …that have the same values for these labels. */
  equal: string[];
}

/** A service that is down (an absence rule firing) mutes the other alerts of that service. */
export const DEFAULT_INHIBIT_RULES: InhibitRule[] = [
  { source: [{ name: 'condition', op: '=', value: 'absence' }], target: [], equal: ['service'] },
];

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/;

/** Alertmanager's matcher syntax: `name=value`, `name!=value`, `name=~regex`, `name!~regex`. */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (!m) throw new Error(`"${text}" is not a matcher: write name=value, name!=value, name=~regex or name!~regex`);
  const matcher = { name: m[1]!, op: m[2] as Matcher['op'], value: m[3]! };
  if (matcher.op === '=~' || matcher.op === '!~') {
    try {
      new RegExp(`^(?:${matcher.value})$`);
    } catch {
      throw new Error(`"${matcher.value}" in "${text}" is not a regular expression`);
    }
  }
  return matcher;
}

export function matches(labels: Record<string, string>, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(v);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(v);
      default:
        return false;
    }
  });
}

export function activeSilence(
  labels: Record<string, string>,
  silences: readonly Silence[],
  now: number,
): Silence | null {
  return silences.find((s) => s.startsAt <= now && now < s.endsAt && matches(labels, s.matchers)) ?? null;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Local time-of-week hours: on these days, from start to end (an end before the start runs past midnight). */
export interface WeeklyWindow {
  days: Weekday[];
  /** HH:MM local. */
  start: string;
  end: string;
}

/** "HH:MM" as minutes after midnight. */
export function minuteOfDay(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) throw new Error(`"${hhmm}" is not a time of day like 09:00`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether `at` falls in the window, read in the zone's local time (so DST keeps the local hours). */
export function inWeeklyWindow(w: WeeklyWindow, zone: string, at: number): boolean {
  const local = DateTime.fromMillis(at, { zone });
  const day = WEEKDAYS[local.weekday - 1]!;
  const yesterday = WEEKDAYS[(local.weekday + 5) % 7]!;
  const minute = local.hour * 60 + local.minute;
  const start = minuteOfDay(w.start);
  const end = minuteOfDay(w.end);
  if (start <= end) return w.days.includes(day) && minute >= start && minute < end;
  // Past midnight: the evening part belongs to the listed day, the morning part to the day after.
  return (w.days.includes(day) && minute >= start) || (w.days.includes(yesterday) && minute < end);
}

export function windowOpen(w: MaintenanceWindow, now: number): boolean {
  if (w.weekly) return inWeeklyWindow(w.weekly, w.weekly.timezone, now);
  return w.startsAt !== undefined && w.endsAt !== undefined && w.startsAt <= now && now < w.endsAt;
}

export function activeMaintenance(
  labels: Record<string, string>,
  windows: readonly MaintenanceWindow[],
  now: number,
): MaintenanceWindow | null {
  return windows.find((w) => windowOpen(w, now) && matches(labels, w.matchers)) ?? null;
}

export function inhibitingAlert(
  labels: Record<string, string>,
  key: string,
  firing: ReadonlyArray<{ key: string; labels: Record<string, string> }>,
  rules: readonly InhibitRule[] = DEFAULT_INHIBIT_RULES,
): string | null {
  for (const rule of rules) {
    if (!matches(labels, rule.target)) continue;
    const source = firing.find(
      (f) =>
        f.key !== key &&
        matches(f.labels, rule.source) &&
        rule.equal.every((l) => (f.labels[l] ?? '') === (labels[l] ?? '')),
    );
    if (source) return source.key;
  }
  return null;
}

export interface MuteContext {
  silences: readonly Silence[];
  maintenance: readonly MaintenanceWindow[];
  firing: ReadonlyArray<{ key: string; labels: Record<string, string> }>;
  inhibitRules?: readonly InhibitRule[];
}

/** Why a notice for this alert is kept from people right now, or null if it is not. */
export function muteReason(labels: Record<string, string>, key: string, ctx: MuteContext, now: number): string | null {
  const silence = activeSilence(labels, ctx.silences, now);
  if (silence)
    return `silenced by ${silence.author} until ${new Date(silence.endsAt).toISOString()}: ${silence.comment}`;
  const window = activeMaintenance(labels, ctx.maintenance, now);
  if (window) return `in maintenance window ${window.name}`;
  const by = inhibitingAlert(labels, key, ctx.firing, ctx.inhibitRules);
  if (by) return `inhibited by ${by}`;
  return null;
}
