export {
  SCOPES,
  createTokenBook,
  grants,
  parseToken,
  type Authentication,
  type Scope,
  type TokenBook,
  type TokenView,
} from './tokens.js';
export { ensureAdminToken } from './bootstrap.js';
export { createRateLimiter, type RateLimiter } from './rate-limit.js';

export { authorize, authorizeToken, type AccessPolicy, type Authorization } from './authorize.js';
export { isLoopback } from './loopback.js';
export { LINK_TTL_MS, SESSION_TTL_MS, createSessionBook, type SessionBook } from './sessions.js';
