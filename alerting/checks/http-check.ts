// HTTP(S) check: method, headers, body; expected status; body contains, regex or JSON path
// condition; maximum response time; TLS certificate expiry.
import type { LookupFunction } from 'node:net';
import { JSONPath } from 'jsonpath-plus';
import { httpExchange, httpTarget, type HttpTarget } from './http-exchange.js';
import { describeError, failure, type CheckResult } from './types.js';

export interface HttpCheckSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A status or list of statuses; by default any 2xx. */
  expectStatus?: number | number[];
  bodyContains?: string;
  bodyRegex?: string;
  /** A JSONPath into the JSON body and what it must equal (or just exist). */
  jsonPath?: { path: string; equals?: string | number | boolean };
  /** Slower than this is a failure. */
  maxResponseTimeMs?: number;
  timeoutMs: number;
  /** A certificate expiring within this is a failure (default 14 days). */
  certExpiryMs?: number;
  /** Accept untrusted certificates (self-signed), still checking their expiry. */
  insecure?: boolean;
  ca?: string;
  /** How the host's name becomes addresses (checks resolve first, with their own deadline). */
  lookup?: LookupFunction;
}

const MAX_BODY = 1024 * 1024;
const DAY = 86400_000;

/** A URL made into a target once: parsing it per run costs more than the request. */
type Target = { ok: true; target: HttpTarget } | { ok: false; message: string };
const targets = new Map<string, Target>();
const MAX_TARGETS = 100_000;

function targetOf(text: string): Target {
  let t = targets.get(text);
  if (t) return t;
  try {
    const url = new URL(text);
    t =
      url.protocol === 'http:' || url.protocol === 'https:'
        ? { ok: true, target: httpTarget(url) }
        : { ok: false, message: `"${text}" is not an http or https URL` };
  } catch {
    t = { ok: false, message: `"${text}" is not a URL` };
  }
  if (targets.size >= MAX_TARGETS) targets.clear(); // only after the checks' URLs changed that often
  targets.set(text, t);
  return t;
}

/** The host a check's URL names (brackets of an IPv6 literal removed), or null when it is not a URL. */
export function httpTargetHost(url: string): string | null {
  const t = targetOf(url);
  return t.ok ? t.target.hostname : null;
}

/** Whether the check looks at the body at all (if not, it is read and thrown away). */
const readsBody = (spec: HttpCheckSpec) =>
  spec.bodyContains !== undefined || spec.bodyRegex !== undefined || spec.jsonPath !== undefined;

export async function runHttpCheck(spec: HttpCheckSpec, now: () => number = Date.now): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const target = targetOf(spec.url);
  if (!target.ok) return failure(target.message, 0);
  try {
    // A new connection each run, as a client arriving fresh would make (reused ones would hide a
    // server that no longer accepts).
    const res = await httpExchange(target.target, {
      method: spec.method ?? 'GET',
      headers: spec.headers,
      body: spec.body,
      lookup: spec.lookup,
      insecure: spec.insecure,
      ca: spec.ca,
      keepBody: readsBody(spec),
      maxBody: MAX_BODY,
      timeoutMs: spec.timeoutMs,
    });
    const latencyMs = elapsed();
    const details: CheckResult['details'] = { status: res.status, latencyMs };
    const certExpiresAt = res.certValidTo ? Date.parse(res.certValidTo) : null;
    return evaluate(spec, res.status, res.body, latencyMs, certExpiresAt, now(), details);
  } catch (err) {
    return failure(describeError(err, spec.timeoutMs), elapsed());
  }
}

function evaluate(
  spec: HttpCheckSpec,
  status: number,
  body: string,
  latencyMs: number,
  certExpiresAt: number | null,
  now: number,
  details: CheckResult['details'],
): CheckResult {
  const expected =
    spec.expectStatus === undefined ? null : Array.isArray(spec.expectStatus) ? spec.expectStatus : [spec.expectStatus];
  const statusOk = expected ? expected.includes(status) : status >= 200 && status < 300;
  if (!statusOk)
    return failure(`status ${status}, expected ${expected ? expected.join(' or ') : '2xx'}`, latencyMs, details);
  if (spec.bodyContains !== undefined && !body.includes(spec.bodyContains))
    return failure(`the body does not contain ${JSON.stringify(spec.bodyContains)}`, latencyMs, details);
  if (spec.bodyRegex !== undefined && !new RegExp(spec.bodyRegex).test(body))
    return failure(`the body does not match /${spec.bodyRegex}/`, latencyMs, details);
  if (spec.jsonPath) {
    let found: unknown[];
    try {
      found = JSONPath({ path: spec.jsonPath.path, json: JSON.parse(body) as object, wrap: true }) as unknown[];
    } catch {
      return failure('the body is not JSON', latencyMs, details);
    }
    if (found.length === 0) return failure(`${spec.jsonPath.path} is not in the body`, latencyMs, details);
    if (
      spec.jsonPath.equals !== undefined &&
      !found.some((v) => v === spec.jsonPath!.equals || String(v) === String(spec.jsonPath!.equals))
    ) {
      return failure(
        `${spec.jsonPath.path} is ${JSON.stringify(found[0])}, expected ${JSON.stringify(spec.jsonPath.equals)}`,
        latencyMs,
        details,
      );
    }
  }
  if (spec.maxResponseTimeMs !== undefined && latencyMs > spec.maxResponseTimeMs) {
    return failure(`answered in ${latencyMs} ms, more than ${spec.maxResponseTimeMs} ms`, latencyMs, details);
  }
  if (certExpiresAt !== null) {
    details.certExpiresAt = new Date(certExpiresAt).toISOString();
    const left = certExpiresAt - now;
    if (left <= 0)
      return failure(`the TLS certificate expired on ${new Date(certExpiresAt).toISOString()}`, latencyMs, details);
    if (left < (spec.certExpiryMs ?? 14 * DAY))
      return failure(
        `the TLS certificate expires in ${Math.floor(left / DAY)} days (${new Date(certExpiresAt).toISOString()})`,
        latencyMs,
        details,
      );
  }
  return { ok: true, message: `status ${status} in ${latencyMs} ms`, latencyMs, details };
}
