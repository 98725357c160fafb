// Requests per token: a token bucket per key (refilled continuously), as a pure function of time.
export interface RateLimiter {
  /** Takes one request's worth; when none is left, says how long until one is. */
  take(key: string, now: number): { ok: true } | { ok: false; retryInMillis: number };
}

export function createRateLimiter(perSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now) {
      const b = buckets.get(key) ?? { tokens: burst, at: now };
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perSecond) / 1000);
      b.at = now;
      buckets.set(key, b);
      // Forget full buckets now and then, so memory stays bounded by the active keys.
      if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.tokens >= burst) buckets.delete(k);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryInMillis: Math.ceil(((1 - b.tokens) * 1000) / perSecond) };
    },
  };
}
