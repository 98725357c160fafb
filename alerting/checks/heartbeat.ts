// Heartbeats: a job pings; the check is down when the ping due after the last one has not come
// within the grace time. With a period the next ping is due a period after the last; with a
// cron expression, at the schedule's next time after the last ping, in the check's time zone
// (DST handled by cron-parser/luxon; a ping early on a DST day counts for that day's run).
import { CronExpressionParser } from 'cron-parser';

export interface HeartbeatSpec {
  periodMs?: number;
  cron?: string;
  timezone?: string;
  graceMs: number;
}

export interface HeartbeatStatus {
  /** 'new': never pinged and not yet due; 'late': past due, within grace; 'down': past grace. */
  state: 'new' | 'up' | 'late' | 'down';
  ok: boolean;
  dueAt: number;
  message: string;
}

const MINUTE = 60_000;

function cronNext(cron: string, tz: string, after: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(after), tz })
    .next()
    .getTime();
}

export function nextDue(spec: HeartbeatSpec, after: number): number {
  if (spec.cron) {
    const tz = spec.timezone ?? 'UTC';
    try {
      return cronNext(spec.cron, tz, after);
    } catch (err) {
      // cron-parser can fail next to a DST transition (seen with Australia/Lord_Howe's 30-minute
      // shift). Start again just past it, then look minute by minute from `after` up to that
      // result, so no run in between is skipped.
      for (let skip = 30 * MINUTE; skip <= 2 * 86400_000; skip += 30 * MINUTE) {
        let later: number;
        try {
          later = cronNext(spec.cron, tz, after + skip);
        } catch {
          continue;
        }
        const expr = CronExpressionParser.parse(spec.cron, { currentDate: new Date(after), tz });
        for (let t = Math.floor(after / MINUTE) * MINUTE + MINUTE; t < later; t += MINUTE) {
          if (expr.includesDate(new Date(t))) return t;
        }
        return later;
      }
      throw err;
    }
  }
  if (!spec.periodMs) throw new Error('a heartbeat needs a period or a cron expression');
  return after + spec.periodMs;
}

/** Where a heartbeat stands at `now`, given its last ping (null: never) and when it was created. */
export function heartbeatStatus(
  spec: HeartbeatSpec,
  lastPingAt: number | null,
  createdAt: number,
  now: number,
): HeartbeatStatus {
  const dueAt = nextDue(spec, lastPingAt ?? createdAt);
  const iso = (t: number) => new Date(t).toISOString();
  if (now <= dueAt) {
    return lastPingAt === null
      ? { state: 'new', ok: true, dueAt, message: `no ping yet; the first is due at ${iso(dueAt)}` }
      : { state: 'up', ok: true, dueAt, message: `last ping at ${iso(lastPingAt)}; next due at ${iso(dueAt)}` };
  }
  if (now <= dueAt + spec.graceMs)
    return {
      state: 'late',
      ok: true,
      dueAt,
      message: `the ping due at ${iso(dueAt)} is late (grace until ${iso(dueAt + spec.graceMs)})`,
    };
  return {
    state: 'down',
    ok: false,
    dueAt,
    message: `no ping since ${lastPingAt === null ? 'the check was created' : iso(lastPingAt)}; one was due at ${iso(dueAt)}, grace ended at ${iso(dueAt + spec.graceMs)}`,
  };
}
