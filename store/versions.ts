// Versions of rows that replace each other (configuration objects, escalations, tokens) and
// sequence numbers of log rows: increasing within a millisecond, and across restarts, because
// they follow the wall clock even when the caller's clock is an injected one.
let last = 0;

export function nextVersion(now = Date.now()): number {
  last = Math.max(last + 1, Math.max(now, Date.now()) * 1000);
  return last;
}
