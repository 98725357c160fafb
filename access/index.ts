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

export { authorize, type AccessPolicy, type Authorization } from './authorize.js';
export { isLoopback } from './loopback.js';
