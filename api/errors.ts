// Every error the API answers with, in one table: a stable code, an HTTP status and a message.
import { StoreError } from '../store/index.js';

export const API_ERRORS = {
  BAD_REQUEST: { code: 'MICRO_ERR_BAD_REQUEST', status: 400, message: 'the request is not valid' },
  NOT_FOUND: { code: 'MICRO_ERR_NOT_FOUND', status: 404, message: 'there is nothing at this address' },
  TRACE_NOT_FOUND: { code: 'MICRO_ERR_TRACE_NOT_FOUND', status: 404, message: 'no such trace is stored' },
  CHECK_NOT_FOUND: { code: 'MICRO_ERR_CHECK_NOT_FOUND', status: 404, message: 'no such check' },
  ALERT_NOT_FOUND: { code: 'MICRO_ERR_ALERT_NOT_FOUND', status: 404, message: 'no such alert' },
  SILENCE_NOT_FOUND: { code: 'MICRO_ERR_SILENCE_NOT_FOUND', status: 404, message: 'no such silence' },
  SCHEDULE_NOT_FOUND: { code: 'MICRO_ERR_SCHEDULE_NOT_FOUND', status: 404, message: 'no such schedule' },
  USER_NOT_FOUND: { code: 'MICRO_ERR_USER_NOT_FOUND', status: 404, message: 'no such user' },
  OVERRIDE_NOT_FOUND: { code: 'MICRO_ERR_OVERRIDE_NOT_FOUND', status: 404, message: 'no such override' },
  FEED_TOKEN_INVALID: { code: 'MICRO_ERR_FEED_TOKEN_INVALID', status: 403, message: 'the calendar link is not valid' },
  UNAUTHENTICATED: { code: 'MICRO_ERR_UNAUTHENTICATED', status: 401, message: 'this needs a valid token' },
  FORBIDDEN: { code: 'MICRO_ERR_FORBIDDEN', status: 403, message: "the token's scope does not allow this" },
  RATE_LIMITED: { code: 'MICRO_ERR_RATE_LIMITED', status: 429, message: 'too many requests' },
  TOKEN_NOT_FOUND: { code: 'MICRO_ERR_TOKEN_NOT_FOUND', status: 404, message: 'no such token' },
  INVALID_CONFIG: { code: 'MICRO_ERR_INVALID_CONFIG', status: 400, message: 'the configuration is not valid' },
  CONFLICT: { code: 'MICRO_ERR_CONFLICT', status: 409, message: 'the request conflicts with the current state' },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'MICRO_ERR_UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    message: 'the content type is not supported',
  },
  BODY_TOO_LARGE: { code: 'MICRO_ERR_BODY_TOO_LARGE', status: 413, message: 'the request body is too large' },
  NOT_READY: { code: 'MICRO_ERR_NOT_READY', status: 503, message: 'the server is not ready yet' },
  STORE_FULL: {
    code: 'MICRO_ERR_STORE_FULL',
    status: 507,
    message: 'the store is out of disk space; nothing was changed, retry later',
  },
  STORE_UNAVAILABLE: {
    code: 'MICRO_ERR_STORE_UNAVAILABLE',
    status: 503,
    message: 'the store cannot be reached or is overloaded; nothing was changed, retry later',
  },
  INTERNAL: { code: 'MICRO_ERR_INTERNAL', status: 500, message: 'something went wrong on the server' },
} as const;

export type ApiErrorKind = keyof typeof API_ERRORS;

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly detail?: string,
  ) {
    super(detail ?? API_ERRORS[kind].message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Turns anything thrown in a handler into a status and a body: the one place that does. */
/** Seconds a client should wait before retrying what the store could not take. */
export const STORE_RETRY_AFTER_S = 5;

export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; retryAfterSeconds?: number } {
  let kind: ApiErrorKind = 'INTERNAL';
  let message: string = API_ERRORS.INTERNAL.message;
  if (err instanceof StoreError && err.transient) {
    kind = err.problem === 'out-of-space' ? 'STORE_FULL' : 'STORE_UNAVAILABLE';
    return {
      status: API_ERRORS[kind].status,
      body: { error: { code: API_ERRORS[kind].code, message: API_ERRORS[kind].message } },
      retryAfterSeconds: STORE_RETRY_AFTER_S,
    };
  }
  if (err instanceof ApiError) {
    kind = err.kind;
    message = err.detail ?? API_ERRORS[kind].message;
  } else {
    const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
    if (e?.validation) [kind, message] = ['BAD_REQUEST', e.message ?? API_ERRORS.BAD_REQUEST.message];
    else if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') kind = 'UNSUPPORTED_MEDIA_TYPE';
    else if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') kind = 'BODY_TOO_LARGE';
    else if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500)
      [kind, message] = ['BAD_REQUEST', e.message ?? API_ERRORS.BAD_REQUEST.message];
    if (kind !== 'INTERNAL' && kind !== 'BAD_REQUEST') message = API_ERRORS[kind].message;
  }
  return { status: API_ERRORS[kind].status, body: { error: { code: API_ERRORS[kind].code, message } } };
}
