export { buildApi, type ApiDeps, type Readiness } from './build.js';
export { API_ERRORS, ApiError, toErrorResponse, type ApiErrorKind } from './errors.js';
export { installAccess, requiredScopes, type RouteAccess } from './access.js';
