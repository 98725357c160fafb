export { NAMESPACE_PATTERN, SCOPES, createTokenBook, grants, parseToken, type Authentication, type Scope, type TokenBook, type TokenView } from './tokens.js';
export { ensureAdminToken } from './bootstrap.js';
export { createRateLimiter, type RateLimiter } from './rate-limit.js';

/** Whether an address is this machine's (loopback), IPv4, IPv6 or IPv4-mapped. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || a === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(a);
}
