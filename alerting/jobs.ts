// What the engine schedules: checks and telemetry rules, each turned into a job that yields a
// CheckResult. Rules read the store through its measurement functions, never SQL of their own.
import type { CheckConfig, RuleConfig } from '../config/index.js';
import {
  errorRateOver,
  lastTelemetryAt,
  latencyOver,
  logCountOver,
  runtimeStatMax,
  type Store,
} from '../store/index.js';
import type { AlertPolicy } from './state-machine.js';
import type { CheckResult } from './checks/types.js';
import type { HostResolver } from './checks/resolve.js';
import { runCheckOnce, type HeartbeatLog } from './run-check.js';

export interface Job {
  key: string;
  name: string;
  kind: 'http' | 'tcp' | 'grpc' | 'heartbeat' | 'rule';
  service: string | null;
  intervalMs: number;
  retryIntervalMs: number;
  labels: Record<string, string>;
  policy: Partial<AlertPolicy>;
  /** Identifies the definition: a job whose fingerprint is unchanged keeps its schedule. */
  fingerprint: string;
  run(now: number, heartbeats: HeartbeatLog): Promise<CheckResult>;
}

// While a failure is being confirmed, checks run again at a tenth of their interval (at least 100 ms):
// a page waits on confirmation, and only a failing target sees the extra requests.
const retryOf = (interval: number, retry?: number) =>
  retry ?? Math.min(interval, Math.max(100, Math.floor(interval / 10)));

export function checkJob(check: CheckConfig, resolver: HostResolver): Job {
  return {
    key: `check:${check.name}`,
    name: check.name,
    kind: check.http ? 'http' : check.tcp ? 'tcp' : check.grpc ? 'grpc' : 'heartbeat',
    service: check.service ?? null,
    intervalMs: check.interval,
    retryIntervalMs: retryOf(check.interval, check.retryInterval),
    labels: { check: check.name, ...(check.service ? { service: check.service } : {}), ...check.labels },
    policy: {
      failureThreshold: check.failureThreshold,
      successThreshold: check.successThreshold,
      forMs: check.for ?? 0,
    },
    fingerprint: JSON.stringify(check),
    run: (now, heartbeats) => runCheckOnce(check, now, heartbeats, resolver),
  };
}

const pct = (r: number) => `${(r * 100).toFixed(r < 0.1 ? 2 : 1)}%`;
const fmtBytes = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const span = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

export async function evaluateRule(
  rule: RuleConfig,
  store: Pick<Store, 'query'>,
  namespace: string,
  now: number,
): Promise<CheckResult> {
  const started = performance.now();
  const done = (ok: boolean, message: string, details: CheckResult['details'] = {}): CheckResult => ({
    ok,
    message,
    latencyMs: Math.round(performance.now() - started),
    details,
  });
  const of = (w: number) => ({ fromMs: now - w, toMs: now + 1 });
  const what = `${rule.service}${rule.operation ? ` ${rule.operation}` : ''}`;
  if (rule.errorRate) {
    const { requests, errors } = await errorRateOver(
      store,
      namespace,
      rule.service,
      rule.operation,
      of(rule.errorRate.window),
    );
    const rate = requests ? errors / requests : 0;
    const text = `${what}: ${errors} errors in ${requests} requests (${pct(rate)}) over ${span(rule.errorRate.window)}, threshold ${pct(rule.errorRate.above)}`;
    return done(rate <= rule.errorRate.above, text, { requests, errors, rate });
  }
  if (rule.latency) {
    const { requests, ms } = await latencyOver(
      store,
      namespace,
      rule.service,
      rule.operation,
      rule.latency.percentile,
      of(rule.latency.window),
    );
    const label = `p${Math.round(rule.latency.percentile * 100)}`;
    return done(
      requests === 0 || ms <= rule.latency.above,
      `${what}: ${label} ${ms.toFixed(1)} ms over ${span(rule.latency.window)} (${requests} requests), threshold ${rule.latency.above} ms`,
      { requests, ms },
    );
  }
  if (rule.runtime) {
    const { value, instance } = await runtimeStatMax(
      store,
      namespace,
      rule.service,
      rule.runtime.stat,
      of(rule.runtime.window),
    );
    if (value === null)
      return done(true, `${rule.service}: no ${rule.runtime.stat} figures over ${span(rule.runtime.window)}`);
    const shown =
      rule.runtime.stat === 'memory'
        ? fmtBytes(value)
        : rule.runtime.stat === 'cpu'
          ? `${value.toFixed(1)}%`
          : String(value);
    const limit =
      rule.runtime.stat === 'memory'
        ? fmtBytes(rule.runtime.above)
        : rule.runtime.stat === 'cpu'
          ? `${rule.runtime.above}%`
          : String(rule.runtime.above);
    return done(
      value <= rule.runtime.above,
      `${rule.service} ${rule.runtime.stat} ${shown} on ${instance}, threshold ${limit}`,
      { value, instance },
    );
  }
  if (rule.logs) {
    const n = await logCountOver(store, namespace, rule.service, rule.logs.level, rule.logs.text, of(rule.logs.window));
    const filter = [
      rule.logs.level ? `${rule.logs.level} or worse` : '',
      rule.logs.text ? `containing "${rule.logs.text}"` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return done(
      n <= rule.logs.above,
      `${rule.service}: ${n} log lines${filter ? ` ${filter}` : ''} over ${span(rule.logs.window)}, threshold ${rule.logs.above}`,
      { count: n },
    );
  }
  const window = rule.absence!.window;
  const last = await lastTelemetryAt(store, namespace, rule.service, of(window));
  return done(
    last !== null,
    last === null
      ? `no telemetry from ${rule.service} for ${span(window)}`
      : `${rule.service} last sent telemetry at ${new Date(last).toISOString()}`,
    { lastMs: last },
  );
}

export function ruleJob(rule: RuleConfig, store: Pick<Store, 'query'>, namespace: string): Job {
  return {
    key: `rule:${rule.name}`,
    name: rule.name,
    kind: 'rule',
    service: rule.service,
    intervalMs: rule.interval,
    retryIntervalMs: retryOf(rule.interval),
    // `condition` names what the rule watches; an absence rule (the service is down) inhibits
    // the service's other alerts.
    labels: {
      rule: rule.name,
      service: rule.service,
      condition: (['errorRate', 'latency', 'runtime', 'logs', 'absence'] as const).find((k) => rule[k] !== undefined)!,
      ...rule.labels,
    },
    policy: { failureThreshold: 1, successThreshold: 1, forMs: rule.for ?? 0 },
    fingerprint: JSON.stringify(rule),
    run: (now) => evaluateRule(rule, store, namespace, now),
  };
}

/** A stable offset in [0, interval) from the name, so thousands of checks do not start together. */
export function spreadOffset(name: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (h >>> 0) % Math.max(1, intervalMs);
}
