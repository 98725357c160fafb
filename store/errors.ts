// What a failed store call means for whoever asked: a condition that passes by itself (a full
// disk, memory, too many parts, an unreachable server) is answered "retry later", never as a
// permanent error that senders drop; anything else the same request would meet again.
export type StoreProblem = 'out-of-space' | 'overloaded' | 'unreachable' | 'rejected';

export interface StoreFailure {
  problem: StoreProblem;
  /** It passes by itself: the caller should retry later. */
  transient: boolean;
  message: string;
}

// ClickHouse error codes (src/Common/ErrorCodes.cpp) that pass by themselves.
const TRANSIENT_CODES: Record<string, Exclude<StoreProblem, 'rejected'>> = {
  '243': 'out-of-space', // NOT_ENOUGH_SPACE
  '241': 'overloaded', // MEMORY_LIMIT_EXCEEDED
  '252': 'overloaded', // TOO_MANY_PARTS
  '202': 'overloaded', // TOO_MANY_SIMULTANEOUS_QUERIES
  '159': 'overloaded', // TIMEOUT_EXCEEDED
  '209': 'unreachable', // SOCKET_TIMEOUT
  '210': 'unreachable', // NETWORK_ERROR
  '242': 'overloaded', // TABLE_IS_READ_ONLY (a replica without Keeper, for a while)
  '319': 'unreachable', // UNKNOWN_STATUS_OF_INSERT
  '999': 'unreachable', // KEEPER_EXCEPTION
};

const OUT_OF_SPACE = /no space left on device|not enough space|ENOSPC|disk quota exceeded|EDQUOT|errno: 28\b/i;
const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

export function classifyStoreError(err: unknown): StoreFailure {
  const e = err as { code?: string | number; type?: string; message?: string } | null;
  const message = e?.message ?? String(err);
  const code = e?.code === undefined ? '' : String(e.code);
  if (OUT_OF_SPACE.test(message) || code === 'ENOSPC' || code === 'EDQUOT')
    return { problem: 'out-of-space', transient: true, message };
  const known = TRANSIENT_CODES[code];
  if (known) return { problem: known, transient: true, message };
  if (UNREACHABLE_ERRNO.has(code)) return { problem: 'unreachable', transient: true, message };
  // A ClickHouse error with a type (CANNOT_PARSE_INPUT...) fails the same way again; an error
  // without one is the connection's (refused, reset, timed out), which may pass.
  if (typeof e?.type === 'string' && !/MEMORY|TOO_MANY|TIMEOUT|NETWORK|SOCKET/.test(e.type))
    return { problem: 'rejected', transient: false, message };
  return { problem: 'unreachable', transient: true, message };
}

/** Thrown by the store's calls: what went wrong, classified. */
export class StoreError extends Error implements StoreFailure {
  readonly problem: StoreProblem;
  readonly transient: boolean;
  constructor(f: StoreFailure, options?: { cause?: unknown }) {
    super(f.message, options);
    this.name = 'StoreError';
    this.problem = f.problem;
    this.transient = f.transient;
  }
}

export const PROBLEM_TEXT: Record<StoreProblem, string> = {
  'out-of-space': 'the store is out of disk space',
  overloaded: 'the store is overloaded',
  unreachable: 'the store cannot be reached',
  rejected: 'the store refused the write',
};

/** Whether the store takes writes, as last seen: every write reports here. */
export type WriteHealth = { ok: true } | { ok: false; problem: StoreProblem; message: string; since: number };
