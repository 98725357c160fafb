// HTTP(S) check: method, headers, body; expected status; body contains, regex or JSON path
// condition; maximum response time; TLS certificate expiry.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { JSONPath } from 'jsonpath-plus';
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

export function runHttpCheck(spec: HttpCheckSpec, now: () => number = Date.now): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      resolve(failure(`"${spec.url}" is not a URL`, 0));
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method: spec.method ?? 'GET',
        headers: { 'user-agent': 'micro-observe-check/0.1', ...spec.headers },
        signal: AbortSignal.timeout(spec.timeoutMs),
        ...(spec.lookup ? { lookup: spec.lookup } : {}),
        ...(url.protocol === 'https:'
          ? { rejectUnauthorized: !spec.insecure, ca: spec.ca, agent: false }
          : { agent: false }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on('error', (err) => resolve(failure(describeError(err, spec.timeoutMs), elapsed())));
        res.on('end', () => {
          const latencyMs = elapsed();
          const status = res.statusCode ?? 0;
          const details: CheckResult['details'] = { status, latencyMs };
          const cert = url.protocol === 'https:' ? (res.socket as TLSSocket).getPeerCertificate?.() : undefined;
          const body = Buffer.concat(chunks).toString('utf8');
          resolve(
            evaluate(spec, status, body, latencyMs, cert?.valid_to ? Date.parse(cert.valid_to) : null, now(), details),
          );
        });
      },
    );
    req.on('error', (err) => resolve(failure(describeError(err, spec.timeoutMs), elapsed())));
    req.end(spec.body);
  });
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
