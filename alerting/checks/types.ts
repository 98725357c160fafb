// What every check returns: a result as data, never a thrown error.
export interface CheckResult {
  ok: boolean;
  /** One readable sentence: what was seen, or what went wrong. */
  message: string;
  latencyMs: number;
  details: Record<string, string | number | boolean | null>;
}

export function failure(message: string, latencyMs: number, details: CheckResult['details'] = {}): CheckResult {
  return { ok: false, message, latencyMs, details };
}

export function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT' || e?.code === 'ABORT_ERR')
    return `timed out after ${timeoutMs} ms`;
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ECONNRESET') return 'connection reset';
  if (e?.code === 'ENOTFOUND') return 'unknown host';
  if (e?.code === 'CERT_HAS_EXPIRED') return 'the TLS certificate has expired';
  if (e?.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || e?.code === 'SELF_SIGNED_CERT_IN_CHAIN')
    return 'the TLS certificate is self-signed and not trusted';
  return e?.message ?? String(err);
}
