// One check, run once: the executor for its kind, with the check's timeout.
import type { CheckConfig } from '../config/index.js';
import { runGrpcCheck } from './checks/grpc-check.js';
import { heartbeatStatus } from './checks/heartbeat.js';
import { runHttpCheck } from './checks/http-check.js';
import { runTcpCheck } from './checks/tcp-check.js';
import type { CheckResult } from './checks/types.js';

export interface HeartbeatLog {
  lastPing(name: string): number | null;
  createdAt(name: string): number;
}

export async function runCheckOnce(check: CheckConfig, now: number, heartbeats: HeartbeatLog): Promise<CheckResult> {
  if (check.http) {
    const h = check.http;
    return runHttpCheck({
      url: h.url, method: h.method, headers: h.headers, body: h.body, expectStatus: h.expectStatus, bodyContains: h.bodyContains, bodyRegex: h.bodyRegex,
      jsonPath: h.jsonPath, maxResponseTimeMs: h.maxResponseTime, timeoutMs: h.timeout ?? check.timeout, certExpiryMs: h.certExpiry, insecure: h.insecure,
    }, () => now);
  }
  if (check.tcp) return runTcpCheck({ host: check.tcp.host, port: check.tcp.port, timeoutMs: check.tcp.timeout ?? check.timeout });
  if (check.grpc) return runGrpcCheck({ address: check.grpc.address, service: check.grpc.service, tls: check.grpc.tls, timeoutMs: check.grpc.timeout ?? check.timeout });
  const hb = check.heartbeat!;
  const s = heartbeatStatus({ periodMs: hb.period, cron: hb.cron, timezone: hb.timezone, graceMs: hb.grace }, heartbeats.lastPing(check.name), heartbeats.createdAt(check.name), now);
  return { ok: s.ok, message: s.message, latencyMs: 0, details: { state: s.state, dueAt: new Date(s.dueAt).toISOString() } };
}
