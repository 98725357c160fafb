// Runs the checks on their schedule and feeds the results to the alert book. `runDue(now)` is
// the whole scheduling logic and takes the time as a parameter; `start()` only drives it with
// a timer, so tests run the engine with an injected clock.
import type { CheckConfig } from '../config/index.js';
import type { AlertBook } from './alert-book.js';
import type { CheckResult } from './checks/types.js';
import { runCheckOnce, type HeartbeatLog } from './run-check.js';

export interface CheckStatus {
  name: string;
  service: string | null;
  kind: 'http' | 'tcp' | 'grpc' | 'heartbeat';
  phase: string;
  acknowledged: boolean;
  since: number;
  lastResult: (CheckResult & { at: number }) | null;
  nextRunAt: number;
}

export interface CheckEngine {
  /** Replaces the set of checks; schedules of unchanged checks are kept. */
  setChecks(checks: CheckConfig[], now: number): void;
  /** Runs every check due at `now` (at most `maxConcurrent` at once) and records the results. */
  runDue(now: number): Promise<number>;
  /** When the next check is due (Infinity when there are none). */
  nextDueAt(): number;
  ping(name: string, now: number): boolean;
  status(): CheckStatus[];
  config(name: string): CheckConfig | undefined;
  start(): void;
  stop(): Promise<void>;
}

export interface EngineOptions {
  book: AlertBook;
  namespace: string;
  maxConcurrent?: number;
  now?: () => number;
  run?: (check: CheckConfig, now: number, heartbeats: HeartbeatLog) => Promise<CheckResult>;
  onError?: (err: unknown, check: string) => void;
}

interface Scheduled {
  check: CheckConfig;
  nextRunAt: number;
  lastResult: (CheckResult & { at: number }) | null;
  createdAt: number;
  lastPing: number | null;
  running: boolean;
}

const kindOf = (c: CheckConfig): CheckStatus['kind'] => (c.http ? 'http' : c.tcp ? 'tcp' : c.grpc ? 'grpc' : 'heartbeat');

/** A stable offset in [0, interval) from the name, so thousands of checks do not start together. */
export function spreadOffset(name: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (h >>> 0) % Math.max(1, intervalMs);
}

/** While a failure or a recovery is being confirmed, checks come back sooner. */
export function retryIntervalOf(c: CheckConfig): number {
  return c.retryInterval ?? Math.min(c.interval, Math.max(1000, Math.floor(c.interval / 5)));
}

export function createCheckEngine(opts: EngineOptions): CheckEngine {
  const scheduled = new Map<string, Scheduled>();
  const maxConcurrent = opts.maxConcurrent ?? 256;
  const now = opts.now ?? Date.now;
  const run = opts.run ?? runCheckOnce;
  const key = (name: string) => `check:${name}`;
  const heartbeats: HeartbeatLog = {
    lastPing: (name) => scheduled.get(name)?.lastPing ?? null,
    createdAt: (name) => scheduled.get(name)?.createdAt ?? now(),
  };
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let inFlight: Promise<unknown> = Promise.resolve();

  const confirming = (s: Scheduled): boolean => {
    const alert = opts.book.get(opts.namespace, key(s.check.name))?.state;
    if (!alert) return false;
    return alert.phase === 'pending' || (alert.phase === 'firing' && alert.consecutiveSuccesses > 0);
  };

  async function runOne(s: Scheduled, at: number): Promise<void> {
    s.running = true;
    try {
      const result = await run(s.check, at, heartbeats);
      s.lastResult = { ...result, at };
      await opts.book.record(
        { namespace: opts.namespace, key: key(s.check.name), labels: { check: s.check.name, ...(s.check.service ? { service: s.check.service } : {}), ...s.check.labels },
          policy: { failureThreshold: s.check.failureThreshold, successThreshold: s.check.successThreshold, forMs: s.check.for ?? 0 } },
        { ok: result.ok, message: result.message },
        at,
      );
    } catch (err) {
      opts.onError?.(err, s.check.name);
    } finally {
      s.running = false;
    }
  }

  const engine: CheckEngine = {
    setChecks(checks, t) {
      const names = new Set(checks.map((c) => c.name));
      for (const name of scheduled.keys()) if (!names.has(name)) scheduled.delete(name);
      for (const check of checks) {
        const prev = scheduled.get(check.name);
        if (prev && JSON.stringify(prev.check) === JSON.stringify(check)) continue;
        scheduled.set(check.name, {
          check, lastResult: prev?.lastResult ?? null, createdAt: prev?.createdAt ?? t, lastPing: prev?.lastPing ?? null, running: false,
          nextRunAt: t + spreadOffset(check.name, check.interval),
        });
      }
      if (started) engine.start();
    },
    async runDue(t) {
      const due = [...scheduled.values()].filter((s) => !s.running && s.nextRunAt <= t).sort((a, b) => a.nextRunAt - b.nextRunAt);
      for (let i = 0; i < due.length; i += maxConcurrent) {
        await Promise.all(due.slice(i, i + maxConcurrent).map(async (s) => {
          const at = s.nextRunAt;
          await runOne(s, Math.max(at, t));
          // The next run follows the schedule, not the end of this one, so there is no drift.
          const step = confirming(s) ? retryIntervalOf(s.check) : s.check.interval;
          s.nextRunAt = at + step * Math.max(1, Math.ceil((Math.max(t, at + 1) - at) / step));
        }));
      }
      return due.length;
    },
    nextDueAt: () => Math.min(Infinity, ...[...scheduled.values()].map((s) => s.nextRunAt)),
    ping(name, t) {
      const s = scheduled.get(name);
      if (!s || !s.check.heartbeat) return false;
      s.lastPing = t;
      s.nextRunAt = Math.min(s.nextRunAt, t);
      if (started) engine.start();
      return true;
    },
    config: (name) => scheduled.get(name)?.check,
    status: () => [...scheduled.values()].map((s) => {
      const alert = opts.book.get(opts.namespace, key(s.check.name))?.state;
      return {
        name: s.check.name, service: s.check.service ?? null, kind: kindOf(s.check), phase: alert?.phase ?? 'ok',
        acknowledged: Boolean(alert?.acknowledged), since: alert?.lastChangeAt ?? s.createdAt, lastResult: s.lastResult, nextRunAt: s.nextRunAt,
      };
    }).sort((a, b) => a.name.localeCompare(b.name)),
    start() {
      started = true;
      if (timer) clearTimeout(timer);
      const wait = Math.max(0, Math.min(60_000, engine.nextDueAt() - now()));
      if (!Number.isFinite(wait)) return;
      timer = setTimeout(() => {
        timer = null;
        inFlight = engine.runDue(now()).catch((err: unknown) => opts.onError?.(err, '*')).finally(() => {
          if (started) engine.start();
        });
      }, wait);
      timer.unref();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
  return engine;
}
