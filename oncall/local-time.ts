// Local wall times to instants, with the on-call DST rules made explicit: a local time that does
// not exist (the spring-forward gap) happens at the transition instant; an ambiguous one (the
// fall-back repeat) at its first occurrence. Time-zone data comes from luxon (Intl).
import { DateTime } from 'luxon';

const MINUTE = 60_000;

const offsetAt = (ms: number, zone: string): number => DateTime.fromMillis(ms, { zone }).offset;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function toInstant(w: WallTime, zone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const offsets = [
    ...new Set([offsetAt(asUtc - 86400_000, zone), offsetAt(asUtc, zone), offsetAt(asUtc + 86400_000, zone)]),
  ];
  const candidates = offsets.map((o) => asUtc - o * MINUTE);
  const valid = candidates.filter((ms) => {
    const d = DateTime.fromMillis(ms, { zone });
    return d.year === w.year && d.month === w.month && d.day === w.day && d.hour === w.hour && d.minute === w.minute;
  });
  if (valid.length > 0) return Math.min(...valid); // ambiguous: the first occurrence
  // In the gap: the transition lies between the candidates; find it to the minute.
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  const after = offsetAt(hi, zone);
  while (hi - lo > MINUTE) {
    const mid = Math.floor((lo + hi) / 2 / MINUTE) * MINUTE;
    if (offsetAt(mid, zone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local calendar date of an instant, and the weekday (1 = Monday … 7 = Sunday). */
export function localDate(
  ms: number,
  zone: string,
): { year: number; month: number; day: number; weekday: number; minuteOfDay: number } {
  const d = DateTime.fromMillis(ms, { zone });
  return { year: d.year, month: d.month, day: d.day, weekday: d.weekday, minuteOfDay: d.hour * 60 + d.minute };
}

/** The calendar date `days` after the given one (no time zone involved). */
export function addDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export const daysBetween = (
  a: { year: number; month: number; day: number },
  b: { year: number; month: number; day: number },
): number => Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86400_000);
