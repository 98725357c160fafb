// Runs the checks on their schedule and feeds the results to the alert book. `runDue(now)` is
// the whole scheduling logic and takes the time as a parameter; `start()` only drives it with
// a timer, so tests run the engine with an injected clock.
import TinyQueue from 'tinyqueue';
import type { AlertBook } from './alert-book.js';
import type { CheckResult } from './checks/types.js';
import { spreadOffset, type Job } from './jobs.js';
import type { HeartbeatLog } from './run-check.js';

export interface CheckStatus {
  name: string;
  service: string | null;
  kind: Job['kind'];
  phase: string;
  acknowledged: boolean;
  since: number;
  lastResult: (CheckResult & { at: number }) | null;
  nextRunAt: number;
  /** The latest results, oldest first: [when, latency ms, ok] (the console's latency over time). */
  recent: Array<[number, number, boolean]>;
}

export interface CheckEngine {
  /** Replaces the set of jobs (checks and rules); schedules of unchanged jobs are kept. */
  setJobs(jobs: Job[], now: number): void;
  /** Runs every check due at `now` (at most `maxConcurrent` at once) and records the results. */
  runDue(now: number): Promise<number>;
  /** When the next check is due (Infinity when there are none). */
  nextDueAt(): number;
  ping(name: string, now: number): boolean;
  /** The kind of the named job, or null if there is none. */
  kindOf(name: string): Job['kind'] | null;
  /** Puts back the last pings known from before a restart. */
  restorePings(pings: ReadonlyMap<string, number>): void;
  status(): CheckStatus[];
  /** Runs one job once, without recording anything (`micro check test`). */
  testOnce(name: string, now: number): Promise<CheckResult | null>;
  start(): void;
  stop(): Promise<void>;
}

export interface EngineOptions {
  book: AlertBook;
  namespace: string;
  maxConcurrent?: number;
  now?: () => number;
  onError?: (err: unknown, check: string) => void;
  /** Told when each run starts: how late it started against its schedule (bench/checks). */
  onStart?: (name: string, scheduledAt: number, startedAt: number) => void;
  /**
   * Asked before a check starts on its timer and before its result is recorded: false while this
   * process may not run the namespace (a lease lost while it was paused), so it records nothing.
   */
  mayRun?: (now: number) => boolean;
}

const RECENT_RESULTS = 120;

/**
 * The engine wakes at most once per tick and starts everything due by then, so a check starts at
 * most a tick late. Waking for each check (a thousand times a second at 10k checks every 10 s) cost
 * more CPU than the checks' own requests. A busy schedule (200 runs a second or more) ticks every
 * 100 ms: the event loop then handles the connections of many checks in fewer, fuller passes, 12% more
 * checks per CPU-s at 10k checks every 10 s (bench/checks, medians of ten runs each way); a small one
 * has nothing to save and keeps its checks within 25 ms.
 */
const TICK_MS = 25;
const tickFor = (runsPerSecond: number): number => (runsPerSecond >= 200 ? 100 : TICK_MS);

interface Scheduled {
  check: Job;
  nextRunAt: number;
  lastResult: (CheckResult & { at: number }) | null;
  recent: Array<[number, number, boolean]>;
  createdAt: number;
  lastPing: number | null;
  running: boolean;
  /** Bumped whenever `nextRunAt` is set: queue entries of an older generation are stale. */
  generation: number;
}

/** A check's place in the schedule, by when it is due. */
interface Due {
  at: number;
  s: Scheduled;
  generation: number;
}

export function createCheckEngine(opts: EngineOptions): CheckEngine {
  const scheduled = new Map<string, Scheduled>();
  const maxConcurrent = opts.maxConcurrent ?? 256;
  const now = opts.now ?? Date.now;
  const heartbeats: HeartbeatLog = {
    lastPing: (name) => scheduled.get(name)?.lastPing ?? null,
    createdAt: (name) => scheduled.get(name)?.createdAt ?? now(),
  };
  let timer: NodeJS.Timeout | null = null;
  /** When the armed timer fires (Infinity: none armed). */
  let armedFor = Infinity;
  let started = false;
  /** The engine's tick, from how many runs a second its schedule holds (set with the jobs). */
  let tickMs = TICK_MS;
  // The schedule as a heap: finding what is due, and when the next run is, costs log(checks) per
  // run, not a scan of every check (at 10k checks a scan per run was most of the engine's CPU).
  const queue = new TinyQueue<Due>([], (a, b) => a.at - b.at);
  const schedule = (s: Scheduled, at: number): void => {
    s.nextRunAt = at;
    s.generation++;
    queue.push({ at, s, generation: s.generation });
  };
  const current = (d: Due): boolean =>
    !d.s.running && d.generation === d.s.generation && scheduled.get(d.s.check.name) === d.s;
  /** The entries due at `t`, in order, taken off the queue (stale entries dropped on the way). */
  const takeDue = (t: number): Scheduled[] => {
    const out: Scheduled[] = [];
    for (let top = queue.peek(); top && top.at <= t; top = queue.peek()) {
      queue.pop();
      if (current(top)) out.push(top.s);
    }
    return out;
  };
  /** Runs started by the timer, so `stop` can wait for them. */
  const inFlight = new Set<Promise<void>>();

  const confirming = (s: Scheduled): boolean => {
    const alert = opts.book.get(opts.namespace, s.check.key)?.state;
    if (!alert) return false;
    return alert.phase === 'pending' || (alert.phase === 'firing' && alert.consecutiveSuccesses > 0);
  };

  async function runOne(s: Scheduled, at: number, scheduledAt: number): Promise<void> {
    try {
      opts.onStart?.(s.check.name, scheduledAt, now());
      const result = await s.check.run(at, heartbeats);
      if (opts.mayRun && !opts.mayRun(now())) return;
      s.lastResult = { ...result, at };
      s.recent.push([at, result.latencyMs, result.ok]);
      if (s.recent.length > RECENT_RESULTS) s.recent.shift();
      await opts.book.record(
        { namespace: opts.namespace, key: s.check.key, labels: s.check.labels, policy: s.check.policy },
        { ok: result.ok, message: result.message },
        at,
      );
    } catch (err) {
      opts.onError?.(err, s.check.name);
    }
  }

  // At most `maxConcurrent` runs at once; the others wait their turn in order.
  let active = 0;
  const waiting: Array<() => void> = [];
  const slot = (): Promise<void> => {
    if (active >= maxConcurrent) return new Promise((r) => waiting.push(r));
    active++;
    return Promise.resolve();
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  /** Starts one run without holding up the others; the next run is set when it ends. */
  async function launch(s: Scheduled, t: number): Promise<void> {
    const at = s.nextRunAt;
    s.running = true;
    await slot();
    try {
      await runOne(s, Math.max(at, Math.min(t, now())), at);
    } finally {
      release();
      s.running = false;
      // The next run follows the schedule, not the end of this one, so there is no drift.
      const step = confirming(s) ? s.check.retryIntervalMs : s.check.intervalMs;
      const reached = Math.max(t, now(), at + 1);
      schedule(s, at + step * Math.max(1, Math.ceil((reached - at) / step)));
      if (started && s.nextRunAt < armedFor) engine.start();
    }
  }

  const disarm = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    armedFor = Infinity;
  };
  /** Sets the engine's one timer to tick in `wait` ms, in place of any armed one. */
  const arm = (wait: number): void => {
    disarm();
    armedFor = now() + wait;
    timer = setTimeout(tick, wait);
    timer.unref();
  };
  /** Starts everything due, then arms the timer for what is due next. */
  function tick(): void {
    timer = null;
    armedFor = Infinity;
    const t = now();
    // Not ours to run now (a lease being lost or regained): look again shortly.
    if (opts.mayRun && !opts.mayRun(t)) {
      arm(100);
      return;
    }
    for (const x of takeDue(t)) {
      const run = launch(x, t);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    }
    engine.start();
  }

  const engine: CheckEngine = {
    setJobs(jobs, t) {
      const names = new Set(jobs.map((c) => c.name));
      for (const name of scheduled.keys()) if (!names.has(name)) scheduled.delete(name);
      for (const job of jobs) {
        const prev = scheduled.get(job.name);
        if (prev && prev.check.fingerprint === job.fingerprint) continue;
        const s: Scheduled = {
          check: job,
          lastResult: prev?.lastResult ?? null,
          recent: prev?.recent ?? [],
          createdAt: prev?.createdAt ?? t,
          lastPing: prev?.lastPing ?? null,
          running: false,
          nextRunAt: 0,
          generation: 0,
        };
        scheduled.set(job.name, s);
        schedule(s, t + spreadOffset(job.key, job.intervalMs));
      }
      let runsPerSecond = 0;
      for (const s of scheduled.values()) runsPerSecond += 1000 / Math.max(1, s.check.intervalMs);
      tickMs = tickFor(runsPerSecond);
      if (started) engine.start();
    },
    async runDue(t) {
      const due = takeDue(t);
      await Promise.all(due.map((s) => launch(s, t)));
      return due.length;
    },
    nextDueAt: () => {
      for (let top = queue.peek(); top; top = queue.peek()) {
        if (current(top)) return top.at;
        queue.pop();
      }
      return Infinity;
    },
    ping(name, t) {
      const s = scheduled.get(name);
      if (s?.check.kind !== 'heartbeat') return false;
      s.lastPing = t;
      if (!s.running && t < s.nextRunAt) schedule(s, t);
      if (started && s.nextRunAt < armedFor) engine.start();
      return true;
    },
    kindOf: (name) => scheduled.get(name)?.check.kind ?? null,
    restorePings(pings) {
      for (const [name, at] of pings) {
        const s = scheduled.get(name);
        if (s && s.check.kind === 'heartbeat' && (s.lastPing === null || at > s.lastPing)) s.lastPing = at;
      }
    },
    async testOnce(name, t) {
      const s = scheduled.get(name);
      return s ? s.check.run(t, heartbeats) : null;
    },
    status: () =>
      [...scheduled.values()]
        .map((s) => {
          const alert = opts.book.get(opts.namespace, s.check.key)?.state;
          return {
            name: s.check.name,
            service: s.check.service,
            kind: s.check.kind,
            phase: alert?.phase ?? 'ok',
            acknowledged: Boolean(alert?.acknowledged),
            since: alert?.lastChangeAt ?? s.createdAt,
            lastResult: s.lastResult,
            recent: s.recent,
            nextRunAt: s.nextRunAt,
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    start() {
      started = true;
      const next = engine.nextDueAt();
      if (Number.isFinite(next)) arm(Math.max(tickMs, Math.min(60_000, next - now())));
      else disarm();
    },
    async stop() {
      started = false;
      disarm();
      await Promise.all([...inFlight]);
    },
  };
  return engine;
}
