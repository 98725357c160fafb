// What every read shares: a namespace, a bounded time range and a capped limit.
import type { Store } from '../store.js';

export type Reader = Pick<Store, 'query'>;

export interface TimeRange {
  /** Unix milliseconds, inclusive. */
  fromMs: number;
  /** Unix milliseconds, exclusive. */
  toMs: number;
}

export const MAX_LIMIT = 1000;

export function capLimit(limit: number | undefined, fallback: number, max = MAX_LIMIT): number {
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return fallback;
  return Math.min(Math.floor(limit), max);
}

/** Query parameters for a range: `{from:Int64}` and `{to:Int64}` in milliseconds. */
export function rangeParams(r: TimeRange): { from: number; to: number } {
  return { from: Math.floor(r.fromMs), to: Math.ceil(r.toMs) };
}

/** Span and log timestamps in the range (the tables are partitioned by day, so this prunes partitions). */
export const TIMESTAMP_IN_RANGE =
  'Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})';

/** Metric points in the range. */
export const TIMEUNIX_IN_RANGE =
  'TimeUnix >= fromUnixTimestamp64Milli({from:Int64}) AND TimeUnix < fromUnixTimestamp64Milli({to:Int64})';

/** Rows of the services in `{services:Array(String)}`, or of every service when it is empty. */
export const IN_SERVICES = '(empty({services:Array(String)}) OR has({services:Array(String)}, ServiceName))';

/** The instance a row came from (service.instance.id, else host.name), materialized. */
export const INSTANCE_EXPR = 'ServiceInstance';

export { ENTRY_SPAN } from '../telemetry-names.js';

/**
 * Whose rows a read may see: its own namespace's, plus the services other namespaces expose to it
 * (`exposures` in their declarations). Isolation is here, in the store, not in handlers.
 */
export interface ReadScope {
  namespace: string;
  /** `[namespace, service]` pairs exposed to this namespace. */
  shared?: ReadonlyArray<readonly [string, string]>;
}

/** The condition on `Namespace` (and `ServiceName`) for a scope; its parameters come from `scopeParams`. */
export function inScope(scope: ReadScope | string): string {
  return typeof scope === 'string' || !scope.shared?.length
    ? 'Namespace = {ns:String}'
    : "(Namespace = {ns:String} OR has({shared:Array(String)}, concat(Namespace, '/', ServiceName)))";
}

export function scopeParams(scope: ReadScope | string): Record<string, unknown> {
  if (typeof scope === 'string') return { ns: scope };
  // Namespaces hold no '/', so "namespace/service" names one pair without ambiguity.
  return {
    ns: scope.namespace,
    ...(scope.shared?.length ? { shared: scope.shared.map(([n, svc]) => `${n}/${svc}`) } : {}),
  };
}
