// One check, run once: the executor for its kind, with the check's timeout.
import { isIP } from 'node:net';
import type { CheckConfig } from '../config/index.js';
import { runGrpcCheck } from './checks/grpc-check.js';
import { heartbeatStatus } from './checks/heartbeat.js';
import { httpTargetHost, runHttpCheck } from './checks/http-check.js';
import { runTcpCheck } from './checks/tcp-check.js';
import { fixedLookup, type HostResolver, type ResolvedAddress } from './checks/resolve.js';
import { failure, type CheckResult } from './checks/types.js';

export interface HeartbeatLog {
  lastPing(name: string): number | null;
  createdAt(name: string): number;
}

/** The host of a check's target, and its port (gRPC addresses are host:port). */
function targetHost(check: CheckConfig): string | null {
  if (check.http) return httpTargetHost(check.http.url); // null: the HTTP check says what is wrong with the URL
  if (check.tcp) return check.tcp.host;
  if (check.grpc) return check.grpc.address.replace(/:\d+$/, '');
  return null;
}

const dialable = (a: ResolvedAddress, port: string): string =>
  a.family === 6 ? `[${a.address}]:${port}` : `${a.address}:${port}`;

export async function runCheckOnce(
  check: CheckConfig,
  now: number,
  heartbeats: HeartbeatLog,
  resolver: HostResolver,
): Promise<CheckResult> {
  const host = targetHost(check);
  let addresses: ResolvedAddress[] | null = null;
  let timeoutMs = check.http?.timeout ?? check.tcp?.timeout ?? check.grpc?.timeout ?? check.timeout;
  // An IP literal needs no lookup (most checks of a private network name one).
  if (host !== null && isIP(host) === 0) {
    // The name is resolved within the check's own deadline; what the lookup took comes off it.
    const started = performance.now();
    const r = await resolver.resolve(host, timeoutMs);
    const took = Math.round(performance.now() - started);
    if (!r.ok) return failure(r.message, took, { dns: 'failed' });
    addresses = r.addresses;
    timeoutMs = Math.max(1, timeoutMs - took);
  }
  const lookup = addresses ? fixedLookup(addresses) : undefined;
  if (check.http) {
    const h = check.http;
    return runHttpCheck(
      {
        url: h.url,
        method: h.method,
        headers: h.headers,
        body: h.body,
        expectStatus: h.expectStatus,
        bodyContains: h.bodyContains,
        bodyRegex: h.bodyRegex,
        jsonPath: h.jsonPath,
        maxResponseTimeMs: h.maxResponseTime,
        timeoutMs,
        certExpiryMs: h.certExpiry,
        insecure: h.insecure,
        lookup,
      },
      () => now,
    );
  }
  if (check.tcp) return runTcpCheck({ host: check.tcp.host, port: check.tcp.port, timeoutMs, lookup });
  if (check.grpc) {
    const port = /:(\d+)$/.exec(check.grpc.address)?.[1];
    const resolvedAddress = addresses && port ? dialable(addresses[0]!, port) : undefined;
    return runGrpcCheck({
      address: check.grpc.address,
      service: check.grpc.service,
      tls: check.grpc.tls,
      timeoutMs,
      resolvedAddress,
    });
  }
  const hb = check.heartbeat!;
  const s = heartbeatStatus(
    { periodMs: hb.period, cron: hb.cron, timezone: hb.timezone, graceMs: hb.grace },
    heartbeats.lastPing(check.name),
    heartbeats.createdAt(check.name),
    now,
  );
  return {
    ok: s.ok,
    message: s.message,
    latencyMs: 0,
    details: { state: s.state, dueAt: new Date(s.dueAt).toISOString() },
  };
}
